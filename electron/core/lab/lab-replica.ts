/**
 * A lab inference replica: a real OpenAI-compatible HTTP server on 127.0.0.1 (port from the OS)
 * whose faults are switched at run time, so replica probes are tested against real sockets.
 *
 * Routes: `GET /health`, `GET /v1/models`, `POST /v1/chat/completions`, the Azure OpenAI form
 * `POST /openai/deployments/{model}/chat/completions?api-version=…`, and `GET /metrics`.
 * With `apiKey`, `/v1/*` wants `Authorization: Bearer <key>` and `/openai/*` wants `api-key`;
 * a wrong key is quoted back in the 401 body, as OpenAI's API does (masked there), so tests
 * prove the console never repeats what a server echoes.
 *
 * Faults (one at a time; `/metrics` is exempt from all but `down`):
 * - `down`: the listener closes and open connections are destroyed (connection refused);
 *   clearing listens again on the same port;
 * - `slow`: every response is held back `slowMs` (default 3000);
 * - `rate-limit`: every request gets 429 with `Retry-After: retryAfterSeconds` (default 30);
 * - `http-500`: every request gets 500;
 * - `wrong-answer`: completions answer something else, `/health` stays 200;
 * - `model-load-failed`: the server is up but its weights did not load (vLLM's engine failing at
 *   start-up, CUDA out of memory): `/health` and completions answer 503 with a JSON error that
 *   says so, and `/v1/models` lists no model. A warm spare out of rotation breaks this way unseen
 *   unless its own probes run: HAProxy's checks would catch it, but it is in maintenance.
 *
 * Besides faults, the replica is a service a node's init system starts and stops (the lab's
 * `systemctl`, see lab-units.ts): stopped, nothing listens on its port; started, it listens
 * again after `startDelayMs`, as vLLM does once the weights are loaded, so a runbook that starts
 * a spare has something real to wait for.
 *
 * Its process can also be frozen (SIGSTOP through the lab's `kill`, see lab-units.ts): the port
 * stays open and connections are still accepted (the kernel does that for a stopped process), but
 * nothing is read or answered until it is thawed (SIGCONT), when everything held is served in
 * order. Clients and HAProxy's checks see timeouts, not refusals: a hung server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { FleetError } from '../../../shared/errors';
import { chatCompletion, modelList, openAiError, type LabAnswer } from './lab-replica-answers';
import { LabReplicaMetrics } from './lab-replica-metrics';

export type LabReplicaFault = 'down' | 'slow' | 'rate-limit' | 'http-500' | 'wrong-answer' | 'model-load-failed';
export const LAB_REPLICA_FAULTS: readonly LabReplicaFault[] = ['down', 'slow', 'rate-limit', 'http-500', 'wrong-answer', 'model-load-failed'];

export interface LabReplicaFaultOptions {
  retryAfterSeconds?: number;
  slowMs?: number;
}

export interface LabReplicaRequest {
  method: string;
  /** Path with query string, as received. */
  path: string;
  /** Epoch ms of arrival. */
  at: number;
  /** Lower-case names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface LabReplicaOptions {
  name: string;
  model: string;
  /** When set, API routes require this key. */
  apiKey?: string;
  host?: string;
  now?: () => number;
  /** Whether its service runs at start (default true); a stopped spare starts with false. */
  serviceActive?: boolean;
  /** How long a started service takes before it listens (default 0). */
  startDelayMs?: number;
  /**
   * How long a chat completion takes to generate (default 0). With it, requests are in flight for
   * a while, as real completions are: what a crash cuts and a drain lets finish.
   */
  generationMs?: number;
  /** How long a service stop waits for requests in flight before cutting them (default 5000 ms, like a unit's stop timeout). */
  gracefulStopMs?: number;
}

