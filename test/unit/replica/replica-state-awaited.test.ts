import { describe, expect, it } from 'vitest';
import { ReplicaState } from '../../../electron/core/replica/replica-state';
import { T0, fail, ok, rateLimited, spec } from './outcomes';

const policy = { failureThreshold: 3, baseCooldownMs: 10_000, maxCooldownMs: 60_000 };

function setup() {
  const clock = { t: T0 };
  const state = new ReplicaState(spec, { now: () => clock.t, breaker: policy });
  return { clock, state };
}

/** A stopped replica's probes, as the console sees them before a runbook starts it. */
function refusedThreeTimes(state: ReplicaState, from = T0): void {
  for (let i = 0; i < 3; i++) state.record(fail('health', from + i * 1000, 'refused', 'connection refused to 127.0.0.1:8001'));
}

describe('ReplicaState.awaited', () => {
  it('closes a circuit opened by failures, so the next probe of either kind goes out now', () => {
    const { clock, state } = setup();
    refusedThreeTimes(state);
    clock.t = T0 + 3000;
    const retryAt = T0 + 2000 + 10_000;
    expect(state.gate('health')).toEqual({ allowed: false, until: retryAt, reason: 'circuit open after 3 consecutive failures' });
    expect(state.gate('completion')).toEqual({ allowed: false, until: retryAt, reason: 'circuit open after 3 consecutive failures' });

    state.closeCircuit();

    expect(state.gate('health')).toEqual({ allowed: true });
    expect(state.gate('completion')).toEqual({ allowed: true });
    expect(state.nextAllowedAt('health')).toBe(0);
    expect(state.view().breaker).toEqual({ state: 'closed', consecutiveFailures: 0, openedAt: null, retryAt: null });
  });

  it('starts the failure count over: the circuit opens again only after a full threshold of new failures', () => {
    const { clock, state } = setup();
    refusedThreeTimes(state);
    state.closeCircuit();
    clock.t = T0 + 5000;
    state.record(fail('health', T0 + 5000, 'refused', 'connection refused to 127.0.0.1:8001'));
    state.record(fail('health', T0 + 6000, 'refused', 'connection refused to 127.0.0.1:8001'));
    expect(state.gate('health')).toEqual({ allowed: true });
    state.record(fail('health', T0 + 7000, 'refused', 'connection refused to 127.0.0.1:8001'));
    // Open again, with the base cooldown: the earlier trip is forgotten with the rest.
    expect(state.gate('health')).toEqual({ allowed: false, until: T0 + 7000 + 10_000, reason: 'circuit open after 3 consecutive failures' });
  });

  it('keeps a 429 Retry-After: quota is not about who is waiting', () => {
    const { clock, state } = setup();
    state.record(ok('health', T0 - 1000));
    state.record(rateLimited('completion', T0, 60));
    const until = T0 + 60_000;
    clock.t = T0 + 1000;
    state.closeCircuit();
    for (const kind of ['health', 'completion'] as const) {
      expect(state.gate(kind)).toEqual({ allowed: false, until, reason: 'completion probe: 429 rate limited, retry after 60 s (at 12:04:40)' });
    }
    expect(state.view()).toMatchObject({ health: 'throttled', throttledUntil: until, retryAfterSeconds: 60 });
    clock.t = until;
    expect(state.gate('health')).toEqual({ allowed: true });
  });

  it('with both an open circuit and a throttle, lifts only the circuit', () => {
    const { clock, state } = setup();
    refusedThreeTimes(state);
    state.record(rateLimited('health', T0 + 3000, 30));
    clock.t = T0 + 4000;
    state.closeCircuit();
    const until = T0 + 3000 + 30_000;
    expect(state.gate('health')).toMatchObject({ allowed: false, until });
    expect(state.view().breaker.state).toBe('closed');
  });
});
