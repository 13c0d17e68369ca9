import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../electron/core/replica/circuit-breaker';

const policy = { failureThreshold: 3, baseCooldownMs: 10_000, maxCooldownMs: 40_000 };

describe('circuit breaker', () => {
  it('stays closed below the threshold and opens at it', () => {
    const b = new CircuitBreaker(policy);
    b.recordFailure(1000);
    b.recordFailure(2000);
    expect(b.view(2000)).toEqual({ state: 'closed', consecutiveFailures: 2, openedAt: null, retryAt: null });
    expect(b.blockedUntil()).toBe(0);
    b.recordFailure(3000);
    expect(b.view(3000)).toEqual({ state: 'open', consecutiveFailures: 3, openedAt: 3000, retryAt: 13_000 });
    expect(b.blockedUntil()).toBe(13_000);
  });

  it('is half-open once retryAt has come', () => {
    const b = new CircuitBreaker(policy);
    for (const t of [1, 2, 3]) b.recordFailure(t);
    expect(b.view(10_002).state).toBe('open');
    expect(b.view(10_003).state).toBe('half-open');
  });

  it('reopens after a failed trial with twice the cooldown, up to the cap, keeping openedAt', () => {
    const b = new CircuitBreaker(policy);
    for (const t of [1, 2, 3]) b.recordFailure(t);
    b.recordFailure(10_003); // trial 1 fails
    expect(b.view(10_003)).toMatchObject({ state: 'open', openedAt: 3, retryAt: 30_003, consecutiveFailures: 4 });
    b.recordFailure(30_003); // 40 s
    expect(b.view(30_003).retryAt).toBe(70_003);
    b.recordFailure(70_003); // would be 80 s: capped at 40 s
    expect(b.view(70_003).retryAt).toBe(110_003);
  });

  it('does not push the retry away for a probe that was already in flight when it opened', () => {
    const b = new CircuitBreaker(policy);
    for (const t of [1000, 2000, 3000]) b.recordFailure(t);
    b.recordFailure(2500); // started before retryAt: no trial
    expect(b.view(3000)).toMatchObject({ retryAt: 13_000, consecutiveFailures: 4 });
  });

  it('closes and forgets on success, and a new run starts from the base cooldown', () => {
    const b = new CircuitBreaker(policy);
    for (const t of [1, 2, 3, 10_003]) b.recordFailure(t);
    b.recordSuccess();
    expect(b.view(50_000)).toEqual({ state: 'closed', consecutiveFailures: 0, openedAt: null, retryAt: null });
    for (const t of [60_000, 60_001, 60_002]) b.recordFailure(t);
    expect(b.view(60_002).retryAt).toBe(70_002);
  });

  it('rejects a policy that makes no sense', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0, baseCooldownMs: 1, maxCooldownMs: 1 })).toThrow();
    expect(() => new CircuitBreaker({ failureThreshold: 1, baseCooldownMs: 10, maxCooldownMs: 5 })).toThrow();
  });
});

describe('CircuitBreaker.reset (new credentials)', () => {
  it('closes an open circuit and starts the count over', () => {
    const b = new CircuitBreaker({ failureThreshold: 2, baseCooldownMs: 10_000, maxCooldownMs: 60_000 });
    b.recordFailure(0);
    b.recordFailure(1);
    expect(b.view(2).state).toBe('open');
    b.reset();
    expect(b.view(2)).toEqual({ state: 'closed', consecutiveFailures: 0, openedAt: null, retryAt: null });
    expect(b.blockedUntil()).toBe(0);
  });
});
