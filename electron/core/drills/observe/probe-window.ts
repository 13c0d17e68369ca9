/**
 * The steady-state hypothesis over a sliding window of the drill's own probes: success ratio and
 * p95 latency over the last `windowSeconds`, evaluated each time a probe ends (and on the poll
 * tick, so old failures leave the window even when nothing new arrives).
 *
 * What counts:
 * - every probe that was due counts toward the success ratio, including one skipped because the
 *   in-flight cap was reached (a hung frontend must not look healthier by being sent less);
 * - latency is over every probe that was sent and ended, failed ones too: a caller waited that long
 *   for a timeout; skipped probes have no latency;
 * - an empty window holds (nothing contradicts the hypothesis).
 *
 * Memory and time are bounded by the window: a FIFO of entries and a sorted array of latencies
 * (binary insert and remove), so p95 is a lookup, not a sort per probe (50/s over an hour is
 * 180,000 entries).
 */
import { percentile } from '../../replica/latency-window';
import type { HypothesisState } from './observer-types';

export interface HypothesisLimits {
  minSuccessPct: number;
  maxP95Ms: number;
  windowSeconds: number;
}

interface Entry {
  at: number;
  ok: boolean;
  latencyMs: number | null;
}

/** Index of the first element ≥ value. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class ProbeWindow {
  private readonly entries: Entry[] = [];
  private head = 0;
  private readonly latencies: number[] = [];
  private ok = 0;
  private readonly windowMs: number;

  constructor(windowSeconds: number) {
    if (!(windowSeconds > 0)) throw new Error('the hypothesis window must be positive');
    this.windowMs = windowSeconds * 1000;
  }

  /** A probe that ended at `at` (latency null: skipped, never sent). */
  add(at: number, ok: boolean, latencyMs: number | null): void {
    this.entries.push({ at, ok, latencyMs });
    if (ok) this.ok += 1;
    if (latencyMs !== null) this.latencies.splice(lowerBound(this.latencies, latencyMs), 0, latencyMs);
  }

  /** Drops what ended at or before now − window. */
  prune(now: number): void {
    const oldest = now - this.windowMs;
    while (this.head < this.entries.length && this.entries[this.head]!.at <= oldest) {
      const e = this.entries[this.head]!;
      if (e.ok) this.ok -= 1;
      if (e.latencyMs !== null) this.latencies.splice(lowerBound(this.latencies, e.latencyMs), 1);
      this.head += 1;
    }
    // Compact now and then: the FIFO's dead head is freed in one go, not one shift per probe.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Requests, success % and p95 in the window as of `now`. */
  summary(now: number): { requests: number; successPct: number | null; p95Ms: number | null } {
    this.prune(now);
    const requests = this.entries.length - this.head;
    return { requests, successPct: requests === 0 ? null : (this.ok / requests) * 100, p95Ms: percentile(this.latencies, 95) };
  }
}

/** Whether the window's numbers meet the limits; an empty window holds. */
export function holds(limits: HypothesisLimits, s: { requests: number; successPct: number | null; p95Ms: number | null }): boolean {
  if (s.requests === 0) return true;
  return (s.successPct ?? 0) >= limits.minSuccessPct && (s.p95Ms === null || s.p95Ms <= limits.maxP95Ms);
}

export type HypothesisChange = { kind: 'broken'; at: number; successPct: number; p95Ms: number | null } | { kind: 'held'; at: number };

/** The hypothesis over time: a ProbeWindow and whether (and since when) it is broken. */
export class HypothesisTracker {
  private readonly window: ProbeWindow;
  private brokenSince: number | null = null;
  private last: { requests: number; successPct: number | null; p95Ms: number | null } = { requests: 0, successPct: null, p95Ms: null };

  constructor(private readonly limits: HypothesisLimits) {
    this.window = new ProbeWindow(limits.windowSeconds);
  }

  /** Adds a probe and evaluates at its end; returns the change it caused, if any. */
  add(at: number, ok: boolean, latencyMs: number | null): HypothesisChange | null {
    this.window.add(at, ok, latencyMs);
    return this.evaluate(at);
  }

  /** Re-evaluates at `now` (probes leaving the window can end a breach). */
  evaluate(now: number): HypothesisChange | null {
    this.last = this.window.summary(now);
    const ok = holds(this.limits, this.last);
    if (!ok && this.brokenSince === null) {
      this.brokenSince = now;
      return { kind: 'broken', at: now, successPct: this.last.successPct ?? 0, p95Ms: this.last.p95Ms };
    }
    if (ok && this.brokenSince !== null) {
      this.brokenSince = null;
      return { kind: 'held', at: now };
    }
    return null;
  }

  state(): HypothesisState {
    return { holds: this.brokenSince === null, brokenSince: this.brokenSince, successPct: this.last.successPct, p95Ms: this.last.p95Ms, requests: this.last.requests };
  }
}
