import { describe, expect, it } from 'vitest';
import type { BreakerView } from '../../../electron/core/replica/circuit-breaker';
import { judgeReplica, type KindRecord, type VerdictInput } from '../../../electron/core/replica/replica-verdict';
import type { ProbeKind, ReplicaProbeOutcome } from '../../../electron/core/replica/replica-types';
import { T0, fail, ok, rateLimited } from './outcomes';

const closed: BreakerView = { state: 'closed', consecutiveFailures: 0, openedAt: null, retryAt: null };

function judge(records: Partial<Record<ProbeKind, ReplicaProbeOutcome | [ReplicaProbeOutcome, number]>>, extra: Partial<VerdictInput> = {}) {
  const recs: Partial<Record<ProbeKind, KindRecord>> = {};
  for (const [kind, r] of Object.entries(records) as [ProbeKind, ReplicaProbeOutcome | [ReplicaProbeOutcome, number]][]) {
    recs[kind] = Array.isArray(r) ? { last: r[0], streak: r[1] } : { last: r, streak: 1 };
  }
  return judgeReplica({ records: recs, throttle: null, breaker: closed, failureThreshold: 3, now: T0, ...extra });
}

const wrong = fail('completion', T0, 'wrong-answer', 'wrong answer — expected "OK", got "Sure! …"', { status: 200 });

describe('replica verdict', () => {
  it('is unknown before any probe', () => {
    expect(judge({})).toEqual({ health: 'unknown', reasons: ['not probed yet'] });
  });

  it('is healthy with both probes passing, or with health passing and the prompt not run yet', () => {
    expect(judge({ health: ok('health', T0), completion: ok('completion', T0) })).toEqual({ health: 'healthy', reasons: [] });
    expect(judge({ health: ok('health', T0) })).toEqual({ health: 'healthy', reasons: [] });
  });

  it('health endpoint refused or timing out: unreachable', () => {
    expect(judge({ health: fail('health', T0, 'refused', 'connection refused to 127.0.0.1:8001') })).toEqual({
      health: 'unreachable',
      reasons: ['health: connection refused to 127.0.0.1:8001'],
    });
    expect(judge({ health: fail('health', T0, 'timeout', 'no answer') }).health).toBe('unreachable');
    expect(judge({ health: fail('health', T0, 'network', 'reset') }).health).toBe('unreachable');
  });

  it('health endpoint 5xx: unhealthy at once, with the streak', () => {
    expect(judge({ health: [fail('health', T0, 'http-5xx', 'HTTP 503', { status: 503 }), 3] })).toEqual({
      health: 'unhealthy',
      reasons: ['health: HTTP 503 for 3 probes'],
    });
  });

  it('health OK, completion wrong answer: unhealthy (loaded but broken)', () => {
    expect(judge({ health: ok('health', T0), completion: wrong })).toEqual({
      health: 'unhealthy',
      reasons: ['completion probe: wrong answer — expected "OK", got "Sure! …"'],
    });
  });

  it('health OK, completion 5xx or timeout: degraded, unhealthy once it repeats failureThreshold times', () => {
    const e500 = fail('completion', T0, 'http-5xx', 'HTTP 500', { status: 500 });
    expect(judge({ health: ok('health', T0), completion: [e500, 2] }).health).toBe('degraded');
    expect(judge({ health: ok('health', T0), completion: [e500, 3] })).toEqual({ health: 'unhealthy', reasons: ['completion probe: HTTP 500 for 3 probes'] });
    const slow = fail('completion', T0, 'timeout', 'no answer from 127.0.0.1:8001 within 30 s');
    expect(judge({ health: ok('health', T0), completion: slow }).health).toBe('degraded');
    expect(judge({ health: ok('health', T0), completion: fail('completion', T0, 'bad-response', 'not JSON', { status: 200 }) }).health).toBe('degraded');
  });

  it('401/403: unhealthy, and the reason says to check the credentials', () => {
    const auth = fail('completion', T0, 'auth', 'HTTP 401 — check the credentials (secretRef llama-key)', { status: 401 });
    expect(judge({ health: ok('health', T0), completion: auth })).toEqual({
      health: 'unhealthy',
      reasons: ['completion probe: HTTP 401 — check the credentials (secretRef llama-key)'],
    });
    expect(judge({ health: fail('health', T0, 'auth', 'HTTP 403', { status: 403 }) }).health).toBe('unhealthy');
  });

  it('puts the worst reason first', () => {
    const v = judge({ health: fail('health', T0, 'refused', 'connection refused to 127.0.0.1:8001'), completion: wrong });
    expect(v.health).toBe('unreachable');
    expect(v.reasons[0]).toMatch(/^health: connection refused/);
    expect(v.reasons[1]).toMatch(/^completion probe: wrong answer/);
  });

  it('throttled sits between healthy and unhealthy: worse failures win over it', () => {
    const throttle = { until: T0 + 30_000, retryAfterSeconds: 30, kind: 'completion' as const };
    expect(judge({ health: ok('health', T0), completion: rateLimited('completion', T0, 30) }, { throttle })).toEqual({
      health: 'throttled',
      reasons: ['completion probe: 429 rate limited, retry after 30 s (at 12:04:10)'],
    });
    const v = judge({ health: fail('health', T0, 'refused', 'connection refused to 127.0.0.1:8001'), completion: rateLimited('completion', T0, 30) }, { throttle });
    expect(v.health).toBe('unreachable');
    expect(v.reasons).toHaveLength(2);
  });

  it('only 429s seen and the throttle lifted: unknown, not healthy', () => {
    expect(judge({ completion: rateLimited('completion', T0, 1) })).toEqual({ health: 'unknown', reasons: ['rate limited until now: waiting for the next probe'] });
  });

  it('formats long waits readably', () => {
    const throttle = { until: T0 + 3 * 3600_000, retryAfterSeconds: 3 * 3600, kind: 'health' as const };
    expect(judge({ health: rateLimited('health', T0, 3 * 3600) }, { throttle }).reasons[0]).toBe('health: 429 rate limited, retry after 3 h (at 15:03:40)');
  });
});
