/** Builders of probe outcomes for the state and verdict tests. */
import type { ProbeFailure, ProbeKind, ReplicaProbeOutcome, ReplicaSpec } from '../../../electron/core/replica/replica-types';

export const spec: ReplicaSpec = {
  name: 'llama-a01-0',
  url: 'http://127.0.0.1:8001',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  api: 'openai',
  auth: { header: 'Authorization', secretRef: 'llama-key' },
  health: { path: '/health', intervalSeconds: 5 },
  prompt: { text: 'Respond with OK', expect: 'OK', maxTokens: 2, intervalSeconds: 60 },
};

export function ok(kind: ProbeKind, at: number, latencyMs = 10): ReplicaProbeOutcome {
  return { kind, at, ok: true, latencyMs, status: 200, detail: kind === 'health' ? 'HTTP 200' : 'answered "OK"' };
}

export function fail(kind: ProbeKind, at: number, failure: ProbeFailure, detail: string, extra: Partial<ReplicaProbeOutcome> = {}): ReplicaProbeOutcome {
  return { kind, at, ok: false, latencyMs: 5, failure, detail, ...extra };
}

export function rateLimited(kind: ProbeKind, at: number, retryAfterSeconds?: number): ReplicaProbeOutcome {
  const o = fail(kind, at, 'rate-limited', '429 rate limited', { status: 429, latencyMs: 0 });
  if (retryAfterSeconds !== undefined) o.retryAfterSeconds = retryAfterSeconds;
  return o;
}

/** A local-time epoch, so clock times in reasons read the same in every time zone. */
export const T0 = new Date(2025, 0, 2, 12, 3, 40).getTime();
