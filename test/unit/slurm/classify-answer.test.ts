/**
 * slurmrestd's failures as an operator reads them. The 22.05 bodies are the recorded ones
 * (test/fixtures/slurm/v0.0.38/error-*.json); later releases' statuses come from their source.
 */
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { checkAnswer, type AnswerContext } from '../../../electron/core/slurm/classify-answer';
import type { RestAnswer } from '../../../electron/core/slurm/rest-transport';
import { slurmFixture } from './fixtures';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const jwt = (claims: object) => `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`;
const LIVE = jwt({ exp: NOW / 1000 + 3600, iat: NOW / 1000, sun: 'ops' });

function ctx(token = LIVE, user = 'ops'): AnswerContext {
  return { what: 'GET /slurm/v0.0.38/jobs', where: '10.0.0.9:6820', user, token, now: NOW };
}

function recorded(name: string, elapsedMs = 15): RestAnswer {
  const f = slurmFixture(`v0.0.38/${name}`) as { status: number; body: unknown };
  return { status: f.status, body: typeof f.body === 'string' ? f.body : JSON.stringify(f.body), elapsedMs };
}

function failure(answer: RestAnswer, c: AnswerContext = ctx()): FleetError {
  try {
    checkAnswer(answer, c);
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error('expected a failure');
}

describe("22.05's HTTP 500 'Unspecified error' (recorded)", () => {
  it('is the token when the token is no JWT', () => {
    const err = failure(recorded('error-token-refused'), ctx('garbage'));
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.detail).toMatchObject({ reason: 'token-refused', status: 500 });
    expect(err.message).toMatch(/HTTP 500 "Failed while looking for jobs: Unspecified error": the token is not a JWT/);
    expect(err.message).toMatch(/scontrol token username=ops/);
    expect(err.message).not.toContain('garbage');
  });

  it('is the token when it expired, saying when', () => {
    const err = failure(recorded('error-token-refused'), ctx(jwt({ exp: NOW / 1000 - 600, sun: 'ops' })));
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.message).toMatch(/the token expired at \d\d:\d\d:\d\d \(10 min ago\)/);
  });

  it('is most likely the token when it came at once, naming a user mismatch', () => {
    const err = failure(recorded('error-token-refused', 12), ctx(jwt({ exp: NOW / 1000 + 60, sun: 'root' }), 'ops'));
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.message).toMatch(/most likely refused the token \(slurmrestd 22\.05 reports a refused token as this 500, not 401\)/);
    expect(err.message).toMatch(/made for "root", not "ops"/);
  });

  it('is the controller when slurmrestd took seconds (it retries a slurmctld that is down)', () => {
    const err = failure(recorded('error-token-refused', 9040));
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.detail).toMatchObject({ reason: 'controller-unreachable', elapsedMs: 9040 });
    expect(err.message).toMatch(/after 10 s: slurmrestd most likely cannot reach slurmctld/);
  });

  it('reads the older error spelling ({error, errno}) of the same answer', () => {
    const err = failure(recorded('error-empty-token'));
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.detail).toMatchObject({ slurmErrors: [{ message: 'Unspecified error', number: -1, source: null }] });
  });
});

describe('other failures', () => {
  it('401 without auth headers (recorded, plain text)', () => {
    const err = failure(recorded('error-no-auth'));
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.message).toMatch(/HTTP 401 "Authentication failure"/);
  });

  it('405 on POST /node in v0.0.38 (recorded)', () => {
    const err = failure(recorded('error-post-node'), { ...ctx(), what: 'POST /slurm/v0.0.38/node/node1' });
    expect(err.code).toBe('COMMAND_FAILED');
    expect(err.detail).toMatchObject({ reason: 'method-not-allowed', status: 405 });
  });

  it('later releases: 511 or an auth error number is the token; 502/504 or a connection error number the controller', () => {
    const body = (n: number) => JSON.stringify({ errors: [{ description: 'x', error_number: n, error: 'Protocol authentication error', source: 's' }] });
    expect(failure({ status: 511, body: '{}', elapsedMs: 5 }).code).toBe('UNAUTHORIZED');
    expect(failure({ status: 500, body: body(1007), elapsedMs: 5 }).code).toBe('UNAUTHORIZED');
    expect(failure({ status: 500, body: body(6000), elapsedMs: 5 }).code).toBe('UNAUTHORIZED');
    expect(failure({ status: 502, body: '{}', elapsedMs: 5 }).code).toBe('HOST_UNREACHABLE');
    expect(failure({ status: 500, body: body(1800), elapsedMs: 5 }).detail).toMatchObject({ reason: 'controller-unreachable' });
  });

  it('404 says the plugin changed', () => {
    const err = failure({ status: 404, body: 'Not Found', elapsedMs: 3 });
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toMatch(/detected again on the next read/);
  });

  it('any other status keeps what Slurm said', () => {
    const err = failure({ status: 500, body: JSON.stringify({ errors: [{ error: 'Invalid node name specified', error_number: 2003 }] }), elapsedMs: 3 });
    expect(err.code).toBe('COMMAND_FAILED');
    expect(err.message).toMatch(/HTTP 500 "Invalid node name specified"/);
  });
});

describe('2xx answers', () => {
  it('returns the object', () => {
    expect(checkAnswer({ status: 200, body: '{"nodes":[]}', elapsedMs: 1 }, ctx())).toEqual({ nodes: [] });
  });

  it('refuses what is not JSON or not an object, with a clean excerpt', () => {
    const notJson = failure({ status: 200, body: `<html>\u001b[31moops ${'x'.repeat(5000)}`, elapsedMs: 1 });
    expect(notJson.code).toBe('PARSE_FAILED');
    expect(notJson.detail).toMatchObject({ reason: 'not-json' });
    expect(notJson.message).not.toContain('\u001b');
    expect(notJson.message.length).toBeLessThan(300);
    expect(failure({ status: 200, body: '[1,2]', elapsedMs: 1 }).detail).toMatchObject({ reason: 'bad-shape' });
  });

  it('never repeats the token a server echoes', () => {
    const err = failure({ status: 401, body: `bad token ${LIVE}`, elapsedMs: 1 });
    expect(err.message).not.toContain(LIVE);
    expect(err.message).toContain('[redacted]');
  });
});
