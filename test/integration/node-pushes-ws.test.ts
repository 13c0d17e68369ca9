/**
 * Node statuses as consoles see them over the real WebSocket server, while a lab's nodes fault
 * and recover: each console is the renderer's own transport (ws-transport.ts) and cache sync
 * (push-sync.ts) with the snapshot query observed, in this process. One connects from the start,
 * one connects late (while a node is down), and one loses a `nodes.updated` frame on its socket
 * after its snapshot arrived. All three end with exactly the statuses the engine pushed; the one
 * that lost a frame fetched the snapshot again instead of patching a stale copy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryClient, QueryObserver } from '@tanstack/query-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FleetCore } from '../../electron/core/fleet/core';
import { startLab, type LabFleet } from '../../electron/core/lab/lab-fleet';
import { createDispatch } from '../../electron/core/rpc/dispatch';
import { startServer, type RunningServer } from '../../electron/serve/server';
import type { FleetSnapshot } from '../../shared/contract';
import { nodeSummary } from '../../shared/node-summary';
import { socketProtocols } from '../../shared/socket-auth';
import { syncCacheWithTransport } from '../../renderer/src/api/push-sync';
import { fleetQueries } from '../../renderer/src/api/queries/fleet';
import type { Transport } from '../../renderer/src/api/transport';
import { createWsTransport, type SocketFactory } from '../../renderer/src/api/ws-transport';
import { waitFor } from './helpers/free-port';

let dir: string;
let lab: LabFleet;
let core: FleetCore;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-node-pushes-ws-'));
  lab = await startLab({ dir: join(dir, 'lab'), nodes: 4, probeIntervalSeconds: 1, probeTimeoutSeconds: 1 });
  core = new FleetCore({ dataDir: join(dir, 'data'), inventoryPath: lab.inventoryPath, inventoryEnv: { homeDir: dir, defaultUser: 'ops' }, lab });
  await core.start();
  server = await startServer({ dispatch: createDispatch(core.handlers), subscribe: (l) => core.subscribe(l), rendererDir: join(dir, 'renderer') });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await core?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface ConsolePage {
  cached(): FleetSnapshot | undefined;
  snapshotFetches: number;
  droppedFrames: number;
  close(): void;
}

/** A console: the renderer's transport over a real socket, its cache sync, the snapshot observed. */
function openConsole(opts: { loseOneNodesPush?: boolean } = {}): ConsolePage {
  const client = new QueryClient();
  const snapshotKey = fleetQueries.snapshot().queryKey;
  const page: ConsolePage = { cached: () => client.getQueryData<FleetSnapshot>(snapshotKey), snapshotFetches: 0, droppedFrames: 0, close: () => undefined };
  let losing = opts.loseOneNodesPush === true;
  const connect: SocketFactory = (url, handlers, protocols) => {
    const ws = new WebSocket(url, [...protocols], { headers: { Origin: `http://127.0.0.1:${server.port}` } });
    ws.on('open', () => handlers.onOpen());
    ws.on('message', (data) => {
      const text = data.toString();
      // Lost on the way: the first node push after the snapshot arrived.
      if (losing && page.cached() !== undefined && text.startsWith('{"type":"event","event":"nodes.updated"')) {
        losing = false;
        page.droppedFrames++;
        return;
      }
      handlers.onMessage(text);
    });
    ws.on('close', (code, reason) => handlers.onClose(code, reason.toString()));
    return { send: (d) => ws.send(d), close: (code, reason) => ws.close(code, reason) };
  };
  const transport: Transport = createWsTransport({ url: `ws://127.0.0.1:${server.port}/ws`, protocols: socketProtocols(server.token), connect, backoff: () => 50 });
  const stopSync = syncCacheWithTransport(client, transport);
  // Several consoles in one process: each query asks its own transport (the page's `call` is global).
  const observer = new QueryObserver(client, {
    ...fleetQueries.snapshot(),
    queryFn: () => {
      page.snapshotFetches++;
      return transport.call('fleet.snapshot', {});
    },
  });
  const stopObserving = observer.subscribe(() => undefined);
  page.close = () => {
    stopObserving();
    stopSync();
    transport.close();
    client.clear();
  };
  return page;
}

const byName = (nodes: readonly { name: string }[]) => Object.fromEntries(nodes.map((n) => [n.name, n]));

describe('node pushes over the WebSocket server', () => {
  it('early, late and lossy consoles all end with the statuses the engine pushed', async () => {
    const pages: ConsolePage[] = [];
    try {
      const early = openConsole();
      const lossy = openConsole({ loseOneNodesPush: true });
      pages.push(early, lossy);
      await waitFor(() => early.cached() && lossy.cached(), { what: 'the first snapshots', timeoutMs: 20_000 });
      const node = core.monitor.statuses()[1].name;
      await core.handlers['lab.injectFault']({ node, kind: 'gpu-lost', gpuIndex: 2 });
      await waitFor(() => core.monitor.status(node)?.health === 'unhealthy', { what: `${node} unhealthy`, timeoutMs: 20_000 });
      const late = openConsole();
      pages.push(late);
      await waitFor(() => late.cached(), { what: 'the late snapshot', timeoutMs: 20_000 });
      await core.handlers['lab.clearFault']({ node });
      await waitFor(() => core.monitor.status(node)?.health === 'healthy', { what: `${node} healthy again`, timeoutMs: 20_000 });
      expect(lossy.droppedFrames).toBe(1);

      // No more probes: once every console holds the last push, each must equal what it says.
      core.monitor.stop();
      let final = core.monitor.snapshotNodes();
      await waitFor(
        () => {
          const now = core.monitor.snapshotNodes();
          final = now;
          return pages.every((p) => p.cached()?.nodesSeq === now.nodesSeq);
        },
        { what: 'every console at the last push', timeoutMs: 20_000 },
      );
      // What the snapshot holds: each node's summary (its GPUs' faces).
      const expected = byName(final.nodes.map(nodeSummary));
      for (const p of pages) expect(byName(p.cached()?.nodes ?? [])).toEqual(expected);
      expect(early.snapshotFetches).toBe(1);
      expect(late.snapshotFetches).toBe(1);
      expect(lossy.snapshotFetches).toBe(2);
    } finally {
      for (const p of pages) p.close();
    }
  }, 90_000);

  it('the snapshot carries each GPU\'s face only, and node.get the whole status', async () => {
    const snapshot = await core.handlers['fleet.snapshot']({});
    const gpus = snapshot.nodes.flatMap((n) => n.gpus);
    expect(gpus.length).toBeGreaterThan(0);
    for (const g of gpus) expect(Object.keys(g).sort()).toEqual(['health', 'index', 'reasons', 'temperatureC', 'utilizationPct']);
    const whole = await core.handlers['node.get']({ name: snapshot.nodes[0].name });
    expect(whole.gpus[0]).toHaveProperty('uuid');
    expect(whole.gpus[0]).toHaveProperty('powerW');
    expect(snapshot.nodes[0].gpus.map((g) => g.index)).toEqual(whole.gpus.map((g) => g.index));
  });
});
