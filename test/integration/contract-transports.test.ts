/**
 * The contract over both transports — in-process dispatch and the WebSocket of `serve` — with
 * the real engine behind them, and the server's guards: token, Origin, Host, envelope, schema.
 * A counting wrapper around the handlers proves that rejected messages never reach the engine.
 */
import { mkdtemp, writeFile, mkdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utils } from 'ssh2';
import WebSocket from 'ws';
import { FleetCore, type Handlers } from '../../electron/core/fleet/core';
import { createDispatch, type Dispatch } from '../../electron/core/rpc/dispatch';
import { startServer, type RunningServer } from '../../electron/serve/server';
import type { PushEvent, ServerFrame } from '../../shared/contract';
import { socketProtocols } from '../../shared/socket-auth';
import { closedPort, waitFor } from './helpers/free-port';
import { generateEd25519 } from '../../electron/core/lab/lab-keys';

let core: FleetCore;
let server: RunningServer;
let dispatch: Dispatch;
const handlerCalls: string[] = [];
const pushed: PushEvent[] = [];

let dir: string | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetops-contract-'));
  const port = await closedPort();
  const inventory = join(dir, 'fleet.yaml');
  await writeFile(
    inventory,
    `version: 1
defaults: { user: ops, identityFile: ${join(dir, 'id_ed25519')}, knownHostsFile: ${join(dir, 'known_hosts')}, agent: false, probe: { intervalSeconds: 1, timeoutSeconds: 1, fall: 1, rise: 1 } }
regions:
  - name: r1
    clusters:
      - name: c1
        role: inference
        nodes:
          - { name: n1, host: 127.0.0.1, port: ${port}, gpus: { count: 8 } }
`,
  );
  await writeFile(join(dir, 'known_hosts'), '');
  await writeFile(join(dir, 'id_ed25519'), generateEd25519().private, { mode: 0o600 });
  const rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>fleetops</title>');
  core = new FleetCore({ dataDir: join(dir, 'data'), inventoryPath: inventory, inventoryEnv: { homeDir: dir, defaultUser: 'ops' } });
  core.subscribe((e) => pushed.push(e));
  await core.start();
  const counting = new Proxy(core.handlers, {
    get: (target, name: string) => {
      const fn = (target as Record<string, unknown>)[name];
      return typeof fn === 'function'
        ? (input: unknown) => {
            handlerCalls.push(name);
            return (fn as (i: unknown) => unknown)(input);
          }
        : fn;
    },
  }) as Handlers;
  dispatch = createDispatch(counting, { validateOutput: true });
  server = await startServer({ dispatch, subscribe: (l) => core.subscribe(l), rendererDir });
});

afterAll(async () => {
  await server?.close();
  await core?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const origin = () => `http://127.0.0.1:${server.port}`;

/** Opens the socket as the page does: no token in the URL, the token offered as a subprotocol. */
function connect(opts: { token?: string; origin?: string | null; protocols?: string[] } = {}): Promise<WebSocket> {
  const token = opts.token ?? server.token;
  const headers: Record<string, string> = {};
  const o = opts.origin === undefined ? origin() : opts.origin;
  if (o !== null) headers.Origin = o;
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, opts.protocols ?? socketProtocols(token), { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, frame: unknown): Promise<ServerFrame & { type: 'reply' }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const f = JSON.parse(data.toString()) as ServerFrame;
      if (f.type === 'reply') {
        ws.off('message', onMessage);
        resolve(f);
      }
    };
    ws.on('message', onMessage);
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  });
}

