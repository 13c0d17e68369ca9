/**
 * A circuit breaker per replica (Nygard, "Release It!"): after `failureThreshold` consecutive
 * failed probes the circuit opens and probes stop until `retryAt`; then it is half-open, the
 * next probes are trials: a failed trial reopens it with twice the cooldown, a decisive success
 * closes it. The cooldown is capped low (60 s by default) because the console exists to notice
 * recovery: an open circuit delays that by at most one cooldown.
 *
 * What counts as a failure or a decisive success is the caller's call (see replica-state.ts);
 * the breaker only counts and keeps time.
 */

export interface BreakerPolicy {
  failureThreshold: number;
  baseCooldownMs: number;
  maxCooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerPolicy = { failureThreshold: 3, baseCooldownMs: 10_000, maxCooldownMs: 60_000 };

export type BreakerPosition = 'closed' | 'open' | 'half-open';

export interface BreakerView {
  state: BreakerPosition;
  consecutiveFailures: number;
  /** Epoch ms when the circuit opened (kept across failed trials); null while closed. */
  openedAt: number | null;
  /** Epoch ms from which trial probes may go (half-open); null while closed. */
  retryAt: number | null;
}

export class CircuitBreaker {
  private failures = 0;
  /** How many times it opened without closing in between: drives the cooldown doubling. */
  private trips = 0;
  private openedAt: number | null = null;
  private retryAt: number | null = null;

  constructor(readonly policy: BreakerPolicy = DEFAULT_BREAKER) {
    if (!(policy.failureThreshold >= 1) || !(policy.baseCooldownMs > 0) || !(policy.maxCooldownMs >= policy.baseCooldownMs)) {
      throw new Error('breaker policy needs threshold >= 1 and 0 < baseCooldownMs <= maxCooldownMs');
    }
  }

  cooldownMs(trips: number): number {
    return Math.min(this.policy.maxCooldownMs, this.policy.baseCooldownMs * 2 ** Math.max(0, trips - 1));
  }

  /** A failed probe that started at `startedAt`. */
  recordFailure(startedAt: number): void {
    this.failures++;
    if (this.retryAt === null) {
      if (this.failures >= this.policy.failureThreshold) this.open(startedAt);
      return;
    }
    // A probe that started before retryAt was already in flight when the circuit opened: it is
    // no trial, and must not push the next try further away.
    if (startedAt >= this.retryAt) this.open(startedAt);
  }

  /** A probe that proves the replica serves: the circuit closes and the count starts over. */
  recordSuccess(): void {
    this.failures = 0;
    this.trips = 0;
    this.openedAt = null;
    this.retryAt = null;
  }

  /** New credentials: failures counted with the old ones say nothing about the new; close. */
  reset(): void {
    this.recordSuccess();
  }

  /** Epoch ms before which no probe may start; 0 while closed. */
  blockedUntil(): number {
    return this.retryAt ?? 0;
  }

  view(nowMs: number): BreakerView {
    const state: BreakerPosition = this.retryAt === null ? 'closed' : nowMs < this.retryAt ? 'open' : 'half-open';
    return { state, consecutiveFailures: this.failures, openedAt: this.openedAt, retryAt: this.retryAt };
  }

  private open(at: number): void {
    this.trips++;
    this.openedAt ??= at;
    this.retryAt = at + this.cooldownMs(this.trips);
  }
}
