import { describe, expect, it } from 'vitest';
import { ReplicaState } from '../../../electron/core/replica/replica-state';
import { T0, fail, ok, rateLimited, spec } from './outcomes';

function setup(overrides: Partial<ConstructorParameters<typeof ReplicaState>[1]> = {}) {
  const clock = { t: T0 };
  const state = new ReplicaState(spec, { now: () => clock.t, ...overrides });
  return { clock, state };
}

describe('the throttled gate', () => {
  it('blocks every probe until Retry-After has passed, counted from the answer', () => {
    const { clock, state } = setup();
    state.record({ ...rateLimited('completion', T0, 30), latencyMs: 200 });
    const until = T0 + 200 + 30_000;
    for (const kind of ['health', 'completion'] as const) expect(state.nextAllowedAt(kind)).toBe(until);
    clock.t = until - 1;
    expect(state.gate('health')).toEqual({ allowed: false, until, reason: 'completion probe: 429 rate limited, retry after 30 s (at 12:04:10)' });
    clock.t = until;
    expect(state.gate('health')).toEqual({ allowed: true });
    expect(state.gate('completion')).toEqual({ allowed: true });
  });

  it('shows throttled, a state of its own, with the wait and its end', () => {
    const { state } = setup();
    state.record(ok('health', T0 - 5000));
    state.record(rateLimited('completion', T0, 30));
    const v = state.view();
    expect(v.health).toBe('throttled');
    expect(v.reasons).toEqual(['completion probe: 429 rate limited, retry after 30 s (at 12:04:10)']);
    expect(v.throttledUntil).toBe(T0 + 30_000);
    expect(v.retryAfterSeconds).toBe(30);
  });

  it('waits a default 30 s on a 429 without Retry-After (configurable)', () => {
    expect(setup().state.nextAllowedAt('health')).toBe(0);
    const a = setup();
    a.state.record(rateLimited('health', T0));
    expect(a.state.nextAllowedAt('health')).toBe(T0 + 30_000);
    expect(a.state.view()).toMatchObject({ health: 'throttled', retryAfterSeconds: null, reasons: ['health: 429 rate limited, no Retry-After given: waiting until 12:04:10'] });
    const b = setup({ defaultThrottleSeconds: 5 });
    b.state.record(rateLimited('health', T0));
    expect(b.state.nextAllowedAt('health')).toBe(T0 + 5000);
  });

  it('never shortens a wait when a second 429 asks for less', () => {
    const { state } = setup();
    state.record(rateLimited('completion', T0, 60));
    state.record(rateLimited('health', T0 + 10, 2));
    expect(state.nextAllowedAt('health')).toBe(T0 + 60_000);
  });

  it('ends only with an answer to a probe sent after the wait, not one already in flight', () => {
    const { clock, state } = setup();
    state.record(rateLimited('completion', T0, 2));
    state.record(ok('health', T0 - 100)); // started before the 429 came back
    expect(state.view().health).toBe('throttled');
    clock.t = T0 + 2000;
    state.record(ok('health', T0 + 2000));
    expect(state.view()).toMatchObject({ health: 'healthy', reasons: [], throttledUntil: null, retryAfterSeconds: null });
    expect(state.nextAllowedAt('completion')).toBe(0);
  });

  it('a 429 is neither a breaker failure nor a success', () => {
    const { state } = setup({ breaker: { failureThreshold: 2, baseCooldownMs: 1000, maxCooldownMs: 1000 } });
    state.record(fail('completion', T0, 'http-5xx', 'HTTP 500', { status: 500 }));
    for (let i = 1; i <= 5; i++) state.record(rateLimited('completion', T0 + i, 0));
    expect(state.view().breaker).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
  });

  it('has no completion probe to allow when the replica has no prompt', () => {
    const state = new ReplicaState({ ...spec, prompt: undefined }, { now: () => T0 });
    expect(state.nextAllowedAt('completion')).toBe(Infinity);
    expect(state.gate('completion')).toMatchObject({ allowed: false });
  });
});

