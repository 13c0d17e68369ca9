/**
 * Reconnect backoff: exponential with "full jitter" (AWS Architecture Blog, "Exponential Backoff
 * And Jitter"): the n-th consecutive failure waits a uniform random time in
 * [0, min(maxMs, baseMs * 2^(n-1))). The jitter keeps a fleet of nodes that dropped together
 * (a switch reboot) from reconnecting in lockstep and tripping sshd's MaxStartups.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

/** Delay after `failures` consecutive failures (>= 1); `random` returns [0, 1) like Math.random. */
export function backoffDelayMs(failures: number, policy: BackoffPolicy, random: () => number): number {
  if (failures < 1) return 0;
  // 2^(n-1) overflows to Infinity long after the cap applies; min() keeps the ceiling finite.
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (failures - 1));
  return Math.floor(random() * ceiling);
}

/** Consecutive-failure count and the earliest time the next attempt may start. */
export class Backoff {
  private failures = 0;
  private retryAtMs = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: () => number,
    private readonly now: () => number,
  ) {}

  /** Records a failure; returns when the next attempt may start (epoch ms). */
  fail(): number {
    this.failures += 1;
    this.retryAtMs = this.now() + backoffDelayMs(this.failures, this.policy, this.random);
    return this.retryAtMs;
  }

  reset(): void {
    this.failures = 0;
    this.retryAtMs = 0;
  }

  /** True while an attempt must not start yet. */
  waiting(): boolean {
    return this.now() < this.retryAtMs;
  }

  get retryAt(): number {
    return this.retryAtMs;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}