describe('in-process transport', () => {
  it('answers the snapshot with the inventory topology', async () => {
    const r = await dispatch('fleet.snapshot', {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const snap = r.result as { topology: { regions: { name: string }[] }; nodes: { name: string }[] };
    expect(snap.topology.regions.map((x) => x.name)).toEqual(['r1']);
    expect(snap.nodes.map((n) => n.name)).toEqual(['n1']);
  });

  it('returns NOT_FOUND for an unknown node, as data', async () => {
    expect(await dispatch('node.get', { name: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('pushes the probe result: an unreachable node, with the reason and an event', async () => {
    // The first push of a node is its whole status, later ones what changed.
    const saysUnreachable = (e: PushEvent) =>
      e.event === 'nodes.updated' && (e.payload.nodes.some((n) => n.health === 'unreachable') || e.payload.changes.some((c) => c.set.health === 'unreachable'));
    await waitFor(() => pushed.find(saysUnreachable), { what: 'unreachable push' });
    const r = await dispatch('node.get', { name: 'n1' });
    expect(r).toMatchObject({ ok: true, result: { health: 'unreachable', lastError: { code: 'HOST_UNREACHABLE' } } });
    const events = await dispatch('events.list', { subject: 'n1' });
    expect(events.ok && (events.result as { kind: string }[]).some((e) => e.kind === 'node.health')).toBe(true);
  });

  it('refuses lab methods when no lab runs', async () => {
    expect(await dispatch('lab.injectFault', { node: 'n1', kind: 'gpu-lost' })).toMatchObject({ ok: false, error: { code: 'LAB_NOT_RUNNING' } });
  });
});

describe('WebSocket transport', () => {
  it('carries the same contract', async () => {
    const ws = await connect();
    // The server selects the protocol name, never the token subprotocol.
    expect(ws.protocol).toBe('fleetops.v1');
    const reply = await call(ws, { id: 7, method: 'fleet.snapshot', params: {} });
    expect(reply).toMatchObject({ type: 'reply', id: 7, ok: true });
    const direct = await dispatch('fleet.snapshot', {});
    expect(reply.ok && direct.ok && (reply.result as { topology: unknown }).topology).toEqual(direct.ok && (direct.result as { topology: unknown }).topology);
    ws.close();
  });

  it('pushes events to connected clients', async () => {
    const ws = await connect();
    const got = await new Promise<ServerFrame>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    expect(got.type).toBe('event');
    ws.close();
  });

  it('rejects malformed frames, unknown methods and bad input with codes, and the engine sees none of them', async () => {
    const ws = await connect();
    const before = handlerCalls.length;
    expect(await call(ws, 'not json')).toMatchObject({ id: null, ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call(ws, { id: 1, method: 'fleet.snapshot' , params: {}, extra: true })).toMatchObject({ id: 1, ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call(ws, { id: 2, method: 'constructor', params: {} })).toMatchObject({ id: 2, ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await call(ws, { id: 3, method: 'node.get', params: { name: '' } })).toMatchObject({ id: 3, ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call(ws, { id: 4, method: 'hostKeys.trust', params: { node: 'n1', fingerprint: 'MD5:aa' } })).toMatchObject({ id: 4, ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call(ws, { id: 5, method: 'lab.injectFault', params: { node: 'n1', kind: 'rm -rf /' } })).toMatchObject({ id: 5, ok: false, error: { code: 'BAD_REQUEST' } });
    expect(handlerCalls.length).toBe(before);
    ws.close();
  });

  it('closes a socket with a wrong token (code 4401) without reading a message', async () => {
    const before = handlerCalls.length;
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, socketProtocols('wrong'), { headers: { Origin: origin() } });
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, method: 'fleet.snapshot', params: {} })));
    const code = await new Promise<number>((r) => ws.once('close', (c) => r(c)));
    expect(code).toBe(4401);
    expect(handlerCalls.length).toBe(before);
  });

  it('no longer takes the token from the URL: the right token in ?token= and none offered is closed 4401', async () => {
    const before = handlerCalls.length;
    for (const protocols of [[], ['fleetops.v1']]) {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${encodeURIComponent(server.token)}`, protocols, { headers: { Origin: origin() } });
      ws.on('open', () => ws.send(JSON.stringify({ id: 1, method: 'fleet.snapshot', params: {} })));
      const code = await new Promise<number>((r) => ws.once('close', (c) => r(c)));
      expect(code).toBe(4401);
    }
    expect(handlerCalls.length).toBe(before);
  });

  /** Opens `/ws?first=…` with the right token; the first reply frame it receives (listened for from the start: it may come with the handshake). */
  function firstReply(first: string): Promise<{ ws: WebSocket; reply: ServerFrame & { type: 'reply' } }> {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?first=${encodeURIComponent(first)}`, socketProtocols(server.token), { headers: { Origin: origin() } });
    return new Promise((resolve, reject) => {
      ws.on('message', (data) => {
        const f = JSON.parse(data.toString()) as ServerFrame;
        if (f.type === 'reply') resolve({ ws, reply: f });
      });
      ws.once('error', reject);
    });
  }

  it('answers the snapshot asked in the socket’s URL as call 0, once the handshake is done, without a frame from the page', async () => {
    const before = handlerCalls.length;
    const { ws, reply } = await firstReply('fleet.snapshot');
    expect(reply).toMatchObject({ type: 'reply', id: 0, ok: true });
    expect((reply as { result: { nodes: { name: string }[] } }).result.nodes.map((n) => n.name)).toEqual(['n1']);
    expect(handlerCalls.slice(before)).toEqual(['fleet.snapshot']);
    ws.close();
  });

  it('takes nothing else in the URL (BAD_REQUEST, the engine not asked), and nothing at all with a wrong token', async () => {
    const before = handlerCalls.length;
    for (const first of ['runs.abort', 'lab.injectFault', 'constructor', '']) {
      const { ws, reply } = await firstReply(first);
      expect(reply).toMatchObject({ type: 'reply', id: 0, ok: false, error: { code: 'BAD_REQUEST' } });
      ws.close();
    }
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?first=fleet.snapshot`, socketProtocols('wrong'), { headers: { Origin: origin() } });
    const frames: unknown[] = [];
    ws.on('message', (d) => frames.push(d.toString()));
    const code = await new Promise<number>((r) => ws.once('close', (c) => r(c)));
    expect(code).toBe(4401);
    expect(frames).toEqual([]);
    expect(handlerCalls.length).toBe(before);
  });

  it('echoes fleetops.v1 even when the token subprotocol is offered first', async () => {
    const [name, tokenProtocol] = socketProtocols(server.token);
    const ws = await connect({ protocols: [tokenProtocol!, name!] });
    expect(ws.protocol).toBe('fleetops.v1');
    expect(await call(ws, { id: 9, method: 'fleet.snapshot', params: {} })).toMatchObject({ id: 9, ok: true });
    ws.close();
  });

  it('refuses a foreign Origin and a missing Origin', async () => {
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect({ origin: `http://127.0.0.1:${server.port + 1}` })).rejects.toThrow('HTTP 403');
    await expect(connect({ origin: null })).rejects.toThrow('HTTP 403');
  });
});

describe('HTTP guards', () => {
  function get(path: string, host?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path, headers: host ? { Host: host } : {} }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('serves the page with a strict CSP and no referrer', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(String(r.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(r.headers['content-security-policy'])).toContain(`ws://127.0.0.1:${server.port}`);
    expect(r.headers['referrer-policy']).toBe('no-referrer');
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await get('/', 'evil.example')).status).toBe(421);
  });

  it('never serves files outside the renderer directory', async () => {
    for (const p of ['/../fleet.yaml', '/%2e%2e/fleet.yaml', '/..%2ffleet.yaml', '/%00']) {
      const r = await get(p);
      expect([400, 403, 404]).toContain(r.status);
      expect(r.body).not.toContain('version: 1');
    }
  });

  it('refuses to bind a non-loopback address unless asked', async () => {
    await expect(startServer({ dispatch, subscribe: () => () => undefined, rendererDir: '/nonexistent', host: '0.0.0.0' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
