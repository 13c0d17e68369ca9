/**
 * The drill's per-second series: probes by the second they were due (sent, ok, failed, latency
 * percentiles of those sent), and HAProxy's counters over the target servers as deltas between
 * polls, by the second of the poll. Seconds are wall-clock seconds (floor(ms / 1000)), so the
 * series lines up with the milestones on a plot; seconds with nothing in them are zeros.
 */
import { percentile } from '../../replica/latency-window';
import type { DrillSecond, LbSecondCounters } from './observer-types';

interface Bucket {
  sent: number;
  ok: number;
  failed: number;
  latencies: number[];
  lb: LbSecondCounters;
}

const emptyCounters = (): LbSecondCounters => ({ hrsp5xx: 0, econ: 0, eresp: 0, retries: 0, redispatches: 0 });

export const secondOf = (ms: number): number => Math.floor(ms / 1000) * 1000;

export class SecondSeries {
  private readonly buckets = new Map<number, Bucket>();

  constructor(private readonly startAt: number) {}

  private bucket(at: number): Bucket {
    const key = secondOf(Math.max(at, this.startAt));
    let b = this.buckets.get(key);
    if (!b) {
      b = { sent: 0, ok: 0, failed: 0, latencies: [], lb: emptyCounters() };
      this.buckets.set(key, b);
    }
    return b;
  }

  /**
   * A probe due at `sentAt`. `latencyMs` null: skipped at the in-flight cap; it counts as sent
   * and failed (it was due and the caller got nothing) but has no latency.
   */
  probe(sentAt: number, ok: boolean, latencyMs: number | null): void {
    const b = this.bucket(sentAt);
    b.sent += 1;
    if (ok) b.ok += 1;
    else b.failed += 1;
    if (latencyMs !== null) b.latencies.push(latencyMs);
  }

  lb(at: number, delta: LbSecondCounters): void {
    const c = this.bucket(at).lb;
    c.hrsp5xx += delta.hrsp5xx;
    c.econ += delta.econ;
    c.eresp += delta.eresp;
    c.retries += delta.retries;
    c.redispatches += delta.redispatches;
  }

  /** Every second from the start's to now's. */
  seconds(now: number): DrillSecond[] {
    const out: DrillSecond[] = [];
    for (let at = secondOf(this.startAt); at <= secondOf(now); at += 1000) {
      const b = this.buckets.get(at);
      const sorted = b ? [...b.latencies].sort((x, y) => x - y) : [];
      out.push({
        at,
        sent: b?.sent ?? 0,
        ok: b?.ok ?? 0,
        failed: b?.failed ?? 0,
        p50Ms: percentile(sorted, 50),
        p95Ms: percentile(sorted, 95),
        maxMs: sorted.length > 0 ? sorted[sorted.length - 1]! : null,
        lb: b ? { ...b.lb } : emptyCounters(),
      });
    }
    return out;
  }
}
