/**
 * Turns what happened on the wire into one failure class and one human line. Pure: the prober
 * hands in the transport error or the status, headers and (capped) body.
 */
import type { CappedBody } from './capped-body';
import type { ProbeFailure, ProbeKind, ReplicaSpec } from './replica-types';
import { retryAfterFromHeaders } from './retry-after';
import { formatClock, formatDuration, snippet } from './replica-text';

export interface Classified {
  ok: boolean;
  failure?: ProbeFailure;
  status?: number;
  retryAfterSeconds?: number;
  detail: string;
}

/** "host:port" of a URL, with the scheme's default port spelled out. */
export function hostPort(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url; // fetch refused it as well; say what it was given
  }
  return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}

export function formatTimeout(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${Number((ms / 1000).toFixed(1))} s` : formatDuration(ms / 1000);
}

function errorCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  const code = cause?.code ?? (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A fetch that threw. Node's fetch (undici) rejects with `TypeError('fetch failed')` whose
 * `cause` carries the socket error code; `AbortSignal.timeout` rejects with a `TimeoutError`,
 * also when the timeout fires while the body is still being read.
 */
export function classifyTransportError(err: unknown, target: { url: string; timeoutMs: number }): Classified {
  const where = hostPort(target.url);
  if ((err as { name?: unknown } | null)?.name === 'TimeoutError') {
    return { ok: false, failure: 'timeout', detail: `no answer from ${where} within ${formatTimeout(target.timeoutMs)}` };
  }
  const code = errorCode(err);
  if (code === 'ECONNREFUSED') return { ok: false, failure: 'refused', detail: `connection refused to ${where}` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return { ok: false, failure: 'network', detail: `cannot resolve ${where.replace(/:\d+$/, '')} (${code})` };
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return { ok: false, failure: 'network', detail: `connection reset by ${where}` };
  const cause = (err as { cause?: { message?: unknown } } | null)?.cause;
  const message = typeof cause?.message === 'string' ? cause.message : err instanceof Error ? err.message : String(err);
  return { ok: false, failure: 'network', detail: `cannot talk to ${where}: ${message}${code && !message.includes(code) ? ` (${code})` : ''}` };
}

/** The server's own words from an error body: OpenAI `{error:{message}}`, vLLM `{message}`, FastAPI `{detail}`. */
export function serverMessage(bodyText: string): string {
  try {
    const json = JSON.parse(bodyText) as Record<string, unknown>;
    const error = json.error as { message?: unknown } | string | undefined;
    const candidates = [typeof error === 'object' ? error?.message : error, json.message, json.detail];
    for (const c of candidates) if (typeof c === 'string' && c.trim()) return snippet(c, 120);
  } catch {
    // Not JSON: the raw text is the message.
  }
  return snippet(bodyText, 120);
}

/** The assistant's text of a chat completion, or undefined when the object is not one. */
export function completionText(json: unknown): string | undefined {
  const choices = (json as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  const content = (choices[0] as { message?: { content?: unknown } } | null)?.message?.content;
  return typeof content === 'string' ? content : undefined;
}

function normaliseAnswer(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^["'`]+|["'`]+$/g, '')
    .replace(/[.!]+$/, '')
    .trim()
    .toLowerCase();
}

/**
 * Does the answer say what was expected? Whitespace, surrounding quotes, a trailing "." or "!"
 * and letter case are forgiven ("ok.", "\"OK\""), nothing else: "Sure! OK" is a model that did
 * not follow the instruction, which is what the probe exists to catch.
 */
export function answerMatches(answer: string, expect: string): boolean {
  return normaliseAnswer(answer) === normaliseAnswer(expect);
}

function httpFailure(kind: ProbeKind, spec: ReplicaSpec, status: number, message: string): Classified {
  const said = message ? `: "${message}"` : '';
  if (status === 401 || status === 403) {
    const what = spec.auth
      ? `check the credentials (secretRef ${spec.auth.secretRef})`
      : 'the replica wants credentials and none are configured (set auth in the inventory)';
    return { ok: false, failure: 'auth', status, detail: `HTTP ${status}${said} — ${what}` };
  }
  if (status >= 500) return { ok: false, failure: 'http-5xx', status, detail: `HTTP ${status}${said}` };
  let hint = '';
  if (status >= 300 && status < 400) hint = ' — probes do not follow redirects (they would carry the credentials elsewhere)';
  else if (status === 404) hint = kind === 'health' ? ` — check health.path (${spec.health.path})` : ` — check the model name (${spec.model})`;
  return { ok: false, failure: 'http-other', status, detail: `HTTP ${status}${said}${hint}` };
}

function rateLimited(headers: Headers, nowMs: number): Classified {
  const seconds = retryAfterFromHeaders(headers, nowMs);
  if (seconds === undefined) return { ok: false, failure: 'rate-limited', status: 429, detail: '429 rate limited, no Retry-After given' };
  return {
    ok: false,
    failure: 'rate-limited',
    status: 429,
    retryAfterSeconds: seconds,
    detail: `429 rate limited, retry after ${formatDuration(seconds)} (at ${formatClock(nowMs + seconds * 1000)})`,
  };
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: CappedBody;
}

/**
 * A response the server did send. `nowMs` is when it arrived (for Retry-After dates). The body
 * text must already be redacted: snippets of it end up in the detail.
 */
export function classifyResponse(kind: ProbeKind, spec: ReplicaSpec, res: HttpAnswer, nowMs: number): Classified {
  const { status } = res;
  if (status === 429) return rateLimited(res.headers, nowMs);
  if (status < 200 || status > 299) return httpFailure(kind, spec, status, serverMessage(res.body.text));
  // Any 2xx from the health endpoint is healthy: vLLM answers an empty 200, TGI and others JSON.
  if (kind === 'health') return { ok: true, status, detail: `HTTP ${status}` };
  if (res.body.truncated) return { ok: false, failure: 'bad-response', status, detail: `answer larger than ${Math.round(res.body.bytes / 1024)} KiB, not read further` };
  let json: unknown;
  try {
    json = JSON.parse(res.body.text);
  } catch {
    return { ok: false, failure: 'bad-response', status, detail: `answer is not JSON: "${snippet(res.body.text)}"` };
  }
  const text = completionText(json);
  if (text === undefined) return { ok: false, failure: 'bad-response', status, detail: 'answer is not a chat completion (no choices[0].message.content)' };
  const expect = spec.prompt?.expect ?? '';
  if (!answerMatches(text, expect)) {
    return { ok: false, failure: 'wrong-answer', status, detail: `wrong answer — expected "${expect}", got "${snippet(text)}"` };
  }
  return { ok: true, status, detail: `answered "${snippet(text)}"` };
}
