import { describe, expect, it } from 'vitest';
import { awaitedRefresh, COMPLETION_REFRESH_MS, HEALTH_REFRESH_MS, type AwaitedReplicas } from '../../../electron/core/runbook-exec/awaited-refresh';

type Status = ReturnType<AwaitedReplicas['status']>;
const probe = (ok: boolean) => ({ kind: 'health' as const, at: 0, ok, latencyMs: 1, failure: ok ? null : ('refused' as const), status: ok ? 200 : null, detail: ok ? 'ok' : 'refused' });

/** A replica whose status the test sets, recording each probe asked for. */
function fake(initial: Status) {
  let status = initial;
  const calls: string[] = [];
  const replicas: AwaitedReplicas = {
    probeAwaited: async (name, kind) => void calls.push(`${name}:${kind}`),
    status: () => status,
  };
  return { replicas, calls, set: (s: Status) => (status = s) };
}

describe('awaitedRefresh', () => {
  it('probes the health check at most once a second however often the wait polls', async () => {
    let t = 0;
    const f = fake({ tokensPerDay: null, lastHealth: probe(false), lastCompletion: null });
    const refresh = awaitedRefresh(f.replicas, () => t);
    for (; t < 3000; t += 250) await refresh('replica', 'r1');
    expect(f.calls).toEqual(['r1:health', 'r1:health', 'r1:health']);
    expect(HEALTH_REFRESH_MS).toBe(1000);
  });

  it('sends a completion probe only once the health check passes, while the last completion did not, at most every few seconds', async () => {
    let t = 0;
    const f = fake({ tokensPerDay: 500, lastHealth: probe(false), lastCompletion: probe(false) });
    const refresh = awaitedRefresh(f.replicas, () => t);
    await refresh('replica', 'r1');
    expect(f.calls).toEqual(['r1:health']);
    f.set({ tokensPerDay: 500, lastHealth: probe(true), lastCompletion: probe(false) });
    for (t = 1000; t < 1000 + COMPLETION_REFRESH_MS; t += 1000) await refresh('replica', 'r1');
    expect(f.calls.filter((c) => c === 'r1:completion')).toHaveLength(1);
    t = 1000 + COMPLETION_REFRESH_MS;
    await refresh('replica', 'r1');
    expect(f.calls.filter((c) => c === 'r1:completion')).toHaveLength(2);
    // Passed: no more completions.
    f.set({ tokensPerDay: 500, lastHealth: probe(true), lastCompletion: probe(true) });
    t += COMPLETION_REFRESH_MS;
    await refresh('replica', 'r1');
    expect(f.calls.filter((c) => c === 'r1:completion')).toHaveLength(2);
  });

  it('never sends a completion to a replica without a prompt, and leaves nodes alone', async () => {
    const f = fake({ tokensPerDay: null, lastHealth: probe(true), lastCompletion: null });
    const refresh = awaitedRefresh(f.replicas, () => 0);
    await refresh('replica', 'r1');
    await refresh('node', 'n1');
    expect(f.calls).toEqual(['r1:health']);
  });
});
