/**
 * Latency percentiles over a rolling time window (default: the last 5 minutes). Memory is
 * bounded twice: samples older than the window are dropped, and a ring of `maxSamples` keeps
 * only the newest ones even if probes come faster than anyone planned (an operator hammering
 * "probe now"). At 5 s intervals a 5-minute window holds 60 samples; the default cap is 1024.
 */

export interface LatencySummary {
  /** Median latency (ms) over the window; null when there is no sample. */
  p50: number | null;
  p95: number | null;
  samples: number;
  windowMs: number;
}

export const DEFAULT_LATENCY_WINDOW_MS = 5 * 60_000;
export const DEFAULT_MAX_LATENCY_SAMPLES = 1024;

/** Nearest-rank percentile of an ascending list: the smallest value with at least p% at or below it. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export class LatencyWindow {
  private readonly at: number[];
  private readonly ms: number[];
  /** Index of the oldest sample, and how many there are: a ring, no shifting. */
  private head = 0;
  private count = 0;

  constructor(
    readonly windowMs: number = DEFAULT_LATENCY_WINDOW_MS,
    readonly maxSamples: number = DEFAULT_MAX_LATENCY_SAMPLES,
  ) {
    if (!(windowMs > 0) || !(maxSamples >= 1)) throw new Error('latency window needs a positive duration and room for one sample');
    this.at = new Array<number>(maxSamples);
    this.ms = new Array<number>(maxSamples);
  }

  /** Adds a sample taken at `atMs`; samples are expected in time order (probes of one replica are). */
  add(atMs: number, latencyMs: number): void {
    if (this.count === this.maxSamples) {
      this.head = (this.head + 1) % this.maxSamples;
      this.count--;
    }
    const slot = (this.head + this.count) % this.maxSamples;
    this.at[slot] = atMs;
    this.ms[slot] = latencyMs;
    this.count++;
  }

  /** Drops samples older than the window as of `nowMs`. */
  prune(nowMs: number): void {
    const oldest = nowMs - this.windowMs;
    while (this.count > 0 && this.at[this.head] < oldest) {
      this.head = (this.head + 1) % this.maxSamples;
      this.count--;
    }
  }

  /** How many samples are held right now (before pruning). */
  get size(): number {
    return this.count;
  }

  summary(nowMs: number): LatencySummary {
    this.prune(nowMs);
    const values: number[] = [];
    for (let i = 0; i < this.count; i++) values.push(this.ms[(this.head + i) % this.maxSamples]);
    values.sort((a, b) => a - b);
    return { p50: percentile(values, 50), p95: percentile(values, 95), samples: values.length, windowMs: this.windowMs };
  }
}
