/**
 * The words of replica monitoring: what a replica is (as the prober needs it), what one probe
 * of it says, and the health a replica can have.
 *
 * `ReplicaHealth` extends the project's `Health` with `throttled`: a 429 means quota or rate
 * limit, not death, and must neither page anyone as "unhealthy" nor pass as "healthy".
 */
import type { InventoryReplica } from '../../../shared/inventory';

export type ReplicaApi = 'openai' | 'azure-openai';

export interface ReplicaAuth {
  /** Header that carries the secret: `Authorization` (sent as `Bearer <secret>`) or e.g. `api-key`. */
  header: string;
  /** Name of the secret in the secret store; the secret itself never appears in the inventory. */
  secretRef: string;
}

export interface ReplicaHealthSettings {
  /** Path on the replica's URL, starting with `/` (vLLM and TGI: `/health`). */
  path: string;
  intervalSeconds: number;
  timeoutSeconds?: number;
}

export interface ReplicaPromptSettings {
  text: string;
  expect: string;
  maxTokens: number;
  intervalSeconds: number;
}

/** One replica, with the inventory's defaults applied (`api` defaults to `openai`). */
export interface ReplicaSpec {
  name: string;
  /** Server base URL, no query: `http://10.0.0.11:8000`, `https://x.openai.azure.com`. */
  url: string;
  model: string;
  api: ReplicaApi;
  /** azure-openai: the `api-version` query parameter (default `DEFAULT_AZURE_API_VERSION`). */
  apiVersion?: string;
  auth?: ReplicaAuth;
  health: ReplicaHealthSettings;
  /** The completion probe; absent means only the health endpoint is probed. */
  prompt?: ReplicaPromptSettings;
}

/** Azure OpenAI's data-plane GA version at the time of writing; any version is accepted. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

export function toReplicaSpec(r: InventoryReplica): ReplicaSpec {
  const spec: ReplicaSpec = { name: r.name, url: r.url, model: r.model, api: r.api ?? 'openai', health: { ...r.health } };
  if (r.apiVersion !== undefined) spec.apiVersion = r.apiVersion;
  if (r.auth) spec.auth = { ...r.auth };
  if (r.prompt) spec.prompt = { ...r.prompt };
  return spec;
}

export type ProbeKind = 'health' | 'completion';
export const PROBE_KINDS: readonly ProbeKind[] = ['health', 'completion'];

/**
 * Why a probe failed, one distinct reason each:
 * - `timeout`: no complete answer within the timeout;
 * - `refused`: nothing listens on the port (ECONNREFUSED);
 * - `network`: any other transport failure (DNS, reset, TLS, not HTTP);
 * - `http-5xx`: the server answered 500-599;
 * - `auth`: 401/403, or the secret could not be read from the store;
 * - `rate-limited`: 429 (quota or rate limit, not death);
 * - `http-other`: any other non-2xx status (404 on a wrong health path, 400 on a wrong model);
 * - `wrong-answer`: a well-formed completion whose text is not the expected one;
 * - `bad-response`: a 2xx that is not a chat completion (not JSON, no choices, too large).
 */
export type ProbeFailure =
  | 'timeout'
  | 'refused'
  | 'network'
  | 'http-5xx'
  | 'auth'
  | 'rate-limited'
  | 'http-other'
  | 'wrong-answer'
  | 'bad-response';

export interface ReplicaProbeOutcome {
  kind: ProbeKind;
  /** Epoch ms when the probe started. */
  at: number;
  ok: boolean;
  /** Time from sending to the end of the answer (or to the failure). */
  latencyMs: number;
  failure?: ProbeFailure;
  /** HTTP status, when the server answered. */
  status?: number;
  /** From a 429's `Retry-After` (or `retry-after-ms`), in seconds. */
  retryAfterSeconds?: number;
  /** One human line, never containing the secret: "HTTP 503: engine dead", "connection refused to 127.0.0.1:8001". */
  detail: string;
}

export type ReplicaHealth = 'healthy' | 'throttled' | 'degraded' | 'unhealthy' | 'unreachable' | 'unknown';

/**
 * Worse is higher. `throttled` sits between `unknown` and `degraded`: the replica answers, the
 * quota says "not now"; `degraded` already means something in the replica itself is off.
 */
const RANK: Record<ReplicaHealth, number> = { healthy: 0, unknown: 1, throttled: 2, degraded: 3, unhealthy: 4, unreachable: 5 };

export function replicaHealthRank(h: ReplicaHealth): number {
  return RANK[h];
}

export function worstReplicaHealth(list: ReplicaHealth[]): ReplicaHealth {
  let worst: ReplicaHealth = 'healthy';
  for (const h of list) if (RANK[h] > RANK[worst]) worst = h;
  return worst;
}
