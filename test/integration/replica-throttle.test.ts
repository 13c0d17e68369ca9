/**
 * A 429 with Retry-After makes the replica `throttled`, and no probe of any kind reaches the
 * server before the wait has passed. Proven by counting the requests the lab replica received:
 * once with an injected clock (exact to the millisecond), once in real time against a 429 storm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabReplica, type LabReplica } from '../../electron/core/lab/lab-replica';
import { runReplicaProbe } from '../../electron/core/replica/replica-probe-cycle';
import type { ProbeDeps } from '../../electron/core/replica/replica-prober';
import { ReplicaState } from '../../electron/core/replica/replica-state';
import type { ReplicaSpec } from '../../electron/core/replica/replica-types';

let lab: LabReplica;
let spec: ReplicaSpec;

beforeAll(async () => {
  lab = await startLabReplica({ name: 'llama-a01-0', model: 'm' });
  spec = {
    name: 'llama-a01-0',
    url: lab.url,
    model: 'm',
    api: 'openai',
    health: { path: '/health', intervalSeconds: 5 },
    prompt: { text: 'Respond with OK', expect: 'OK', maxTokens: 2, intervalSeconds: 60 },
  };
});

afterAll(async () => {
  await lab?.stop();
});

const probeRequests = () => lab.requests().filter((r) => r.path !== '/metrics');

describe('the throttled gate', () => {
  it('with an injected clock: nothing is sent until the exact end of the wait', async () => {
    const clock = { t: 1_700_000_000_000 };
    const state = new ReplicaState(spec, { now: () => clock.t });
    const deps: ProbeDeps = { getSecret: async () => undefined, now: () => clock.t, monotonic: () => 0 };
    await lab.setFault('rate-limit', { retryAfterSeconds: 2 });
    const start = probeRequests().length;

    const first = await runReplicaProbe(spec, 'completion', state, deps);
    expect(first).toMatchObject({ sent: true, outcome: { failure: 'rate-limited', retryAfterSeconds: 2 } });
    expect(state.view()).toMatchObject({ health: 'throttled', throttledUntil: clock.t + 2000, retryAfterSeconds: 2 });
    // The replica is fine again, but the console promised to wait.
    await lab.setFault(null);

    for (const dt of [0, 1, 1000, 1999]) {
      clock.t = 1_700_000_000_000 + dt;
      for (const kind of ['health', 'completion'] as const) {
        const r = await runReplicaProbe(spec, kind, state, deps);
        expect(r).toMatchObject({ sent: false, until: 1_700_000_002_000 });
        if (!r.sent) expect(r.reason).toMatch(/^completion probe: 429 rate limited, retry after 2 s \(at \d\d:\d\d:\d\d\)$/);
      }
    }
    expect(probeRequests().length - start).toBe(1);

    clock.t = 1_700_000_002_000;
    expect(await runReplicaProbe(spec, 'health', state, deps)).toMatchObject({ sent: true, outcome: { ok: true } });
    expect(await runReplicaProbe(spec, 'completion', state, deps)).toMatchObject({ sent: true, outcome: { ok: true } });
    expect(probeRequests().length - start).toBe(3);
    expect(state.view()).toMatchObject({ health: 'healthy', throttledUntil: null });
  });

  it('in real time against a 429 storm: requests are at least Retry-After apart, and the first after the storm waits too', async () => {
    const state = new ReplicaState(spec, { now: Date.now });
    const deps: ProbeDeps = { getSecret: async () => undefined, now: Date.now };
    await lab.setFault('rate-limit', { retryAfterSeconds: 2 });
    const start = probeRequests().length;

    // The scheduler's part, done eagerly: ask the gate for both probes every 20 ms.
    let stormOver = false;
    let recovered = false;
    const deadline = Date.now() + 10_000;
    while (!recovered && Date.now() < deadline) {
      for (const kind of ['health', 'completion'] as const) {
        const r = await runReplicaProbe(spec, kind, state, deps);
        if (r.sent && r.outcome.ok) {
          recovered = true;
          break;
        }
      }
      const storm = probeRequests().slice(start);
      if (!stormOver && storm.length >= 2) {
        await lab.setFault(null); // end the storm after the second 429
        stormOver = true;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(recovered).toBe(true);

    const arrivals = probeRequests()
      .slice(start)
      .map((r) => r.at);
    // Two 429s, then the first request after the storm: each waited the full 2 s.
    expect(arrivals.length).toBe(3);
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i] - arrivals[i - 1]).toBeGreaterThanOrEqual(2000);
    expect(state.view().health).toBe('healthy');
  });
});
