import { Agent, get, request } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLabReplica, type LabReplica, type LabReplicaOptions } from '../../../electron/core/lab/lab-replica';

let started: LabReplica[] = [];
afterEach(async () => {
  const all = started;
  started = [];
  // Settled, not all: stop() is under test below, and one that rejects must not leak the rest.
  await Promise.allSettled(all.map((r) => r.stop()));
});

async function replica(opts: Partial<LabReplicaOptions> = {}): Promise<LabReplica> {
  const r = await startLabReplica({ name: 'lab-replica-0', model: 'meta-llama/Llama-3.1-8B-Instruct', ...opts });
  started.push(r);
  return r;
}

/** 'open' when something accepts a TCP connection on the port, else the socket error code. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve('open');
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** Status of GET /health on a fresh connection (or one from `agent`); rejects with the socket error. */
function health(url: string, agent: Agent | false = false): Promise<number> {
  return new Promise((resolve, reject) => {
    get(`${url}/health`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

/** Settles a request into a value a test can compare: its status, or its socket error code. */
function outcome(p: Promise<number>): Promise<{ status: number } | { error: string }> {
  return p.then(
    (status) => ({ status }),
    (err: NodeJS.ErrnoException) => ({ error: err.code ?? err.message }),
  );
}

/** Polls `check` until it holds; fails after `deadlineMs` naming what it waited for. */
async function waitUntil(check: () => boolean | Promise<boolean>, what: string, deadlineMs = 3000): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`still waiting after ${deadlineMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const answersHealth = (r: LabReplica) => () => outcome(health(r.url)).then((o) => 'status' in o && o.status === 200);

describe('a replica whose service starts stopped', () => {
  it('has its own port, and refuses connections on it', async () => {
    const r = await replica({ serviceActive: false });
    expect(r.serviceActive()).toBe(false);
    expect(r.port).toBeGreaterThan(0);
    expect(r.url).toBe(`http://127.0.0.1:${r.port}`);
    expect(await connectOutcome(r.port)).toBe('ECONNREFUSED');
  });

  it('without a start delay, listens on the same port as soon as the start resolves', async () => {
    const r = await replica({ serviceActive: false });
    await r.setServiceActive(true);
    expect(r.serviceActive()).toBe(true);
    expect(await health(r.url)).toBe(200);
  });

  it('with startDelayMs, is active at once but listens only once the delay has passed, on the same port', async () => {
    const r = await replica({ serviceActive: false, startDelayMs: 300 });
    const port = r.port;
    const t0 = performance.now();
    await r.setServiceActive(true);
    expect(r.serviceActive()).toBe(true);
    expect(await connectOutcome(port)).toBe('ECONNREFUSED');
    await waitUntil(answersHealth(r), '/health to answer 200');
    // Timers never fire early: opening before the delay means the delay was not applied.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(295);
    expect(r.port).toBe(port);
    expect(await connectOutcome(port)).toBe('open');
  });
});

