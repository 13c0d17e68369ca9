/**
 * The HTTP request of each probe, as data, so its shape (URL, headers, body) is testable without
 * a server and the prober only sends it.
 *
 * - health: `GET {url}{health.path}`;
 * - completion, openai: `POST {url}/v1/chat/completions` (vLLM, TGI, llama.cpp server, OpenAI);
 * - completion, azure-openai: `POST {url}/openai/deployments/{model}/chat/completions?api-version=…`
 *   (in Azure the deployment name stands where OpenAI has the model; the body carries no model).
 *
 * Credentials go on both probes: a gateway in front of a replica usually guards every path.
 */
import { DEFAULT_AZURE_API_VERSION, type ProbeKind, type ReplicaSpec } from './replica-types';

export interface ProbeRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}

/** The header that carries the secret, and its value. */
export function authHeader(spec: ReplicaSpec, secret: string): [string, string] {
  // Azure OpenAI's key header is `api-key`; an explicit header in the inventory still wins.
  const header = spec.auth?.header ?? (spec.api === 'azure-openai' ? 'api-key' : 'Authorization');
  // `Authorization` needs a scheme; a secret stored as "Bearer …" or "Basic …" is sent as is.
  const value = header.toLowerCase() === 'authorization' && !/^[A-Za-z][A-Za-z0-9._~+-]* \S/.test(secret) ? `Bearer ${secret}` : secret;
  return [header, value];
}

export function completionUrl(spec: ReplicaSpec): string {
  if (spec.api === 'azure-openai') {
    const version = encodeURIComponent(spec.apiVersion ?? DEFAULT_AZURE_API_VERSION);
    return joinUrl(spec.url, `/openai/deployments/${encodeURIComponent(spec.model)}/chat/completions?api-version=${version}`);
  }
  return joinUrl(spec.url, '/v1/chat/completions');
}

export const PROBE_USER_AGENT = 'fleetops-probe/1';

/** The request of one probe; `secret` is the resolved value of `spec.auth.secretRef`, if any. */
export function buildProbeRequest(spec: ReplicaSpec, kind: ProbeKind, secret: string | undefined): ProbeRequest {
  // A fresh connection per probe: it sees what a new client sees (connect included), and a pooled
  // socket the server dropped between probes would report "reset" instead of the truth.
  // A user agent of its own, so operators can tell (and filter) the console's probes in replica logs.
  const headers: Record<string, string> = { accept: 'application/json', connection: 'close', 'user-agent': PROBE_USER_AGENT };
  if (secret !== undefined) {
    const [name, value] = authHeader(spec, secret);
    headers[name] = value;
  }
  if (kind === 'health') return { method: 'GET', url: joinUrl(spec.url, spec.health.path), headers };
  if (!spec.prompt) throw new Error(`replica ${spec.name} has no prompt: no completion probe to build`);
  const body: Record<string, unknown> = {
    messages: [{ role: 'user', content: spec.prompt.text }],
    max_tokens: spec.prompt.maxTokens,
    // Greedy decoding: the same prompt must give the same answer, or "wrong answer" is noise.
    temperature: 0,
    stream: false,
  };
  if (spec.api === 'openai') body.model = spec.model;
  headers['content-type'] = 'application/json';
  return { method: 'POST', url: completionUrl(spec), headers, body: JSON.stringify(body) };
}