export interface LabReplica {
  readonly url: string;
  readonly port: number;
  readonly name: string;
  readonly model: string;
  readonly metrics: LabReplicaMetrics;
  /** Resolves once the fault is in effect (for `down`: the port is closed; cleared: listening again). */
  setFault(fault: LabReplicaFault | null, opts?: LabReplicaFaultOptions): Promise<void>;
  fault(): LabReplicaFault | null;
  /**
   * Starts or stops its service. Starting resolves at once (the unit is active; the port opens
   * after `startDelayMs`); stopping resolves once the port is closed and in-flight requests have
   * been answered, as `systemctl stop` returns after the process exits.
   */
  setServiceActive(active: boolean): Promise<void>;
  serviceActive(): boolean;
  /** SIGSTOP (true) / SIGCONT (false): frozen, requests are held unanswered; thawed, they are served. Stopping the service thaws it first, as systemd does. */
  setFrozen(frozen: boolean): void;
  frozen(): boolean;
  /** Every request that reached the server, oldest first (the newest 10,000). */
  requests(): LabReplicaRequest[];
  stop(): Promise<void>;
}

const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_LOGGED_REQUESTS = 10_000;
const DEFAULT_RETRY_AFTER_SECONDS = 30;
const DEFAULT_SLOW_MS = 3_000;
const DEFAULT_GRACEFUL_STOP_MS = 5_000;

const AZURE_ROUTE = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

interface Reply {
  /** Route template for the metrics: label values stay few whatever paths clients send. */
  route: string;
  answer: LabAnswer;
  /** A non-JSON body (metrics, the empty /health). */
  raw?: string;
  headers?: Record<string, string>;
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_REQUEST_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as { port: number }).port);
    });
  });
}

