import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import { FleetError } from '../../../shared/errors';
import { formatTimeout, hostPort } from '../replica/probe-classify';

/**
 * One HTTP exchange with slurmrestd: Node's http/https, a deadline over the whole exchange, a cap
 * on the body (read no further than the cap: a 2,048-node answer is ~3 MB, a runaway one must not
 * take the console's memory), and the JWT headers slurmrestd's rest_auth/jwt reads.
 *
 * Trap (22.05.8, measured): slurmrestd writes "Connection: Close\r\n" AFTER the body when the
 * client asked to close. Node's parser rejects those bytes (HPE_INVALID_CONSTANT) once the
 * Content-Length bytes are in, and may say so before the response's 'end'. A parser error after a
 * complete body is therefore not a failure; one before it is.
 */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** ~1.5 KB per node and ~3 KB per job in v0.0.38: room for clusters far past 10,000 nodes. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface RestTarget {
  /** slurmrestd's base URL (http:// or https://), maybe with a path prefix (a proxy). */
  url: string;
  user: string;
  token: string;
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** Extra CA (PEM) for an https slurmrestd behind a private CA. */
  ca?: string;
}

export interface RestAnswer {
  status: number;
  body: string;
  /** From the request to the last byte: slurmrestd takes seconds when slurmctld does not answer it. */
  elapsedMs: number;
}

/** Why the exchange failed: the classifier turns it into the operator's words. */
export type TransportFailure = 'refused' | 'unresolved' | 'reset' | 'unreachable' | 'timeout' | 'tls' | 'too-large' | 'bad-request' | 'other';

export function restUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

export function restRequest(target: RestTarget, method: 'GET' | 'POST', path: string, body?: unknown, now: () => number = Date.now): Promise<RestAnswer> {
  const timeoutMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = target.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const url = restUrl(target.url, path);
  const where = hostPort(target.url);
  const started = now();
  return new Promise<RestAnswer>((resolve, reject) => {
    let settled = false;
    let req: ReturnType<typeof httpRequest> | undefined;
    let res: IncomingMessage | undefined;
    // Decoded chunk by chunk into one string: one multi-MiB Buffer.concat + toString costs several
    // times more CPU than this (measured: 2.6 MiB, ~14 ms against ~2 ms), and a poll is mostly that.
    const decoder = new StringDecoder('utf8');
    let text = '';
    let received = 0;
    let parserError: Error | undefined;
    const settle = (err: FleetError | undefined, answer?: RestAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(answer!);
    };
    const fail = (kind: TransportFailure, message: string, cause?: unknown): void => {
      settle(transportError(kind, message, where, cause));
      req?.destroy();
    };
    const cutShort = (cause?: unknown): void => {
      const expected = Number(res!.headers['content-length']);
      fail('reset', `slurmrestd at ${where} ended its answer early (${received} of ${Number.isFinite(expected) ? expected : '?'} bytes)`, cause);
    };
    const finish = (): void => {
      if (settled) return;
      const expected = Number(res!.headers['content-length']);
      const complete = Number.isFinite(expected) ? received >= expected : !parserError;
      if (!complete) {
        cutShort(parserError);
        return;
      }
      settle(undefined, { status: res!.statusCode ?? 0, body: text + decoder.end(), elapsedMs: now() - started });
    };

    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-slurm-user-name': target.user,
      'x-slurm-user-token': target.token,
      'user-agent': 'fleetops-slurm/1',
    };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const timer = setTimeout(() => fail('timeout', `no answer from slurmrestd at ${where} within ${formatTimeout(timeoutMs)}`), timeoutMs);
    try {
      const send = url.startsWith('https:') ? httpsRequest : httpRequest;
      // A fresh connection per request: a poll every few seconds gains nothing from keep-alive,
      // and a socket slurmrestd dropped between polls would report a reset instead of the truth.
      req = send(url, { method, headers, agent: false, ...(target.ca ? { ca: target.ca } : {}) }, (r) => {
        res = r;
        const declared = Number(r.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          fail('too-large', `slurmrestd at ${where} announced a ${formatBytes(declared)} answer to ${method} ${path}, more than the ${formatBytes(maxBytes)} cap`);
          return;
        }
        r.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxBytes) {
            fail('too-large', `slurmrestd's answer to ${method} ${path} passed the ${formatBytes(maxBytes)} cap; not read further`);
            return;
          }
          text += decoder.write(chunk);
        });
        r.on('end', finish);
        r.on('close', finish);
        // An aborted response is a failure only if the body is not all there (finish decides).
        r.on('error', (err) => {
          parserError = parserError ?? err;
          finish();
        });
      });
    } catch (err) {
      // Node refuses a header value holding a line break before anything is sent.
      settle(transportError('bad-request', `cannot send the request to slurmrestd at ${where}: ${(err as Error).message}`, where, err));
      return;
    }
    req.on('error', (err: Error & { code?: string }) => {
      if (res && typeof err.code === 'string' && err.code.startsWith('HPE_')) {
        // Bytes after the body (see the trap above): the response's end decides.
        parserError = err;
        return;
      }
      fail(kindOf(err), describeSocketError(err, where), err);
    });
    req.end(payload);
  });
}

function kindOf(err: Error & { code?: string }): TransportFailure {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unresolved';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return 'unreachable';
    default:
      return /certificate|SSL|TLS|self[- ]signed/i.test(`${err.code ?? ''} ${err.message}`) ? 'tls' : 'other';
  }
}

function describeSocketError(err: Error & { code?: string }, where: string): string {
  switch (kindOf(err)) {
    case 'refused':
      return `slurmrestd at ${where} refused the connection: it is not running, or listens elsewhere`;
    case 'unresolved':
      return `cannot resolve ${where.replace(/:\d+$/, '')} (${err.code})`;
    case 'reset':
      return `slurmrestd at ${where} dropped the connection`;
    case 'unreachable':
      return `cannot reach slurmrestd at ${where} (${err.code})`;
    case 'tls':
      return `TLS with slurmrestd at ${where} failed: ${err.message}`;
    default:
      return `cannot talk to slurmrestd at ${where}: ${err.message}${err.code && !err.message.includes(err.code) ? ` (${err.code})` : ''}`;
  }
}

function transportError(kind: TransportFailure, message: string, where: string, cause?: unknown): FleetError {
  const code = kind === 'timeout' ? 'PROBE_TIMEOUT' : kind === 'too-large' ? 'PARSE_FAILED' : kind === 'bad-request' ? 'BAD_REQUEST' : 'HOST_UNREACHABLE';
  return new FleetError(code, `${message}.`, { subject: where, detail: { reason: kind }, cause });
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(n >= 10 * 1024 * 1024 ? 0 : 1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}
