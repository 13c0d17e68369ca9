/**
 * Everything the console knows about one replica, folded from its probe outcomes: the latest
 * outcome per probe, latency windows, the circuit breaker, the 429 throttle, and the gate the
 * scheduler consults before it sends any probe (`nextAllowedAt`).
 *
 * Breaker rules: every failed probe counts except a 429 (quota is not death); the count starts
 * over only on a success of the probe that proves serving — the completion when a prompt is
 * configured, else the health endpoint — so a replica whose health endpoint says 200 while its
 * model answers garbage still trips the breaker.
 */
import { CircuitBreaker, DEFAULT_BREAKER, type BreakerPolicy, type BreakerView } from './circuit-breaker';
import { DEFAULT_LATENCY_WINDOW_MS, DEFAULT_MAX_LATENCY_SAMPLES, LatencyWindow, type LatencySummary } from './latency-window';
import type { ProbeKind, ReplicaHealth, ReplicaProbeOutcome, ReplicaSpec } from './replica-types';
import { judgeReplica, throttleReason, type KindRecord, type Throttle } from './replica-verdict';

/**
 * A 429 without Retry-After still means "slow down": wait this long, about half a per-minute
 * quota window, short enough to see the quota come back within the minute.
 */
export const DEFAULT_THROTTLE_SECONDS = 30;

export interface ReplicaStateOptions {
  now: () => number;
  breaker?: BreakerPolicy;
  latencyWindowMs?: number;
  maxLatencySamples?: number;
  defaultThrottleSeconds?: number;
}

export interface ReplicaView {
  name: string;
  health: ReplicaHealth;
  reasons: string[];
  /** Per probe kind: their latencies differ by orders of magnitude and must not be mixed. */
  latency: Record<ProbeKind, LatencySummary>;
  breaker: BreakerView;
  /** Epoch ms before which no probe is sent, while a 429 stands (it may lie in the past until the next probe). */
  throttledUntil: number | null;
  retryAfterSeconds: number | null;
  last: Partial<Record<ProbeKind, ReplicaProbeOutcome>>;
}

export type GateDecision = { allowed: true } | { allowed: false; until: number; reason: string };

/**
 * Latency is the replica doing its job: successful probes, and completions that came back with
 * the wrong text (the model still generated them). A timeout's "latency" is the timeout, and an
 * instant 503 or 429 would make a dying replica look fast.
 */
function hasLatency(o: ReplicaProbeOutcome): boolean {
  return o.ok || o.failure === 'wrong-answer';
}

function signature(o: ReplicaProbeOutcome): string {
  return o.ok ? 'ok' : `${o.failure}:${o.status ?? ''}`;
}

export class ReplicaState {
  private readonly records: Partial<Record<ProbeKind, KindRecord>> = {};
  private readonly latency: Record<ProbeKind, LatencyWindow>;
  private readonly breaker: CircuitBreaker;
  private throttle: Throttle | null = null;

  constructor(
    private spec: ReplicaSpec,
    private readonly opts: ReplicaStateOptions,
  ) {
    const windowMs = opts.latencyWindowMs ?? DEFAULT_LATENCY_WINDOW_MS;
    const max = opts.maxLatencySamples ?? DEFAULT_MAX_LATENCY_SAMPLES;
    this.latency = { health: new LatencyWindow(windowMs, max), completion: new LatencyWindow(windowMs, max) };
    this.breaker = new CircuitBreaker(opts.breaker ?? DEFAULT_BREAKER);
  }

  get name(): string {
    return this.spec.name;
  }

  /** The inventory changed (same replica name): history stays, the decisive probe may change. */
  updateSpec(spec: ReplicaSpec): void {
    this.spec = spec;
  }

  /**
   * What opened the circuit is stale — the operator changed the replica's secret, or a runbook
   * that just started it waits on it — so it closes and the next probe goes out. A 429's
   * Retry-After still stands: quota is about neither.
   */
  closeCircuit(): void {
    this.breaker.reset();
  }

  record(outcome: ReplicaProbeOutcome): void {
    const previous = this.records[outcome.kind];
    const same = previous !== undefined && signature(previous.last) === signature(outcome);
    this.records[outcome.kind] = { last: outcome, streak: same ? previous.streak + 1 : 1 };
    if (hasLatency(outcome)) this.latency[outcome.kind].add(outcome.at, outcome.latencyMs);

    if (outcome.failure === 'rate-limited') {
      // Retry-After counts from when the answer arrived, not from when the probe started.
      const answeredAt = outcome.at + outcome.latencyMs;
      const seconds = outcome.retryAfterSeconds ?? null;
      const wait = seconds ?? this.opts.defaultThrottleSeconds ?? DEFAULT_THROTTLE_SECONDS;
      const until = answeredAt + wait * 1000;
      // Two 429s in flight together: keep the later deadline, never shorten a wait.
      if (!this.throttle || until >= this.throttle.until) this.throttle = { until, retryAfterSeconds: seconds, kind: outcome.kind };
      return;
    }
    // Only a probe sent after the wait proves the throttle is over; one already in flight does not.
    if (this.throttle && outcome.at >= this.throttle.until) this.throttle = null;

    if (!outcome.ok) this.breaker.recordFailure(outcome.at);
    else if (outcome.kind === this.decisiveKind()) this.breaker.recordSuccess();
  }

  /**
   * The earliest epoch ms at which a probe of `kind` may be sent: the end of a 429's wait and of
   * an open circuit, whichever is later (0: any time). Infinity for a completion probe when the
   * replica has no prompt. The scheduler asks before every probe.
   */
  nextAllowedAt(kind: ProbeKind): number {
    if (kind === 'completion' && !this.spec.prompt) return Infinity;
    return Math.max(this.throttle?.until ?? 0, this.breaker.blockedUntil());
  }

  gate(kind: ProbeKind): GateDecision {
    const now = this.opts.now();
    const until = this.nextAllowedAt(kind);
    if (until <= now) return { allowed: true };
    if (until === Infinity) return { allowed: false, until, reason: `replica ${this.spec.name} has no prompt configured` };
    const throttle = this.throttle;
    if (throttle && throttle.until === until) return { allowed: false, until, reason: throttleReason(throttle) };
    return { allowed: false, until, reason: `circuit open after ${this.breaker.view(now).consecutiveFailures} consecutive failures` };
  }

  view(): ReplicaView {
    const now = this.opts.now();
    const breaker = this.breaker.view(now);
    const verdict = judgeReplica({ records: this.records, throttle: this.throttle, breaker, failureThreshold: this.breaker.policy.failureThreshold, now });
    const last: Partial<Record<ProbeKind, ReplicaProbeOutcome>> = {};
    for (const kind of ['health', 'completion'] as const) {
      const r = this.records[kind];
      if (r) last[kind] = r.last;
    }
    return {
      name: this.spec.name,
      health: verdict.health,
      reasons: verdict.reasons,
      latency: { health: this.latency.health.summary(now), completion: this.latency.completion.summary(now) },
      breaker,
      throttledUntil: this.throttle?.until ?? null,
      retryAfterSeconds: this.throttle?.retryAfterSeconds ?? null,
      last,
    };
  }

  private decisiveKind(): ProbeKind {
    return this.spec.prompt ? 'completion' : 'health';
  }
}
