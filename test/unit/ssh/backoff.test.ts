import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelayMs, DEFAULT_BACKOFF } from '../../../electron/core/ssh/backoff';

describe('backoffDelayMs (full jitter)', () => {
  const policy = { baseMs: 500, maxMs: 30_000 };

  it('draws uniformly below base * 2^(n-1)', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, policy, () => 0.5))).toEqual([250, 500, 1000, 2000]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.999_999)).toBe(1999);
  });

  it('never exceeds maxMs, even after very many failures', () => {
    expect(backoffDelayMs(7, policy, () => 0.5)).toBe(15_000); // 500 * 64 = 32000, capped at 30000
    expect(backoffDelayMs(5000, policy, () => 0.999_999)).toBe(29_999);
  });

  it('has no delay before any failure, and defaults to 500 / 30000', () => {
    expect(backoffDelayMs(0, policy, () => 0.9)).toBe(0);
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 500, maxMs: 30_000 });
  });
});

describe('Backoff', () => {
  it('tracks consecutive failures against an injected clock, and resets on success', () => {
    let now = 10_000;
    const b = new Backoff({ baseMs: 100, maxMs: 1000 }, () => 0.5, () => now);
    expect(b.waiting()).toBe(false);
    expect(b.fail()).toBe(10_050);
    expect(b.waiting()).toBe(true);
    now = 10_049;
    expect(b.waiting()).toBe(true);
    now = 10_050;
    expect(b.waiting()).toBe(false);
    expect(b.fail()).toBe(10_150); // second failure: 0.5 * 200
    expect(b.consecutiveFailures).toBe(2);
    b.reset();
    expect(b.waiting()).toBe(false);
    expect(b.consecutiveFailures).toBe(0);
    expect(b.fail()).toBe(now + 50);
  });
});
