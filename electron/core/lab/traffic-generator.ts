/**
 * A steady stream of requests through a frontend (a load balancer), counting what failed and why:
 * the lab's way to measure what an outage, a drain or a failover costs the people calling the
 * service.
 *
 * Open loop: request k starts at start + k / rate whatever happened to the earlier ones, because a
 * closed loop (send the next when the previous answered) slows down exactly when the service does
 * and so under-counts the failures of a slow outage ("coordinated omission"). In-flight requests
 * are capped; a slot that finds the cap reached is not sent and is counted as `skipped`.
 *
 * Every request opens its own connection (`agent: false`): with keep-alive the generator would
 * stay pinned to the one backend its connection landed on, and a round-robin frontend would never
 * show what its other backends do.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { performance } from 'node:perf_hooks';
import { FleetError } from '../../../shared/errors';

export interface TrafficRequest {
  /** Default GET. */
  method?: string;
  /** Path and query; default the URL's. */
  path?: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface TrafficOutcome {
  /** When the request was sent (wall clock, ms since the epoch). */
  at: number;
  ok: boolean;
  /** From send to the end of the answer, or to the failure. */
  latencyMs: number;
  /** The HTTP status, when an answer came. */
  status?: number;
  /** Why it failed: `http-503`, `timeout`, `refused`, `reset`, `dns`, or the socket error's code. */
  reason?: string;
  /** What failed, in words. */
  error?: string;
}

export interface TrafficGeneratorOptions {
  /** The frontend, e.g. http://127.0.0.1:8080/v1/models. */
  url: string;
  /** 0 pauses; at most MAX_RATE_PER_SECOND. */
  ratePerSecond: number;
  /** A request that has not fully answered within this fails as `timeout`. */
  timeoutMs: number;
  request?: TrafficRequest;
  /** Default DEFAULT_MAX_IN_FLIGHT. */
  maxInFlight?: number;
  /** Called once per finished request (e.g. to feed the request log). */
  onOutcome?: (o: TrafficOutcome) => void;
  /** Called with the wall-clock time of each slot not sent because maxInFlight requests were outstanding. */
  onSkipped?: (at: number) => void;
  /** Wall clock for `TrafficOutcome.at`. */
  clock?: () => number;
}

export interface TrafficStats {
  ratePerSecond: number;
  sent: number;
  ok: number;
  failed: number;
  inFlight: number;
  /** Scheduled requests not sent because maxInFlight requests were outstanding. */
  skipped: number;
  /** Failed requests by reason. */
  byReason: Record<string, number>;
  /** ok / (ok + failed); null before anything finished. */
  successRate: number | null;
  /** The last LAST_ERRORS_KEPT failures, oldest first, as `reason: message`. */
  lastErrors: string[];
}

export interface TrafficGenerator {
  stats(): TrafficStats;
  /** Changes the rate; the new schedule starts now. */
  setRate(ratePerSecond: number): void;
  /** Stops sending and resolves once every request in flight has finished (each within timeoutMs). */
  stop(): Promise<void>;
}

/**
 * Every request is a new TCP connection, and the side that closes first keeps the socket in
 * TIME_WAIT for about a minute: 200/s leaves ~12,000 of them, well inside Linux's ~28,000
 * ephemeral ports. Far more would exhaust the ports and fail for reasons of the generator's own.
 */
export const MAX_RATE_PER_SECOND = 200;
export const DEFAULT_MAX_IN_FLIGHT = 256;
export const LAST_ERRORS_KEPT = 10;

export function startTrafficGenerator(opts: TrafficGeneratorOptions): TrafficGenerator {
  const target = parseTarget(opts.url);
  checkRate(opts.ratePerSecond);
  if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) throw new FleetError('BAD_REQUEST', `timeoutMs must be a positive number, got ${String(opts.timeoutMs)}`);
  const maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1) throw new FleetError('BAD_REQUEST', `maxInFlight must be a positive integer, got ${String(maxInFlight)}`);
  const clock = opts.clock ?? Date.now;
  const send = target.protocol === 'https:' ? https.request : http.request;
  const requestOptions: http.RequestOptions = {
    protocol: target.protocol,
    hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: target.port === '' ? undefined : Number(target.port),
    method: opts.request?.method ?? 'GET',
    path: opts.request?.path ?? `${target.pathname}${target.search}`,
    headers: opts.request?.headers,
    agent: false,
  };
  const body = opts.request?.body;
  checkRequest(requestOptions);

  const counts = { sent: 0, ok: 0, failed: 0, inFlight: 0, skipped: 0 };
  const byReason: Record<string, number> = {};
  const lastErrors: string[] = [];
  let rate = opts.ratePerSecond;
  let anchor = performance.now();
  let slot = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  let idle: (() => void) | undefined;

  const noteError = (text: string): void => {
    lastErrors.push(text);
    if (lastErrors.length > LAST_ERRORS_KEPT) lastErrors.shift();
  };

  const finished = (o: TrafficOutcome): void => {
    counts.inFlight -= 1;
    if (o.ok) counts.ok += 1;
    else {
      counts.failed += 1;
      const reason = o.reason ?? 'error';
      byReason[reason] = (byReason[reason] ?? 0) + 1;
      noteError(`${reason}: ${o.error ?? ''}`);
    }
    try {
      opts.onOutcome?.(o);
    } catch (err) {
      // The consumer's failure is not the service's: keep it visible without counting it.
      noteError(`onOutcome failed: ${(err as Error).message}`);
    }
    if (counts.inFlight === 0) idle?.();
  };

  const launch = (): void => {
    counts.sent += 1;
    counts.inFlight += 1;
    sendOne(send, requestOptions, body, opts.timeoutMs, clock, finished);
  };

  const tick = (): void => {
    timer = undefined;
    if (stopping || rate === 0) return;
    const interval = 1000 / rate;
    const now = performance.now();
    // Every slot that is due is started now, even if the timer fired late: the count follows the schedule.
    while (anchor + slot * interval <= now) {
      if (counts.inFlight < maxInFlight) launch();
      else {
        counts.skipped += 1;
        opts.onSkipped?.(clock());
      }
      slot += 1;
    }
    timer = setTimeout(tick, Math.max(0, Math.ceil(anchor + slot * interval - performance.now())));
  };

  tick();

  return {
    stats: () => ({
      ratePerSecond: rate,
      ...counts,
      byReason: { ...byReason },
      successRate: counts.ok + counts.failed === 0 ? null : counts.ok / (counts.ok + counts.failed),
      lastErrors: [...lastErrors],
    }),
    setRate(r) {
      checkRate(r);
      if (stopping) throw new FleetError('BAD_REQUEST', 'the traffic generator is stopped');
      rate = r;
      anchor = performance.now();
      slot = 0;
      if (timer !== undefined) clearTimeout(timer);
      tick();
    },
    stop() {
      if (!stopping) {
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        stopping = counts.inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (idle = resolve));
      }
      return stopping;
    },
  };
}

