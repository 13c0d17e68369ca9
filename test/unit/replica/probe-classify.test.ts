import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  answerMatches,
  classifyResponse,
  classifyTransportError,
  completionText,
  serverMessage,
  type HttpAnswer,
} from '../../../electron/core/replica/probe-classify';
import type { ReplicaSpec } from '../../../electron/core/replica/replica-types';

const spec: ReplicaSpec = {
  name: 'r0',
  url: 'http://127.0.0.1:8001',
  model: 'm',
  api: 'openai',
  auth: { header: 'Authorization', secretRef: 'llama-key' },
  health: { path: '/healthz', intervalSeconds: 5 },
  prompt: { text: 'Respond with OK', expect: 'OK', maxTokens: 2, intervalSeconds: 60 },
};
const NOW = new Date(2025, 0, 2, 12, 3, 40).getTime(); // local time: reasons show local clock times

function answer(status: number, body: unknown, headers: Record<string, string> = {}, truncated = false): HttpAnswer {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { status, headers: new Headers(headers), body: { text, bytes: text.length, truncated } };
}
const completion = (content: unknown) => ({ object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content } }] });

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('transport failures', () => {
  it('connection refused (a real ECONNREFUSED from fetch)', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/health`;
    const err = await fetch(url).catch((e: unknown) => e);
    expect(classifyTransportError(err, { url, timeoutMs: 5000 })).toEqual({
      ok: false,
      failure: 'refused',
      detail: `connection refused to 127.0.0.1:${new URL(url).port}`,
    });
  });

  it('timeout (the TimeoutError AbortSignal.timeout raises, before or during the body)', async () => {
    const url = 'http://127.0.0.1:8001/health';
    const err = await fetch(url, { signal: AbortSignal.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')) }).catch(
      (e: unknown) => e,
    );
    expect(classifyTransportError(err, { url, timeoutMs: 2500 })).toEqual({ ok: false, failure: 'timeout', detail: 'no answer from 127.0.0.1:8001 within 2.5 s' });
    expect(classifyTransportError(err, { url, timeoutMs: 300 }).detail).toBe('no answer from 127.0.0.1:8001 within 300 ms');
  });

  it('DNS failure, reset and anything else are network failures, each saying what happened', () => {
    const fetchFailed = (code: string, message: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
    const url = 'https://replica.example:8443/v1/chat/completions';
    expect(classifyTransportError(fetchFailed('ENOTFOUND', 'getaddrinfo ENOTFOUND replica.example'), { url, timeoutMs: 1 })).toEqual({
      ok: false,
      failure: 'network',
      detail: 'cannot resolve replica.example (ENOTFOUND)',
    });
    expect(classifyTransportError(fetchFailed('ECONNRESET', 'read ECONNRESET'), { url, timeoutMs: 1 }).detail).toBe('connection reset by replica.example:8443');
    const tls = classifyTransportError(fetchFailed('CERT_HAS_EXPIRED', 'certificate has expired'), { url, timeoutMs: 1 });
    expect(tls).toEqual({ ok: false, failure: 'network', detail: 'cannot talk to replica.example:8443: certificate has expired (CERT_HAS_EXPIRED)' });
  });
});

describe('HTTP answers', () => {
  it('any 2xx of the health endpoint is healthy', () => {
    expect(classifyResponse('health', spec, answer(200, ''), NOW)).toEqual({ ok: true, status: 200, detail: 'HTTP 200' });
    expect(classifyResponse('health', spec, answer(204, ''), NOW).ok).toBe(true);
  });

  it('5xx carries the server message', () => {
    expect(classifyResponse('health', spec, answer(503, { message: 'engine dead' }), NOW)).toEqual({
      ok: false,
      failure: 'http-5xx',
      status: 503,
      detail: 'HTTP 503: "engine dead"',
    });
    expect(classifyResponse('completion', spec, answer(500, ''), NOW).detail).toBe('HTTP 500');
  });

  it('401 and 403 are credential failures naming the secretRef', () => {
    const c = classifyResponse('completion', spec, answer(401, { error: { message: 'Incorrect API key provided' } }), NOW);
    expect(c).toMatchObject({ ok: false, failure: 'auth', status: 401 });
    expect(c.detail).toBe('HTTP 401: "Incorrect API key provided" — check the credentials (secretRef llama-key)');
    expect(classifyResponse('health', spec, answer(403, ''), NOW)).toMatchObject({ failure: 'auth', status: 403 });
    expect(classifyResponse('health', { ...spec, auth: undefined }, answer(401, ''), NOW).detail).toMatch(/wants credentials and none are configured/);
  });

  it('429 is rate-limited with the Retry-After wait and the clock time it ends', () => {
    const c = classifyResponse('completion', spec, answer(429, '', { 'retry-after': '30' }), NOW);
    expect(c).toEqual({ ok: false, failure: 'rate-limited', status: 429, retryAfterSeconds: 30, detail: '429 rate limited, retry after 30 s (at 12:04:10)' });
    const none = classifyResponse('health', spec, answer(429, ''), NOW);
    expect(none).toEqual({ ok: false, failure: 'rate-limited', status: 429, detail: '429 rate limited, no Retry-After given' });
  });

  it('other statuses: a hint for a wrong health path, a wrong model, a redirect', () => {
    expect(classifyResponse('health', spec, answer(404, 'Not Found'), NOW)).toEqual({
      ok: false,
      failure: 'http-other',
      status: 404,
      detail: 'HTTP 404: "Not Found" — check health.path (/healthz)',
    });
    expect(classifyResponse('completion', spec, answer(404, { detail: 'no such model' }), NOW).detail).toBe('HTTP 404: "no such model" — check the model name (m)');
    expect(classifyResponse('health', spec, answer(302, ''), NOW).detail).toMatch(/^HTTP 302 — probes do not follow redirects/);
  });

  it('a completion with the expected text is ok', () => {
    expect(classifyResponse('completion', spec, answer(200, completion('OK')), NOW)).toEqual({ ok: true, status: 200, detail: 'answered "OK"' });
  });

  it('a completion with other text is a wrong answer quoting both', () => {
    const c = classifyResponse('completion', spec, answer(200, completion('Sure! Here is a long and chatty answer that goes on and on')), NOW);
    expect(c).toEqual({
      ok: false,
      failure: 'wrong-answer',
      status: 200,
      detail: 'wrong answer — expected "OK", got "Sure! Here is a long and chatty answer …"',
    });
  });

  it('a 2xx that is not a chat completion is a bad response', () => {
    expect(classifyResponse('completion', spec, answer(200, '<html>proxy</html>'), NOW)).toMatchObject({ failure: 'bad-response', detail: 'answer is not JSON: "<html>proxy</html>"' });
    expect(classifyResponse('completion', spec, answer(200, { choices: [] }), NOW)).toMatchObject({ failure: 'bad-response' });
    expect(classifyResponse('completion', spec, answer(200, completion(null)), NOW)).toMatchObject({ failure: 'bad-response' });
    const big = answer(200, '{"choices":', {}, true);
    big.body.bytes = 256 * 1024;
    expect(classifyResponse('completion', spec, big, NOW)).toMatchObject({ failure: 'bad-response', detail: 'answer larger than 256 KiB, not read further' });
  });
});

describe('answer matching', () => {
  it.each(['OK', 'ok', ' OK\n', 'OK.', '"OK"', 'Ok!'])('accepts %j for "OK"', (a) => expect(answerMatches(a, 'OK')).toBe(true));
  it.each(['Sure! OK', 'OKAY', 'NO', '', 'O K'])('rejects %j for "OK"', (a) => expect(answerMatches(a, 'OK')).toBe(false));

  it('reads the text of the first choice only when it is a string', () => {
    expect(completionText(completion('hi'))).toBe('hi');
    expect(completionText({ choices: [{ message: {} }] })).toBeUndefined();
    expect(completionText(null)).toBeUndefined();
  });

  it('finds the server message in the usual error shapes', () => {
    expect(serverMessage('{"error":{"message":"quota"}}')).toBe('quota');
    expect(serverMessage('{"error":"bad"}')).toBe('bad');
    expect(serverMessage('{"object":"error","message":"vllm says"}')).toBe('vllm says');
    expect(serverMessage('{"detail":"fastapi says"}')).toBe('fastapi says');
    expect(serverMessage('plain\n text')).toBe('plain text');
  });
});
