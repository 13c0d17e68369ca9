/**
 * Everything a drill measures, fed with timestamped events and no I/O of its own: probe outcomes,
 * `show stat` polls, the console's verdicts. It turns them into milestones (in the order they were
 * observed), the hypothesis and the per-second series. drill-observer.ts feeds it from the real
 * sources; tests feed it on an injected clock.
 */
import type { StatRow } from '../../haproxy/parse-stat';
import { LbServerWatch, promisedDownMs } from './lb-watch';
import { HypothesisTracker } from './probe-window';
import { SecondSeries } from './second-series';
import { lbServerKey, type DrillSecond, type HypothesisState, type LbPromise, type LbServerRef, type ObservedMilestone, type ObserverConfig } from './observer-types';

/**
 * Verdicts that mean the console saw something wrong. `unknown` is no verdict yet (a monitor
 * starting), not a detection.
 */
const DETECTING = new Set(['unhealthy', 'unreachable', 'degraded', 'throttled']);
/** Outside the blast radius only these stop a drill: a degraded neighbour is not a casualty. */
const UNHEALTHY = new Set(['unhealthy', 'unreachable']);

export interface ProbeEnd {
  /** When it was due and sent. */
  sentAt: number;
  latencyMs: number;
  ok: boolean;
  /** `timeout`, `refused`, `http-503`, … (traffic-generator.ts). */
  reason?: string;
  error?: string;
}

export const SKIPPED_REASON = 'in-flight-cap';

export class Observation {
  private readonly listeners = new Set<(m: ObservedMilestone) => void>();
  private readonly list: ObservedMilestone[] = [];
  private readonly hyp: HypothesisTracker;
  private readonly series: SecondSeries;
  private readonly watches = new Map<string, { ref: LbServerRef; watch: LbServerWatch }>();
  private readonly subjects: Set<string>;
  private readonly outside: Set<string>;
  /** Subjects seen healthy since the start (detection is leaving healthy). */
  private readonly seenHealthy = new Set<string>();
  private readonly detected = new Set<string>();
  private readonly recovered = new Set<string>();
  private readonly lastHealth = new Map<string, string>();
  private firstFailure = false;

  constructor(
    private readonly config: Pick<ObserverConfig, 'hypothesis' | 'lbServers' | 'subjects' | 'watchOutside'>,
    readonly startAt: number,
    baselineHealth: (subject: string) => string | undefined,
  ) {
    this.hyp = new HypothesisTracker(config.hypothesis);
    this.series = new SecondSeries(startAt);
    for (const ref of config.lbServers) this.watches.set(lbServerKey(ref), { ref, watch: new LbServerWatch() });
    this.subjects = new Set(config.subjects);
    this.outside = new Set(config.watchOutside ?? []);
    for (const s of [...this.subjects, ...this.outside]) {
      const h = baselineHealth(s);
      if (h !== undefined) this.lastHealth.set(s, h);
      if (h === 'healthy') this.seenHealthy.add(s);
    }
  }

  onMilestone(listener: (m: ObservedMilestone) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private emit(m: ObservedMilestone): void {
    this.list.push(m);
    for (const l of [...this.listeners]) {
      try {
        l(m);
      } catch {
        // A listener's failure (the runner's store) must not stop the measurements; the milestone stays in the list.
      }
    }
  }

  private hypothesisChanged(change: ReturnType<HypothesisTracker['evaluate']>): void {
    if (!change) return;
    this.emit(change.kind === 'broken' ? { kind: 'hypothesis-broken', at: change.at, successPct: change.successPct, p95Ms: change.p95Ms } : { kind: 'hypothesis-held', at: change.at });
  }

  /** A probe ended (known at sentAt + latencyMs). */
  probeEnded(p: ProbeEnd): void {
    const endedAt = p.sentAt + p.latencyMs;
    this.series.probe(p.sentAt, p.ok, p.latencyMs);
    if (!p.ok) this.failed(endedAt, `${p.reason ?? 'error'}: ${p.error ?? ''}`.trim());
    this.hypothesisChanged(this.hyp.add(endedAt, p.ok, p.latencyMs));
  }

  /** A probe due at `at` not sent because the in-flight cap was reached: failed, for that reason. */
  probeSkipped(at: number): void {
    this.series.probe(at, false, null);
    this.failed(at, `${SKIPPED_REASON}: not sent, the probes in flight reached their cap`);
    this.hypothesisChanged(this.hyp.add(at, false, null));
  }

  private failed(at: number, error: string): void {
    if (this.firstFailure) return;
    this.firstFailure = true;
    this.emit({ kind: 'first-failed-request', at, error });
  }

  /** One load balancer's `show stat` server rows, read at `at`. */
  lbPolled(loadBalancer: string, at: number, rows: readonly StatRow[]): void {
    const byName = new Map(rows.filter((r) => r.type === 'server').map((r) => [`${loadBalancer}/${r.proxy}/${r.name}`, r]));
    for (const [key, { ref, watch }] of this.watches) {
      if (ref.loadBalancer !== loadBalancer) continue;
      const { events, delta } = watch.observe(at, byName.get(key) ?? null);
      if (delta) this.series.lb(at, delta);
      for (const e of events) this.emit(e.kind === 'down' ? { kind: 'lb-down', at: e.at, server: ref, checkStatus: e.checkStatus } : { kind: 'lb-up', at: e.at, server: ref });
    }
    this.tick(at);
  }

  /** The console's verdict on a subject changed. */
  health(subject: string, health: string, at: number): void {
    const before = this.lastHealth.get(subject);
    this.lastHealth.set(subject, health);
    if (this.subjects.has(subject)) {
      if (health === 'healthy') {
        if (this.detected.has(subject) && !this.recovered.has(subject)) {
          this.recovered.add(subject);
          this.emit({ kind: 'subject-healthy', at, subject });
        }
        this.seenHealthy.add(subject);
      } else if (DETECTING.has(health) && this.seenHealthy.has(subject) && !this.detected.has(subject)) {
        this.detected.add(subject);
        this.emit({ kind: 'console-detected', at, subject, health });
      }
    }
    if (this.outside.has(subject) && UNHEALTHY.has(health) && !UNHEALTHY.has(before ?? '')) {
      this.emit({ kind: 'outside-unhealthy', at, subject, health });
    }
  }

  /** Re-evaluates the hypothesis at `now`. */
  tick(now: number): void {
    this.hypothesisChanged(this.hyp.evaluate(now));
  }

  milestones(): ObservedMilestone[] {
    return [...this.list];
  }

  hypothesis(): HypothesisState {
    return this.hyp.state();
  }

  seconds(now: number): DrillSecond[] {
    return this.series.seconds(now);
  }

  /** The promises known so far (observer-types.ts LbPromise says when one is). */
  lbPromises(): LbPromise[] {
    const out: LbPromise[] = [];
    for (const { ref, watch } of this.watches.values()) {
      const interMs = watch.interMs();
      const promised = promisedDownMs(watch, interMs);
      if (watch.fall === null || watch.rise === null || interMs === null || promised === null) continue;
      out.push({ server: ref, interMs, fall: watch.fall, rise: watch.rise, checkTimeoutMs: watch.checkTimeoutMs, downBy: watch.downBy, promisedDownMs: promised });
    }
    return out;
  }
}
