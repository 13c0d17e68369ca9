import type { CircuitBreakerView, ReplicaProbeView, ReplicaStatus } from '../../../shared/services';
import { formatWholeNumber } from './intl';

/** "HH:MM:SS" in local time, 24-hour, whatever the browser's locale would print. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatMs(ms: number | null): string {
  return ms === null ? '–' : `${Math.round(ms)} ms`;
}

type LatencyView = ReplicaStatus['latency']['health'];

/** "p50 120 ms · p95 340 ms", dashes until there are samples. */
export function formatLatency(latency: LatencyView): string {
  return `p50 ${formatMs(latency.p50Ms)} · p95 ${formatMs(latency.p95Ms)}`;
}

/** The compact form for a list cell: "3 / 9 ms" (p50 / p95), "–" without samples. */
export function formatP50P95(latency: LatencyView): string {
  if (latency.p50Ms === null && latency.p95Ms === null) return '–';
  const ms = (v: number | null) => (v === null ? '–' : String(Math.round(v)));
  return `${ms(latency.p50Ms)} / ${ms(latency.p95Ms)} ms`;
}

/**
 * Both probe kinds in one line, "p50/p95 health 3 / 9 ms · completion 410 / 900 ms": a health
 * check and a completion differ by orders of magnitude, so they are never mixed. A replica
 * without a completion probe shows the health side only.
 */
export function formatReplicaLatency(latency: ReplicaStatus['latency'], hasCompletion: boolean): string {
  const health = `p50/p95 health ${formatP50P95(latency.health)}`;
  return hasCompletion ? `${health} · completion ${formatP50P95(latency.completion)}` : health;
}

/**
 * One probe in one line: "ok · 120 ms · HTTP 200" or "rate-limited · HTTP 429 · 35 ms · <detail>";
 * the failure class comes first because it is what the operator acts on.
 */
export function formatProbe(probe: ReplicaProbeView | null): string {
  if (probe === null) return 'not probed yet';
  const parts = [probe.ok ? 'ok' : (probe.failure ?? 'failed')];
  if (probe.status !== null) parts.push(`HTTP ${probe.status}`);
  parts.push(formatMs(probe.latencyMs));
  if (probe.detail !== '') parts.push(probe.detail);
  return parts.join(' · ');
}

/** A list cell's probe: "ok · 12 ms", "rate-limited · 429", "refused"; the full line goes in its tooltip. */
export function formatProbeShort(probe: ReplicaProbeView | null): string {
  if (probe === null) return 'not probed yet';
  if (probe.ok) return `ok · ${formatMs(probe.latencyMs)}`;
  const failure = probe.failure ?? 'failed';
  return probe.status === null ? failure : `${failure} · ${probe.status}`;
}

/**
 * What a 429 left behind: "Retry-After 30 s · no probe until 12:03:04". Null when the replica
 * is not held back, so the row shows nothing.
 */
export function formatRetryAfter(replica: Pick<ReplicaStatus, 'retryAfterSeconds' | 'throttledUntil'>): string | null {
  const parts: string[] = [];
  if (replica.retryAfterSeconds !== null) parts.push(`Retry-After ${replica.retryAfterSeconds} s`);
  if (replica.throttledUntil !== null) parts.push(`no probe until ${formatClock(replica.throttledUntil)}`);
  return parts.length === 0 ? null : parts.join(' · ');
}

/** "closed", "open · 5 failures · retry at 12:03:04", "half-open · 1 failure". */
export function formatBreaker(breaker: CircuitBreakerView): string {
  const parts: string[] = [breaker.state];
  if (breaker.consecutiveFailures > 0) parts.push(`${breaker.consecutiveFailures} ${breaker.consecutiveFailures === 1 ? 'failure' : 'failures'}`);
  if (breaker.state !== 'closed' && breaker.retryAt !== null) parts.push(`retry at ${formatClock(breaker.retryAt)}`);
  return parts.join(' · ');
}

/** The completion probe's cost: "≈ 14,400 tokens/day", or why there is none. */
export function formatTokensPerDay(tokens: number | null): string {
  return tokens === null ? 'no completion probe' : `≈ ${formatWholeNumber(tokens)} tokens/day`;
}
