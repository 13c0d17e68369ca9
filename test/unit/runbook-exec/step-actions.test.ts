import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAbortedError, pollUntil, sleep } from '../../../electron/core/runbook-exec/abortable';
import { checkpointCommand, judgeCheckpoint } from '../../../electron/core/runbook-exec/checkpoint';
import { createStepActions } from '../../../electron/core/runbook-exec/step-actions';
import { noRuntime, rejection } from './step-test-helpers';
import { FleetError } from '../../../shared/errors';

const FIXTURE = readFileSync(join(__dirname, '../../fixtures/nvidia-smi/h100-80gb-hbm3/ckpt-stat.txt'), 'utf8');
const NEWEST_MTIME = 1795607191;


let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

/** A local HTTP server answering 500 to every `failEvery`-th request; counts connections. */
async function serve(failEvery: number): Promise<{ url: string; connections: () => number }> {
  let n = 0;
  let connections = 0;
  const server = createServer((_req, res) => {
    n++;
    res.writeHead(n % failEvery === 0 ? 500 : 200).end('x');
  });
  server.on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, connections: () => connections };
}

describe('checkpoint freshness', () => {
  const stdoutAt = (nowS: number) => `${nowS}\n${FIXTURE.trim().split('\n').at(-1)}\n`;

  it('reads the newest file of the captured stat output and judges it on the node clock', () => {
    expect(judgeCheckpoint(stdoutAt(NEWEST_MTIME + 30), 60, '/mnt/ckpt/run-1')).toBe('/mnt/ckpt/run-1/step_015400.pt: 1050245 bytes, written 30 s ago (max 60 s)');
    const err = (() => {
      try {
        judgeCheckpoint(stdoutAt(NEWEST_MTIME + 61), 60, '/mnt/ckpt/run-1');
      } catch (e) {
        return e as FleetError;
      }
    })();
    expect(err?.code).toBe('COMMAND_FAILED');
    expect(err?.message).toContain('stale');
  });

  it('refuses output it cannot read, and quotes the directory for the shell', () => {
    expect(() => judgeCheckpoint('ls: cannot access', 60, '/x')).toThrow(/cannot read/);
    expect(checkpointCommand("/mnt/it's here")).toContain(`'/mnt/it'\\''s here'`);
  });
});

describe('waits', () => {
  it('a poll that never succeeds fails at its deadline with the last observation', async () => {
    const err = await rejection(
      pollUntil(() => Promise.resolve({ done: undefined, observed: 'DRAIN, 3 sessions' }), (o) => o ?? '-', {
        timeoutMs: 60,
        intervalMs: 10,
        signal: new AbortController().signal,
        what: 'llm/b to reach sessions-zero',
        now: Date.now,
      }),
    );
    expect(err.message).toBe('timed out after 0 s waiting for llm/b to reach sessions-zero; last seen: DRAIN, 3 sessions');
  });

  it('an abort ends a long sleep at once', async () => {
    const ctl = new AbortController();
    const started = Date.now();
    const p = rejection(sleep(60_000, ctl.signal, 'wait'));
    ctl.abort();
    expect(isAbortedError(await p)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('wait.healthy polls the verdict until healthy', async () => {
    let calls = 0;
    const actions = createStepActions({ runtimeFor: noRuntime, pollIntervalMs: 5, healthOf: () => (++calls < 3 ? 'degraded' : 'healthy') });
    expect(await actions.run({ type: 'wait.healthy', subject: 'node-1', subjectKind: 'node', timeoutSeconds: 5 }, new AbortController().signal)).toEqual({ output: 'node-1: healthy' });
    expect(calls).toBe(3);
  });
});

describe('verify.traffic', () => {
  it('passes at or above the threshold, one connection per request', async () => {
    const { url, connections } = await serve(5);
    const actions = createStepActions({ runtimeFor: noRuntime });
    const r = await actions.run({ type: 'verify.traffic', url, requests: 10, minSuccessPct: 80 }, new AbortController().signal);
    expect(r.output).toBe('8/10 requests succeeded (80.0 %, need 80 %); failures: 2 × HTTP 500');
    expect(connections()).toBe(10);
  });

  it('fails below the threshold with the numbers', async () => {
    const { url } = await serve(2);
    const actions = createStepActions({ runtimeFor: noRuntime });
    const err = await rejection(actions.run({ type: 'verify.traffic', url, requests: 4, minSuccessPct: 90 }, new AbortController().signal));
    expect(err.message).toContain('2/4 requests succeeded (50.0 %, need 90 %)');
  });

  it('ssh steps without an SSH pool fail clearly', async () => {
    const actions = createStepActions({ runtimeFor: noRuntime });
    const err = await rejection(actions.run({ type: 'ssh.run', node: 'n1', commandName: 'restart', commandLine: 'true', timeoutSeconds: 5 }, new AbortController().signal));
    expect((err as FleetError).code).toBe('BAD_REQUEST');
  });
});
