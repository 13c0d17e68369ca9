/** The lab traffic generator against a real HTTP server on loopback that fails, hangs up and stalls on purpose. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetError } from '../../shared/errors';
import { MAX_RATE_PER_SECOND, startTrafficGenerator, type TrafficGenerator, type TrafficOutcome } from '../../electron/core/lab/traffic-generator';
import { closedPort, waitFor } from './helpers/free-port';

/** What the test server does with its n-th request (1-based). */
type Behaviour = (n: number, req: IncomingMessage, res: ServerResponse) => void;

interface TestServer {
  url: string;
  received: number;
  answered: number;
  connections: number;
  requests: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function startServer(behaviour: Behaviour): Promise<TestServer> {
  const state: TestServer = { url: '', received: 0, answered: 0, connections: 0, requests: [], close: async () => {} };
  const server: Server = createServer((req, res) => {
    const n = ++state.received;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.on('finish', () => (state.answered += 1));
      behaviour(n, req, res);
    });
  });
  server.on('connection', () => (state.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/models`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  cleanups.push(() => state.close());
  return state;
}

const answer = (res: ServerResponse, status = 200, body = '{"object":"list"}') => res.writeHead(status, { 'content-type': 'application/json' }).end(body);

function start(opts: Parameters<typeof startTrafficGenerator>[0]): TrafficGenerator {
  const gen = startTrafficGenerator(opts);
  cleanups.push(() => gen.stop());
  return gen;
}

async function runUntilSent(gen: TrafficGenerator, n: number): Promise<void> {
  await waitFor(() => gen.stats().sent >= n, { intervalMs: 5, what: `${n} requests sent` });
  await gen.stop();
}

describe('traffic generator: counting', () => {
  it('counts every k-th 503 exactly, each request on a fresh connection', async () => {
    const server = await startServer((n, _req, res) => (n % 3 === 0 ? answer(res, 503, 'no backend') : answer(res)));
    const gen = start({ url: server.url, ratePerSecond: 100, timeoutMs: 2000 });
    await runUntilSent(gen, 30);

    const s = gen.stats();
    const failures = Math.floor(s.sent / 3);
    expect(server.received).toBe(s.sent);
    expect(s).toMatchObject({ ok: s.sent - failures, failed: failures, inFlight: 0, skipped: 0, byReason: { 'http-503': failures } });
    expect(s.successRate).toBe((s.sent - failures) / s.sent);
    expect(s.lastErrors).toHaveLength(Math.min(10, failures));
    expect(s.lastErrors[0]).toBe('http-503: HTTP 503 Service Unavailable');
    // No keep-alive: one TCP connection per request, so round robin behind a frontend is seen.
    expect(server.connections).toBe(s.sent);
    expect(server.requests.every((r) => r.headers.connection === 'close')).toBe(true);
  });

  it('counts connections closed without an answer, and answers cut off mid-body, as reset', async () => {
    const server = await startServer((n, req, res) => {
      if (n % 4 === 1) req.socket.destroy(); // hang up before answering
      else if (n % 4 === 2) {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('only part of it', () => req.socket.destroy());
      } else answer(res);
    });
    const gen = start({ url: server.url, ratePerSecond: 100, timeoutMs: 2000 });
    await runUntilSent(gen, 20);

    const s = gen.stats();
    const hangUps = Math.floor((s.sent + 3) / 4); // n = 1, 5, 9, ...
    const cutOff = Math.floor((s.sent + 2) / 4); // n = 2, 6, 10, ...
    expect(server.received).toBe(s.sent);
    expect(s).toMatchObject({ ok: s.sent - hangUps - cutOff, failed: hangUps + cutOff, byReason: { reset: hangUps + cutOff } });
    expect(s.lastErrors.some((e) => e.startsWith('reset: answer broken off') || e === 'reset: connection closed before the answer ended')).toBe(true);
    expect(s.lastErrors.some((e) => /^reset: socket hang up/.test(e))).toBe(true);
  });

  it('fails a request that does not answer within timeoutMs as timeout, at that time', async () => {
    const server = await startServer((n, _req, res) => {
      if (n % 2 === 0) answer(res); // odd requests are never answered
    });
    const outcomes: TrafficOutcome[] = [];
    const gen = start({ url: server.url, ratePerSecond: 50, timeoutMs: 200, onOutcome: (o) => outcomes.push(o) });
    await runUntilSent(gen, 10);

    const s = gen.stats();
    const timeouts = Math.ceil(s.sent / 2);
    expect(s).toMatchObject({ ok: s.sent - timeouts, failed: timeouts, byReason: { timeout: timeouts } });
    expect(s.lastErrors).toContain('timeout: no complete answer within 200 ms');
    const late = outcomes.filter((o) => o.reason === 'timeout').map((o) => o.latencyMs);
    expect(late).toHaveLength(timeouts);
    for (const ms of late) {
      expect(ms).toBeGreaterThanOrEqual(199);
      expect(ms).toBeLessThan(1000);
    }
    expect(outcomes.filter((o) => o.ok).every((o) => o.status === 200 && o.latencyMs < 200)).toBe(true);
  });

  it('counts a refused connection as refused', async () => {
    const port = await closedPort();
    const gen = start({ url: `http://127.0.0.1:${port}/`, ratePerSecond: 100, timeoutMs: 1000 });
    await runUntilSent(gen, 5);
    const s = gen.stats();
    expect(s).toMatchObject({ ok: 0, failed: s.sent, byReason: { refused: s.sent }, successRate: 0 });
    expect(s.lastErrors[0]).toMatch(/^refused: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  it('sends the configured method, path, headers and body', async () => {
    const server = await startServer((_n, _req, res) => answer(res, 201));
    const body = JSON.stringify({ model: 'llama', prompt: 'ping', max_tokens: 1 });
    const gen = start({
      url: server.url,
      ratePerSecond: 100,
      timeoutMs: 1000,
      request: { method: 'POST', path: '/v1/completions?probe=1', body, headers: { 'content-type': 'application/json', 'x-probe': 'fleetops' } },
    });
    await runUntilSent(gen, 2);
    expect(gen.stats().ok).toBe(gen.stats().sent);
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/v1/completions?probe=1', body, headers: { 'content-type': 'application/json', 'x-probe': 'fleetops', 'content-length': String(body.length) } });
  });

  it('keeps counting when onOutcome throws, and says so', async () => {
    const server = await startServer((_n, _req, res) => answer(res));
    const gen = start({
      url: server.url,
      ratePerSecond: 100,
      timeoutMs: 1000,
      onOutcome: () => {
        throw new Error('store closed');
      },
    });
    await runUntilSent(gen, 3);
    expect(gen.stats()).toMatchObject({ ok: gen.stats().sent, failed: 0, byReason: {} });
    expect(gen.stats().lastErrors).toContain('onOutcome failed: store closed');
  });
});

describe('traffic generator: schedule', () => {
  it('holds the rate: 50 requests/s for 2 s is about 100', async () => {
    const server = await startServer((_n, _req, res) => answer(res));
    const t0 = performance.now();
    const gen = start({ url: server.url, ratePerSecond: 50, timeoutMs: 1000 });
    await new Promise((resolve) => setTimeout(resolve, 2000)); // the duration is what is measured here
    const sent = gen.stats().sent;
    const elapsed = performance.now() - t0;
    await gen.stop();
    // Slots at 0, 20, 40 ms ...: floor(elapsed / 20) + 1 of them are due, whatever the timer jitter.
    expect(Math.abs(sent - (Math.floor(elapsed / 20) + 1))).toBeLessThanOrEqual(1);
    expect(sent).toBeGreaterThanOrEqual(98);
    expect(sent).toBeLessThanOrEqual(106);
    expect(gen.stats().ok).toBe(sent);
  });

  it('is open loop: requests keep starting on time while earlier ones are slow', async () => {
    const held: ServerResponse[] = [];
    const server = await startServer((_n, _req, res) => held.push(res));
    const gen = start({ url: server.url, ratePerSecond: 50, timeoutMs: 5000 });
    await waitFor(() => server.received >= 10, { intervalMs: 5, what: '10 requests at the server' });
    // A closed loop would still be waiting for its first answer.
    expect(gen.stats()).toMatchObject({ ok: 0, failed: 0 });
    expect(gen.stats().inFlight).toBeGreaterThanOrEqual(10);
    const stopped = gen.stop();
    for (const res of held) answer(res);
    await stopped;
    expect(gen.stats()).toMatchObject({ ok: server.received, inFlight: 0 });
  });

  it('stop() waits for the requests in flight and sends nothing more', async () => {
    const held: ServerResponse[] = [];
    const server = await startServer((_n, _req, res) => held.push(res));
    const gen = start({ url: server.url, ratePerSecond: 100, timeoutMs: 5000 });
    await waitFor(() => held.length >= 5, { intervalMs: 5, what: '5 requests held' });
    let resolved = false;
    const stopped = gen.stop().then(() => (resolved = true));
    const sentAtStop = gen.stats().sent;
    await waitFor(() => held.length === sentAtStop, { what: 'every sent request at the server' });
    expect(resolved).toBe(false);
    for (const res of held.slice(0, -1)) answer(res);
    await waitFor(() => gen.stats().ok === sentAtStop - 1, { what: 'all but one answered' });
    expect(resolved).toBe(false);
    answer(held[held.length - 1]);
    await stopped;
    expect(gen.stats()).toMatchObject({ sent: sentAtStop, ok: sentAtStop, inFlight: 0 });
    expect(server.received).toBe(sentAtStop);
    expect(gen.stop()).toBe(gen.stop());
  });

  it('caps requests in flight and counts the slots it could not send', async () => {
    const held: ServerResponse[] = [];
    const server = await startServer((_n, _req, res) => held.push(res));
    const gen = start({ url: server.url, ratePerSecond: 100, timeoutMs: 5000, maxInFlight: 3 });
    await waitFor(() => gen.stats().skipped >= 5, { intervalMs: 5, what: '5 skipped slots' });
    expect(gen.stats()).toMatchObject({ sent: 3, inFlight: 3, ok: 0, failed: 0 });
    const stopped = gen.stop();
    await waitFor(() => held.length === 3, { what: '3 requests at the server' });
    for (const res of held) answer(res);
    await stopped;
    expect(gen.stats()).toMatchObject({ sent: 3, ok: 3 });
  });

  it('pauses at rate 0 and resumes on setRate', async () => {
    const server = await startServer((_n, _req, res) => answer(res));
    const gen = start({ url: server.url, ratePerSecond: 0, timeoutMs: 1000 });
    expect(gen.stats()).toMatchObject({ sent: 0, ratePerSecond: 0 });
    gen.setRate(100);
    await waitFor(() => gen.stats().ok >= 5, { intervalMs: 5, what: '5 answers' });
    gen.setRate(0);
    const sentWhenPaused = gen.stats().sent;
    await waitFor(() => gen.stats().inFlight === 0, { intervalMs: 5, what: 'in-flight requests done' });
    // One more resumed burst proves the schedule restarts at once after a pause.
    gen.setRate(100);
    expect(gen.stats().sent).toBe(sentWhenPaused + 1);
    await gen.stop();
    expect(() => gen.setRate(10)).toThrow(/stopped/);
  });
});

describe('traffic generator: options', () => {
  const expectBadRequest = (fn: () => unknown, message: RegExp) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(FleetError);
      expect((err as FleetError).code).toBe('BAD_REQUEST');
      expect((err as FleetError).message).toMatch(message);
      return;
    }
    throw new Error('expected a FleetError');
  };

  it('refuses what it cannot do', async () => {
    const url = 'http://127.0.0.1:1/';
    expectBadRequest(() => startTrafficGenerator({ url: 'not a url', ratePerSecond: 1, timeoutMs: 100 }), /is not a URL/);
    expectBadRequest(() => startTrafficGenerator({ url: 'ftp://127.0.0.1/', ratePerSecond: 1, timeoutMs: 100 }), /must be http or https, got ftp:/);
    expectBadRequest(() => startTrafficGenerator({ url, ratePerSecond: MAX_RATE_PER_SECOND + 1, timeoutMs: 100 }), /between 0 and 200 requests per second, got 201/);
    expectBadRequest(() => startTrafficGenerator({ url, ratePerSecond: -1, timeoutMs: 100 }), /got -1/);
    expectBadRequest(() => startTrafficGenerator({ url, ratePerSecond: 1, timeoutMs: 0 }), /timeoutMs must be a positive number/);
    expectBadRequest(() => startTrafficGenerator({ url, ratePerSecond: 1, timeoutMs: 100, maxInFlight: 0 }), /maxInFlight must be a positive integer/);
    expectBadRequest(() => startTrafficGenerator({ url, ratePerSecond: 1, timeoutMs: 100, request: { method: 'GET /' } }), /not an HTTP method: GET \//);
    expectBadRequest(() => startTrafficGenerator({ url, ratePerSecond: 1, timeoutMs: 100, request: { path: 'v1/models' } }), /path must start with \//);
    expectBadRequest(() => startTrafficGenerator({ url, ratePerSecond: 1, timeoutMs: 100, request: { path: '/a b' } }), /no spaces/);
    expectBadRequest(() => startTrafficGenerator({ url, ratePerSecond: 1, timeoutMs: 100, request: { headers: { 'x-a': 'line\nbreak' } } }), /header "x-a" is invalid/);
    expectBadRequest(() => startTrafficGenerator({ url, ratePerSecond: 1, timeoutMs: 100, request: { headers: { 'bad name': 'v' } } }), /header "bad name" is invalid/);
    const gen = start({ url, ratePerSecond: 0, timeoutMs: 100 });
    expectBadRequest(() => gen.setRate(Number.NaN), /got NaN/);
  });
});
