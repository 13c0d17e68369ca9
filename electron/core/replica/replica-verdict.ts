/**
 * The health of a replica from the latest outcome of each probe, with human reasons.
 *
 * | latest outcome | health probe | completion probe |
 * | --- | --- | --- |
 * | ok | healthy | healthy |
 * | timeout, refused, network | unreachable | unreachable (refused, network); timeout: see below |
 * | 401/403, secret missing | unhealthy, "check the credentials" | same |
 * | 5xx, other status, bad response | unhealthy | degraded, unhealthy after `failureThreshold` in a row |
 * | completion timeout | — | degraded, unhealthy after `failureThreshold` in a row |
 * | wrong answer | — | unhealthy: the model is loaded but broken |
 * | 429 | throttled (from the throttle state, not from the outcome) | same |
 *
 * A failing health endpoint is believed at once: servers (vLLM, TGI) use it to say their engine
 * is dead. A completion can fail once because the batch was full, so a transient completion
 * failure is `degraded` first. The replica's health is the worst of both; a probe not run yet
 * adds nothing (the health endpoint alone can make a replica healthy until the prompt runs).
 */
import type { BreakerView } from './circuit-breaker';
import { type ProbeKind, type ReplicaHealth, type ReplicaProbeOutcome, replicaHealthRank, worstReplicaHealth } from './replica-types';
import { formatClock, formatDuration } from './replica-text';

export interface Throttle {
  /** Epoch ms before which no probe may be sent. */
  until: number;
  /** The server's Retry-After in seconds; null when it gave none and the default wait applies. */
  retryAfterSeconds: number | null;
  kind: ProbeKind;
}

export interface KindRecord {
  last: ReplicaProbeOutcome;
  /** How many outcomes in a row of this kind ended the same way as `last` (same class and status). */
  streak: number;
}

export interface VerdictInput {
  records: Partial<Record<ProbeKind, KindRecord>>;
  throttle: Throttle | null;
  breaker: BreakerView;
  failureThreshold: number;
  now: number;
}

export interface ReplicaVerdict {
  health: ReplicaHealth;
  /** Worst first. Empty when all is well. */
  reasons: string[];
}

const PREFIX: Record<ProbeKind, string> = { health: 'health: ', completion: 'completion probe: ' };

function kindHealth(kind: ProbeKind, r: KindRecord, failureThreshold: number): ReplicaHealth {
  const f = r.last.failure;
  if (r.last.ok || f === undefined) return 'healthy';
  if (f === 'refused' || f === 'network') return 'unreachable';
  if (kind === 'health') return f === 'timeout' ? 'unreachable' : 'unhealthy';
  if (f === 'wrong-answer' || f === 'auth') return 'unhealthy';
  return r.streak >= failureThreshold ? 'unhealthy' : 'degraded';
}

function kindReason(kind: ProbeKind, r: KindRecord): string {
  return `${PREFIX[kind]}${r.last.detail}${r.streak > 1 ? ` for ${r.streak} probes` : ''}`;
}

export function throttleReason(t: Throttle): string {
  const at = formatClock(t.until);
  if (t.retryAfterSeconds === null) return `${PREFIX[t.kind]}429 rate limited, no Retry-After given: waiting until ${at}`;
  return `${PREFIX[t.kind]}429 rate limited, retry after ${formatDuration(t.retryAfterSeconds)} (at ${at})`;
}

function breakerReason(b: BreakerView, now: number): string | null {
  if (b.state === 'closed' || b.openedAt === null || b.retryAt === null) return null;
  const since = `circuit open since ${formatClock(b.openedAt)} after ${b.consecutiveFailures} consecutive failures`;
  return b.retryAt > now ? `${since}: no probe before ${formatClock(b.retryAt)}` : `${since}: half-open, the next probe decides`;
}

export function judgeReplica(input: VerdictInput): ReplicaVerdict {
  const findings: { health: ReplicaHealth; reason: string }[] = [];
  for (const kind of ['health', 'completion'] as const) {
    const r = input.records[kind];
    // A 429 says nothing about the replica itself: the throttle speaks for it while it lasts.
    if (!r || r.last.failure === 'rate-limited') continue;
    const health = kindHealth(kind, r, input.failureThreshold);
    if (health !== 'healthy') findings.push({ health, reason: kindReason(kind, r) });
  }
  if (input.throttle) findings.push({ health: 'throttled', reason: throttleReason(input.throttle) });
  const probed = Object.values(input.records).some((r) => r !== undefined);
  if (!probed) return { health: 'unknown', reasons: ['not probed yet'] };

  findings.sort((a, b) => replicaHealthRank(b.health) - replicaHealthRank(a.health));
  const reasons = findings.map((f) => f.reason);
  const breaker = breakerReason(input.breaker, input.now);
  if (breaker) reasons.push(breaker);
  const health = worstReplicaHealth(findings.map((f) => f.health));
  // Only 429s so far, and the throttle has been lifted: nothing is known about the replica yet.
  if (health === 'healthy' && Object.values(input.records).every((r) => !r || r.last.failure === 'rate-limited')) {
    return { health: 'unknown', reasons: ['rate limited until now: waiting for the next probe'] };
  }
  return { health, reasons };
}