type Send = typeof http.request;

/** One request on its own connection; `done` is called exactly once, whatever happens. */
function sendOne(send: Send, options: http.RequestOptions, body: string | undefined, timeoutMs: number, clock: () => number, done: (o: TrafficOutcome) => void): void {
  const at = clock();
  const t0 = performance.now();
  let settled = false;
  const settle: Settle = (o) => {
    if (settled) return;
    settled = true;
    clearTimeout(deadline);
    done({ at, latencyMs: performance.now() - t0, ...o });
  };

  let req: http.ClientRequest | undefined;
  const deadline = setTimeout(() => {
    settle({ ok: false, reason: 'timeout', error: `no complete answer within ${timeoutMs} ms` });
    req?.destroy();
  }, timeoutMs);
  try {
    req = send(options, (res) => watchResponse(res, settle));
  } catch (err) {
    // Options were checked at start; whatever Node still refuses is counted, not thrown into a timer.
    settle({ ok: false, reason: 'request-refused', error: (err as Error).message });
    return;
  }
  req.on('error', (err) => settle({ ok: false, reason: reasonOf(err), error: err.message }));
  req.end(body);
}

type Settle = (o: Omit<TrafficOutcome, 'at' | 'latencyMs'>) => void;

/** A request succeeds when a 2xx answer arrives whole; the body itself is not needed. */
function watchResponse(res: http.IncomingMessage, settle: Settle): void {
  const status = res.statusCode ?? 0;
  res.on('end', () => {
    if (status >= 200 && status < 300) settle({ ok: true, status });
    else settle({ ok: false, status, reason: `http-${status}`, error: `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}` });
  });
  res.on('error', (err) => settle({ ok: false, status, reason: reasonOf(err), error: `answer broken off: ${err.message}` }));
  res.on('close', () => {
    if (!res.complete) settle({ ok: false, status, reason: 'reset', error: 'connection closed before the answer ended' });
  });
  res.resume();
}

function reasonOf(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns';
    default:
      return code ? code.toLowerCase() : 'error';
  }
}

function parseTarget(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new FleetError('BAD_REQUEST', `traffic generator URL is not a URL: ${String(url)}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new FleetError('BAD_REQUEST', `traffic generator URL must be http or https, got ${target.protocol}`);
  }
  return target;
}

/** Refuses at start what Node would refuse on every request. */
function checkRequest(options: http.RequestOptions): void {
  if (typeof options.method !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(options.method)) {
    throw new FleetError('BAD_REQUEST', `traffic generator method is not an HTTP method: ${String(options.method)}`);
  }
  if (typeof options.path !== 'string' || !options.path.startsWith('/') || /[\u0000-\u0020\u007f]/.test(options.path)) {
    throw new FleetError('BAD_REQUEST', `traffic generator path must start with / and contain no spaces or control characters: ${JSON.stringify(options.path)}`);
  }
  for (const [name, value] of Object.entries((options.headers ?? {}) as Record<string, string>)) {
    try {
      http.validateHeaderName(name);
      http.validateHeaderValue(name, value);
    } catch (err) {
      throw new FleetError('BAD_REQUEST', `traffic generator header ${JSON.stringify(name)} is invalid: ${(err as Error).message}`);
    }
  }
}

function checkRate(r: number): void {
  if (typeof r !== 'number' || !Number.isFinite(r) || r < 0 || r > MAX_RATE_PER_SECOND) {
    throw new FleetError('BAD_REQUEST', `rate must be between 0 and ${MAX_RATE_PER_SECOND} requests per second, got ${String(r)}`);
  }
}
