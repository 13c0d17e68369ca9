/**
 * One probe of one replica: the cheap health endpoint, or a real chat completion with the
 * lightweight prompt (which catches a model that is loaded but broken). Never throws for
 * anything the replica or the network does: every failure is an outcome with a class and a
 * human line. The secret is fetched per probe from the store (so a rotated key is picked up),
 * sent in one header, and redacted from everything the outcome carries.
 */
import { FleetError } from '../../../shared/errors';
import { MAX_BODY_BYTES, readCappedBody } from './capped-body';
import { classifyResponse, classifyTransportError, type Classified } from './probe-classify';
import { authHeader, buildProbeRequest } from './probe-request';
import type { ProbeKind, ReplicaProbeOutcome, ReplicaSpec } from './replica-types';
import { redact } from './replica-text';

export const DEFAULT_HEALTH_TIMEOUT_MS = 5_000;
/** Generating even two tokens waits behind the batch already running on a busy replica. */
export const DEFAULT_COMPLETION_TIMEOUT_MS = 30_000;

export interface ProbeDeps {
  /** Resolves a secretRef from the secret store (keychain); undefined when there is none. */
  getSecret(ref: string): Promise<string | undefined>;
  /** Epoch ms, for `at` and for Retry-After dates. */
  now(): number;
  /** Overrides the timeout: else `health.timeoutSeconds` (default 5 s) or 30 s for a completion. */
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** Monotonic ms for latency (default `performance.now`), so a wall-clock jump is not a latency. */
  monotonic?(): number;
}

export function probeTimeoutMs(spec: ReplicaSpec, kind: ProbeKind): number {
  if (kind === 'health') return spec.health.timeoutSeconds !== undefined ? spec.health.timeoutSeconds * 1000 : DEFAULT_HEALTH_TIMEOUT_MS;
  return DEFAULT_COMPLETION_TIMEOUT_MS;
}

type SecretResult = { secret: string | undefined } | { problem: Classified };

async function resolveSecret(spec: ReplicaSpec, deps: ProbeDeps): Promise<SecretResult> {
  if (!spec.auth) return { secret: undefined };
  const ref = spec.auth.secretRef;
  try {
    const secret = await deps.getSecret(ref);
    if (secret) return { secret };
    return { problem: { ok: false, failure: 'auth', detail: `secret "${ref}" is not in the secret store: store it there under that name` } };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { problem: { ok: false, failure: 'auth', detail: `cannot read secret "${ref}" from the secret store: ${message}` } };
  }
}

export async function probeReplica(spec: ReplicaSpec, kind: ProbeKind, deps: ProbeDeps): Promise<ReplicaProbeOutcome> {
  if (kind === 'completion' && !spec.prompt) {
    throw new FleetError('BAD_REQUEST', `replica ${spec.name} has no prompt: there is no completion probe to run`, { subject: spec.name });
  }
  const monotonic = deps.monotonic ?? (() => performance.now());
  const at = deps.now();
  const started = monotonic();
  const timeoutMs = deps.timeoutMs ?? probeTimeoutMs(spec, kind);
  const finish = (c: Classified, secrets: (string | undefined)[]): ReplicaProbeOutcome => {
    const outcome: ReplicaProbeOutcome = { kind, at, ok: c.ok, latencyMs: Math.max(0, monotonic() - started), detail: redact(c.detail, secrets) };
    if (c.failure !== undefined) outcome.failure = c.failure;
    if (c.status !== undefined) outcome.status = c.status;
    if (c.retryAfterSeconds !== undefined) outcome.retryAfterSeconds = c.retryAfterSeconds;
    return outcome;
  };

  const resolved = await resolveSecret(spec, deps);
  if ('problem' in resolved) return finish(resolved.problem, []);
  const { secret } = resolved;
  // The header value may differ from the secret ("Bearer " + secret): redact both forms.
  const secrets = secret === undefined ? [] : [authHeader(spec, secret)[1], secret];
  const request = buildProbeRequest(spec, kind, secret);
  try {
    const res = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      // A redirect could carry the key header to another origin (undici strips Authorization
      // across origins, not `api-key`): a redirect is reported, never followed.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await readCappedBody(res, deps.maxBodyBytes ?? MAX_BODY_BYTES);
    const classified = classifyResponse(kind, spec, { status: res.status, headers: res.headers, body: { ...body, text: redact(body.text, secrets) } }, deps.now());
    return finish(classified, secrets);
  } catch (err) {
    return finish(classifyTransportError(err, { url: request.url, timeoutMs }), secrets);
  }
}