export async function startLabReplica(opts: LabReplicaOptions): Promise<LabReplica> {
  const host = opts.host ?? '127.0.0.1';
  const now = opts.now ?? Date.now;
  const metrics = new LabReplicaMetrics();
  const log: LabReplicaRequest[] = [];
  const held = new Set<NodeJS.Timeout>();
  let fault: LabReplicaFault | null = null;
  let retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS;
  let slowMs = DEFAULT_SLOW_MS;
  let sequence = 0;
  let listening = false;
  let active = opts.serviceActive ?? true;
  let starting: NodeJS.Timeout | null = null;
  let frozen = false;
  /** What a frozen process would do next, in order: reading a new request, sending a reply. */
  let parked: Array<() => void> = [];
  const whenRunning = (work: () => void) => (frozen ? parked.push(work) : work());
  function setFrozen(next: boolean): void {
    frozen = next;
    if (next) return;
    const resumed = parked;
    parked = [];
    for (const work of resumed) work();
  }
  /** Serialises listen/close so a start racing a stop or a fault ends in the state last asked for. */
  let settling: Promise<void> = Promise.resolve();

  function authorised(req: IncomingMessage, azure: boolean): string | true {
    if (opts.apiKey === undefined) return true;
    const given = azure ? req.headers['api-key'] : req.headers.authorization?.replace(/^Bearer /, '');
    return given === opts.apiKey ? true : String(given ?? '');
  }

  function answer(req: IncomingMessage, url: URL, body: string): Reply {
    const path = url.pathname;
    const route = routeOf(path);
    if (route === '/metrics' && req.method === 'GET') return { route, answer: { status: 200, body: null }, raw: metrics.render() };
    if (fault === 'rate-limit') {
      const e = openAiError(429, 'Rate limit reached for requests. Please try again later.', 'requests', 'rate_limit_exceeded');
      return { route, answer: e, headers: { 'retry-after': String(retryAfterSeconds) } };
    }
    if (fault === 'http-500') return { route, answer: openAiError(500, 'The server had an error while processing your request.', 'server_error') };
    const noModel = fault === 'model-load-failed' ? modelLoadFailed(opts.model) : null;
    if (route === '/health' && req.method === 'GET') return noModel ? { route, answer: noModel } : { route, answer: { status: 200, body: null }, raw: '' };

    const azure = AZURE_ROUTE.exec(path);
    if (!azure && !path.startsWith('/v1/')) return { route, answer: openAiError(404, `no route ${req.method} ${path}`, 'not_found') };
    const key = authorised(req, azure !== null);
    if (key !== true) {
      return { route, answer: openAiError(401, `Incorrect API key provided: ${key}. You can find your API key in the lab.`, 'invalid_request_error', 'invalid_api_key') };
    }
    if (route === '/v1/models' && req.method === 'GET') return { route, answer: noModel ? { status: 200, body: { object: 'list', data: [] } } : modelList(opts.model, Math.floor(now() / 1000)) };
    const completion = req.method === 'POST' && (azure !== null || route === '/v1/chat/completions');
    if (!completion) return { route, answer: openAiError(404, `no route ${req.method} ${path}`, 'not_found') };
    if (azure) {
      // Azure answers an absent api-version, or a deployment it does not have, with 404.
      if (!url.searchParams.get('api-version')) return { route, answer: openAiError(404, 'Resource not found', 'not_found', '404') };
      if (decodeURIComponent(azure[1]) !== opts.model) {
        return { route, answer: openAiError(404, 'The API deployment for this resource does not exist.', 'not_found', 'DeploymentNotFound') };
      }
    }
    if (noModel) return { route, answer: noModel };
    sequence++;
    const result = chatCompletion(body, {
      replica: opts.name,
      model: opts.model,
      requireModelInBody: azure === null,
      wrongAnswer: fault === 'wrong-answer',
      sequence,
      createdSec: Math.floor(now() / 1000),
    });
    return { route, answer: result };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://lab');
    const body = await readBody(req);
    log.push({ method: req.method ?? '', path: req.url ?? '/', at: now(), headers: { ...req.headers }, body: body ?? '' });
    if (log.length > MAX_LOGGED_REQUESTS) log.splice(0, log.length - MAX_LOGGED_REQUESTS);

    const reply: Reply =
      body === null
        ? { route: routeOf(url.pathname), answer: openAiError(413, 'Request body too large.', 'invalid_request_error') }
        : answer(req, url, body);
    const send = () => {
      if (res.destroyed || res.writableEnded) return;
      if (frozen) return void parked.push(send);
      const { status } = reply.answer;
      if (reply.answer.usage) metrics.countTokens(reply.answer.usage.prompt, reply.answer.usage.generation);
      res.once('finish', () => metrics.observe(reply.route, status, (performance.now() - started) / 1000));
      const text = reply.raw ?? JSON.stringify(reply.answer.body);
      const type = reply.route === '/metrics' ? 'text/plain; version=0.0.4' : reply.raw !== undefined ? 'text/plain' : 'application/json';
      // While stopping, tell keep-alive clients (HAProxy) to hang up, so the stop does not wait for them.
      res.writeHead(status, { 'content-type': type, ...reply.headers, ...(listening ? {} : { connection: 'close' }) });
      res.end(text);
    };
    const generating = reply.answer.usage !== undefined ? (opts.generationMs ?? 0) : 0;
    const delay = (fault === 'slow' && reply.route !== '/metrics' ? slowMs : 0) + generating;
    if (delay > 0) {
      const t = setTimeout(() => {
        held.delete(t);
        send();
      }, delay);
      held.add(t);
    } else {
      send();
    }
  }

  const server = createServer((req, res) => {
    whenRunning(() => {
      void handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  });
  // The port is the OS's choice and stays the replica's for its life (the inventory and HAProxy
  // name it), so even a replica whose service starts stopped binds it once, then closes.
  const port = await listen(server, 0, host);
  listening = true;

  /** `graceful`: answer what is in flight first (a service stopping); otherwise drop it (a crash). */
  async function close(graceful = false): Promise<void> {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    if (graceful) {
      server.closeIdleConnections();
      // A busy keep-alive socket closes after its response; one that lingers is cut, as systemd's
      // stop timeout would kill a server that does not exit.
      const cut = setTimeout(() => server.closeAllConnections(), opts.gracefulStopMs ?? DEFAULT_GRACEFUL_STOP_MS);
      cut.unref();
      void closed.then(() => clearTimeout(cut));
    } else {
      server.closeAllConnections();
    }
    await closed;
  }

  /** Brings the listener to what the service state and the fault want. */
  function settle(): Promise<void> {
    const step = settling.then(async () => {
      const want = active && starting === null && fault !== 'down';
      if (want && !listening) {
        await listen(server, port, host);
        listening = true;
      } else if (!want && listening) {
        await close(!active);
      }
    });
    // One failed listen (the port taken meanwhile) fails that call alone, not every later one.
    settling = step.catch(() => undefined);
    return step;
  }
  if (!active) await close();

  return {
    url: `http://${host}:${port}`,
    port,
    name: opts.name,
    model: opts.model,
    metrics,
    fault: () => fault,
    requests: () => log.slice(),
    async setFault(next, faultOpts = {}) {
      if (next !== null && !LAB_REPLICA_FAULTS.includes(next)) {
        throw new FleetError('BAD_REQUEST', `unknown replica fault ${String(next)}: expected one of ${LAB_REPLICA_FAULTS.join(', ')}`, { subject: opts.name });
      }
      retryAfterSeconds = faultOpts.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
      slowMs = faultOpts.slowMs ?? DEFAULT_SLOW_MS;
      fault = next;
      await settle();
    },
    serviceActive: () => active,
    frozen: () => frozen,
    setFrozen,
    async setServiceActive(next) {
      // systemd follows a stop's SIGTERM with SIGCONT: a frozen server stops like a running one.
      if (!next) setFrozen(false);
      if (next === active) return;
      active = next;
      if (starting) clearTimeout(starting);
      starting = null;
      const delay = opts.startDelayMs ?? 0;
      if (next && delay > 0) {
        starting = setTimeout(() => {
          starting = null;
          // Nobody awaits a delayed start: a failure (port taken) leaves the replica down, as a crashed unit.
          settle().catch(() => undefined);
        }, delay);
        starting.unref();
        return;
      }
      await settle();
    },
    async stop() {
      for (const t of held) clearTimeout(t);
      held.clear();
      frozen = false;
      parked = [];
      if (starting) clearTimeout(starting);
      starting = null;
      active = false;
      // The lab is going away: connections a graceful service stop is still waiting on are cut now.
      server.closeAllConnections();
      await settling;
      await close();
    },
  };
}

/** What a server whose weights failed to load answers (503: not ready, not a crash of the request). */
function modelLoadFailed(model: string): LabAnswer {
  return openAiError(503, `model ${model} failed to load: CUDA out of memory while loading the weights (lab fault model-load-failed)`, 'service_unavailable', 'model_load_failed');
}

function routeOf(path: string): string {
  if (path === '/health' || path === '/metrics' || path === '/v1/models' || path === '/v1/chat/completions') return path;
  return AZURE_ROUTE.test(path) ? '/openai/deployments/{deployment}/chat/completions' : 'other';
}

/** `n` replicas named `{prefix}-0` … serving the same model, started side by side. */
export async function startLabReplicas(
  n: number,
  opts: { prefix?: string; model?: string; apiKey?: string; host?: string; now?: () => number } = {},
): Promise<LabReplica[]> {
  const prefix = opts.prefix ?? 'lab-replica';
  const model = opts.model ?? 'meta-llama/Llama-3.1-8B-Instruct';
  const started = await Promise.allSettled(
    Array.from({ length: n }, (_, i) => startLabReplica({ name: `${prefix}-${i}`, model, apiKey: opts.apiKey, host: opts.host, now: opts.now })),
  );
  const ok = started.filter((s): s is PromiseFulfilledResult<LabReplica> => s.status === 'fulfilled').map((s) => s.value);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    // Do not leave half a lab listening.
    await Promise.all(ok.map((r) => r.stop()));
    throw failed.reason;
  }
  return ok;
}