describe('the breaker inside the state', () => {
  const policy = { failureThreshold: 3, baseCooldownMs: 10_000, maxCooldownMs: 60_000 };

  it('opens after consecutive failures of any probe and gates every probe', () => {
    const { clock, state } = setup({ breaker: policy });
    for (let i = 0; i < 3; i++) state.record(fail('health', T0 + i * 5000, 'refused', 'connection refused to 127.0.0.1:8001'));
    clock.t = T0 + 10_000;
    const v = state.view();
    expect(v.breaker).toEqual({ state: 'open', consecutiveFailures: 3, openedAt: T0 + 10_000, retryAt: T0 + 20_000 });
    expect(v.reasons).toContain('circuit open since 12:03:50 after 3 consecutive failures: no probe before 12:04:00');
    expect(state.gate('completion')).toEqual({ allowed: false, until: T0 + 20_000, reason: 'circuit open after 3 consecutive failures' });
    clock.t = T0 + 20_000;
    expect(state.gate('health')).toEqual({ allowed: true });
    expect(state.view().reasons).toContain('circuit open since 12:03:50 after 3 consecutive failures: half-open, the next probe decides');
  });

  it('does not reset on a health success while the completion keeps failing: a loaded-but-broken model trips it', () => {
    const { state } = setup({ breaker: policy });
    for (let i = 0; i < 3; i++) {
      state.record(ok('health', T0 + i * 1000));
      state.record(fail('completion', T0 + i * 1000 + 1, 'wrong-answer', 'wrong answer — expected "OK", got "Sure"', { status: 200 }));
    }
    expect(state.view().breaker.state).toBe('open');
  });

  it('resets on a health success when health is the only probe', () => {
    const state = new ReplicaState({ ...spec, prompt: undefined }, { now: () => T0, breaker: policy });
    state.record(fail('health', T0, 'http-5xx', 'HTTP 503', { status: 503 }));
    state.record(fail('health', T0 + 1, 'http-5xx', 'HTTP 503', { status: 503 }));
    state.record(ok('health', T0 + 2));
    expect(state.view().breaker.consecutiveFailures).toBe(0);
  });

  it('closes on a successful completion trial', () => {
    const { clock, state } = setup({ breaker: policy });
    for (let i = 0; i < 3; i++) state.record(fail('completion', T0 + i, 'timeout', 'no answer within 30 s'));
    clock.t = T0 + 20_000;
    state.record(ok('completion', T0 + 20_000));
    expect(state.view().breaker).toEqual({ state: 'closed', consecutiveFailures: 0, openedAt: null, retryAt: null });
  });
});

describe('latency in the state', () => {
  it('keeps health and completion latencies apart, from answers only', () => {
    const { state } = setup();
    state.record(ok('health', T0, 2));
    state.record(ok('health', T0 + 1, 4));
    state.record(ok('completion', T0 + 2, 300));
    state.record(fail('completion', T0 + 3, 'wrong-answer', 'wrong', { status: 200, latencyMs: 320 }));
    state.record(fail('completion', T0 + 4, 'timeout', 'no answer', { latencyMs: 30_000 }));
    state.record(fail('health', T0 + 5, 'http-5xx', 'HTTP 503', { status: 503, latencyMs: 1 }));
    const { latency } = state.view();
    expect(latency.health).toMatchObject({ p50: 2, p95: 4, samples: 2 });
    expect(latency.completion).toMatchObject({ p50: 300, p95: 320, samples: 2 });
  });

  it('drops samples older than the window', () => {
    const { clock, state } = setup({ latencyWindowMs: 60_000 });
    state.record(ok('health', T0, 2));
    clock.t = T0 + 61_000;
    expect(state.view().latency.health.samples).toBe(0);
  });
});

describe('streaks', () => {
  it('counts the same failure in a row, and starts over when it changes', () => {
    const { state } = setup();
    state.record(ok('completion', T0));
    for (let i = 1; i <= 3; i++) state.record(fail('health', T0 + i, 'http-5xx', 'HTTP 503', { status: 503 }));
    expect(state.view().reasons[0]).toBe('health: HTTP 503 for 3 probes');
    state.record(fail('health', T0 + 4, 'http-5xx', 'HTTP 500', { status: 500 }));
    expect(state.view().reasons[0]).toBe('health: HTTP 500');
  });

  it('keeps its history when the inventory changes the spec', () => {
    const { state } = setup();
    state.record(fail('health', T0, 'refused', 'connection refused to 127.0.0.1:8001'));
    state.updateSpec({ ...spec, prompt: undefined });
    expect(state.view().health).toBe('unreachable');
    expect(state.nextAllowedAt('completion')).toBe(Infinity);
  });
});

describe('new credentials', () => {
  it('close a circuit opened by auth failures, but never cut a Retry-After short', () => {
    const { state } = setup();
    for (let i = 0; i < 3; i++) state.record(fail('health', T0 + i, 'auth', 'HTTP 401'));
    expect(state.view().breaker.state).toBe('open');
    expect(state.gate('health').allowed).toBe(false);
    state.closeCircuit();
    expect(state.view().breaker.state).toBe('closed');
    expect(state.gate('health')).toEqual({ allowed: true });

    state.record(rateLimited('health', T0 + 10, 60));
    state.closeCircuit();
    expect(state.gate('health').allowed).toBe(false);
  });
});