describe('stopping the service', () => {
  it('resolves once the port is closed', async () => {
    const r = await replica();
    expect(await health(r.url)).toBe(200);
    await r.setServiceActive(false);
    expect(r.serviceActive()).toBe(false);
    expect(await connectOutcome(r.port)).toBe('ECONNREFUSED');
  });

  it('answers a request in flight before it returns, and refuses new connections meanwhile (graceful)', async () => {
    const r = await replica();
    await r.setFault('slow', { slowMs: 400 });
    const t0 = performance.now();
    const inFlight = outcome(health(r.url));
    await waitUntil(() => r.requests().length === 1, 'the request to reach the replica');
    let stopped = false;
    const stopping = r.setServiceActive(false).then(() => {
      stopped = true;
    });
    await waitUntil(async () => (await connectOutcome(r.port)) === 'ECONNREFUSED', 'the listener to close');
    expect(stopped).toBe(false);
    await stopping;
    expect(await inFlight).toEqual({ status: 200 });
    // The stop waited for the held answer rather than dropping it.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(395);
  });

  // Answers sent while stopping say `Connection: close`: a keep-alive client (HAProxy) does not hold the stop.
  it('a graceful stop does not wait for a keep-alive client to hang up', async () => {
    const r = await replica();
    const agent = new Agent({ keepAlive: true });
    try {
      expect(await health(r.url, agent)).toBe(200); // a warm keep-alive connection, as a balancer holds
      await r.setFault('slow', { slowMs: 200 });
      const inFlight = outcome(health(r.url, agent));
      await waitUntil(() => r.requests().length === 2, 'the request to reach the replica');
      const t0 = performance.now();
      const stopped = await Promise.race([r.setServiceActive(false).then(() => true), new Promise<false>((res) => setTimeout(() => res(false), 1500))]);
      expect(await inFlight).toEqual({ status: 200 });
      expect(stopped, `stop still waiting after ${Math.round(performance.now() - t0)} ms`).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it("setFault('down') cuts a request in flight instead (a crash, not a stop)", async () => {
    const r = await replica();
    await r.setFault('slow', { slowMs: 400 });
    const inFlight = outcome(health(r.url));
    await waitUntil(() => r.requests().length === 1, 'the request to reach the replica');
    await r.setFault('down');
    expect(await inFlight).toEqual({ error: 'ECONNRESET' });
    expect(await connectOutcome(r.port)).toBe('ECONNREFUSED');
    expect(r.serviceActive()).toBe(true);
  });
});

describe('service state and faults together', () => {
  it("clearing fault 'down' while the service is stopped leaves the port closed; starting it opens it", async () => {
    const r = await replica();
    await r.setFault('down');
    await r.setServiceActive(false);
    await r.setFault(null);
    expect(await connectOutcome(r.port)).toBe('ECONNREFUSED');
    await r.setServiceActive(true);
    expect(await health(r.url)).toBe(200);
  });

  it("a service started while fault 'down' stands stays closed until the fault is cleared", async () => {
    const r = await replica({ serviceActive: false });
    await r.setFault('down');
    await r.setServiceActive(true);
    expect(r.serviceActive()).toBe(true);
    expect(await connectOutcome(r.port)).toBe('ECONNREFUSED');
    await r.setFault(null);
    expect(await health(r.url)).toBe(200);
  });

  it('a stop during the start delay wins: the port stays closed after the delay', async () => {
    const r = await replica({ serviceActive: false, startDelayMs: 300 });
    // Started just after r with the same delay: once it listens, r's delay has passed too.
    const witness = await replica({ serviceActive: false, startDelayMs: 300 });
    await r.setServiceActive(true);
    await witness.setServiceActive(true);
    await r.setServiceActive(false);
    expect(r.serviceActive()).toBe(false);
    await waitUntil(answersHealth(witness), 'the witness replica to listen');
    expect(await connectOutcome(r.port)).toBe('ECONNREFUSED');
  });

  it('a start after a stop during the delay waits its own full delay (the first one is cancelled)', async () => {
    const r = await replica({ serviceActive: false, startDelayMs: 300 });
    await r.setServiceActive(true);
    await r.setServiceActive(false);
    // Part of the scenario, not synchronisation: the second start comes 150 ms after the first.
    await new Promise((res) => setTimeout(res, 150));
    const t1 = performance.now();
    await r.setServiceActive(true);
    await waitUntil(answersHealth(r), '/health to answer 200');
    expect(performance.now() - t1).toBeGreaterThanOrEqual(295);
  });

  // One failed listen (the port taken meanwhile) fails that call alone; a delayed start's failure is not an unhandled rejection.
  it('a start that finds its port taken fails alone; the replica starts once the port is free', async () => {
    const r = await replica({ serviceActive: false });
    const squatter: Server = createServer();
    await new Promise<void>((res) => squatter.listen(r.port, '127.0.0.1', () => res()));
    try {
      await expect(r.setServiceActive(true)).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise<void>((res) => squatter.close(() => res()));
    }
    await r.setServiceActive(false);
    await r.setServiceActive(true);
    expect(await health(r.url)).toBe(200);
  });
});

describe('stop()', () => {
  it('closes a listening replica', async () => {
    const r = await replica();
    await r.stop();
    expect(await connectOutcome(r.port)).toBe('ECONNREFUSED');
  });

  it('cuts a held request rather than waiting for it', async () => {
    const r = await replica();
    await r.setFault('slow', { slowMs: 10_000 });
    const inFlight = outcome(health(r.url));
    await waitUntil(() => r.requests().length === 1, 'the request to reach the replica');
    await r.stop();
    expect(await inFlight).toEqual({ error: 'ECONNRESET' });
    expect(await connectOutcome(r.port)).toBe('ECONNREFUSED');
  });

  it('cancels a pending start: the port stays closed after the delay', async () => {
    const r = await replica({ serviceActive: false, startDelayMs: 300 });
    const witness = await replica({ serviceActive: false, startDelayMs: 300 });
    await r.setServiceActive(true);
    await witness.setServiceActive(true);
    await r.stop();
    await waitUntil(answersHealth(witness), 'the witness replica to listen');
    expect(await connectOutcome(r.port)).toBe('ECONNREFUSED');
  });

  it('is final: a late fault change does not reopen the port', async () => {
    const r = await replica();
    await r.setFault('down');
    await r.stop();
    expect(r.serviceActive()).toBe(false);
    await r.setFault(null);
    expect(await connectOutcome(r.port)).toBe('ECONNREFUSED');
  });

  it("resolves with the service stopped or fault 'down', and twice", async () => {
    const stopped = await replica({ serviceActive: false });
    await stopped.stop();
    const down = await replica();
    await down.setFault('down');
    await down.stop();
    await down.stop();
    expect(await connectOutcome(down.port)).toBe('ECONNREFUSED');
  });
});

describe('generation time (generationMs)', () => {
  /** POSTs a chat completion; resolves with its status and how long it took, or the socket error. */
  function complete(url: string): Promise<{ status: number; ms: number } | { error: string }> {
    const started = performance.now();
    const body = JSON.stringify({ model: 'meta-llama/Llama-3.1-8B-Instruct', messages: [{ role: 'user', content: 'Respond with OK' }], max_tokens: 2 });
    return new Promise((resolve) => {
      const req = request(`${url}/v1/chat/completions`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
        res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
      });
      req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
      req.end(body);
    });
  }

  it('holds each completion generationMs; the health check answers at once', async () => {
    const r = await replica({ generationMs: 250 });
    const started = performance.now();
    expect(await health(r.url)).toBe(200);
    expect(performance.now() - started).toBeLessThan(200);
    const c = await complete(r.url);
    expect(c).toMatchObject({ status: 200 });
    expect((c as { ms: number }).ms).toBeGreaterThanOrEqual(240);
  });

  it('a crash cuts the completions being generated; a graceful stop answers them', async () => {
    const crashed = await replica({ generationMs: 400 });
    const cut = complete(crashed.url);
    await waitUntil(() => crashed.requests().some((q) => q.path === '/v1/chat/completions'), 'the completion to arrive');
    await crashed.setFault('down');
    expect(await cut).toHaveProperty('error');

    const stopped = await replica({ generationMs: 400 });
    const finished = complete(stopped.url);
    await waitUntil(() => stopped.requests().some((q) => q.path === '/v1/chat/completions'), 'the completion to arrive');
    await stopped.setServiceActive(false);
    expect(await finished).toMatchObject({ status: 200 });
  });
});

describe('stop() while its service is stopping', () => {
  it('does not wait out the graceful stop of a busy connection', async () => {
    const r = await replica({ generationMs: 10_000 });
    const body = JSON.stringify({ model: 'meta-llama/Llama-3.1-8B-Instruct', messages: [{ role: 'user', content: 'Respond with OK' }], max_tokens: 2 });
    const req = request(`${r.url}/v1/chat/completions`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } });
    req.on('error', () => undefined);
    req.end(body);
    await waitUntil(() => r.requests().some((q) => q.path === '/v1/chat/completions'), 'the completion to arrive');
    const stopping = r.setServiceActive(false);
    const started = performance.now();
    await r.stop();
    await stopping;
    // The graceful stop alone would hold until GRACEFUL_STOP_MS (5 s) cut the generating connection.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('graceful stop cut-off (gracefulStopMs)', () => {
  it('cuts a request still in flight when the stop has waited long enough', async () => {
    const r = await replica({ generationMs: 10_000, gracefulStopMs: 300 });
    const body = JSON.stringify({ model: 'meta-llama/Llama-3.1-8B-Instruct', messages: [{ role: 'user', content: 'Respond with OK' }], max_tokens: 2 });
    const answered = new Promise<string>((resolve) => {
      const req = request(`${r.url}/v1/chat/completions`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(`status ${res.statusCode}`));
      });
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      req.end(body);
    });
    await waitUntil(() => r.requests().some((q) => q.path === '/v1/chat/completions'), 'the completion to arrive');
    const started = performance.now();
    await r.setServiceActive(false);
    // Without the cut the stop would wait for the 10 s generation.
    expect(performance.now() - started).toBeLessThan(3000);
    expect(await answered).toBe('ECONNRESET');
  });
});
