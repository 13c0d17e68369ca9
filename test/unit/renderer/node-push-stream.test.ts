/**
 * The renderer's copy of the node statuses stays the engine's, whatever it misses: the real
 * producer of `nodes.updated` (electron/core/fleet/node-updates.ts) feeding the real cache sync
 * (push-sync.ts) through a transport that can drop pushes and hold replies, the snapshot query
 * observed as the console observes it.
 *  - A missed push: the next one does not follow, so it is not applied; the snapshot is fetched
 *    again and shows what the missed push said (patching the old copy would have shown a node
 *    healthy that the engine said was unhealthy).
 *  - A console that connects late: pushes before its snapshot arrives are left out, the snapshot
 *    includes them, the ones after it apply, with no second fetch.
 *  - A refetch under way is not restarted by every push that does not follow.
 *  - The same over the desktop's IPC transport (structured clones through window.fleet, as
 *    electron/main sends the core's pushes): the format does not depend on the transport.
 */
import { QueryClient, QueryObserver } from '@tanstack/query-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NodeUpdates, type NodesUpdate } from '../../../electron/core/fleet/node-updates';
import type { FleetSnapshot, MethodName, PushEvent } from '../../../shared/contract';
import { nodeSummary } from '../../../shared/node-summary';
import type { NodeStatus } from '../../../shared/status';
import { installTransport } from '../../../renderer/src/api/client';
import { createIpcTransport } from '../../../renderer/src/api/ipc-transport';
import type { FleetApiError } from '../../../renderer/src/api/errors';
import { syncCacheWithTransport } from '../../../renderer/src/api/push-sync';
import { fleetQueries } from '../../../renderer/src/api/queries/fleet';
import { Listeners, type Transport } from '../../../renderer/src/api/transport';
import { gpu, node, snapshot } from './builders';

/** The engine's side: current statuses, the push producer, and the snapshot it would answer. */
class Engine {
  readonly current = new Map<string, NodeStatus>();
  readonly updates: NodeUpdates;
  /** Where pushes go: the transport decides what reaches the page. */
  deliver: (u: NodesUpdate) => void = () => undefined;

  constructor(names: string[]) {
    this.updates = new NodeUpdates((u) => this.deliver(JSON.parse(JSON.stringify(u)) as NodesUpdate));
    for (const name of names) this.current.set(name, node(name, { gpus: [gpu(0), gpu(1)] }));
    this.updates.push([...this.current.values()]);
  }

  probe(name: string, over: Partial<NodeStatus> = {}): void {
    const prev = this.current.get(name) as NodeStatus;
    this.current.set(name, { ...prev, lastProbeAt: (prev.lastProbeAt ?? 0) + 3000, ...over });
    this.updates.push([this.current.get(name) as NodeStatus]);
  }

  snapshot(): FleetSnapshot {
    const nodes = [...this.current.values()];
    return JSON.parse(JSON.stringify(snapshot({ nodes, nodesSeq: this.updates.lastSeq }))) as FleetSnapshot;
  }
}

/** A page: the transport (pushes and snapshot replies under the test's control), the cache, the snapshot observed. */
function page(engine: Engine) {
  const events = new Listeners<PushEvent>();
  /** Told of each reply as it arrives, before its call resolves, as both real transports do. */
  const arrivals = new Listeners<MethodName>();
  const replies: Array<{ snapshot: FleetSnapshot; resolve: () => void }> = [];
  let holdReplies = false;
  const transport: Transport = {
    kind: 'websocket',
    call: ((method: string) => {
      if (method !== 'fleet.snapshot') return Promise.reject(new Error(`not used: ${method}`));
      // Built when asked, as the server builds it; delivered now, or when the test says.
      const built = engine.snapshot();
      if (!holdReplies) {
        arrivals.emit('fleet.snapshot');
        return Promise.resolve(built);
      }
      return new Promise<FleetSnapshot>((resolve) =>
        replies.push({
          snapshot: built,
          resolve: () => {
            arrivals.emit('fleet.snapshot');
            resolve(built);
          },
        }),
      );
    }) as Transport['call'],
    onEvent: (l) => events.add(l),
    onReply: (l) => arrivals.add(l),
    onProblem: (l: (e: FleetApiError) => void) => new Listeners<FleetApiError>().add(l),
    onConnection: () => () => undefined,
    connection: () => ({ status: 'open' }),
    close: () => undefined,
  };
  const uninstall = installTransport(transport);
  const client = new QueryClient();
  syncCacheWithTransport(client, transport);
  const calls = vi.spyOn(transport, 'call');
  const push = (u: NodesUpdate) => events.emit({ event: 'nodes.updated', payload: u });
  const observe = () => new QueryObserver(client, fleetQueries.snapshot()).subscribe(() => undefined);
  const cached = () => client.getQueryData<FleetSnapshot>(fleetQueries.snapshot().queryKey);
  return {
    client,
    push,
    observe,
    cached,
    calls,
    replies,
    holdReplies: (on: boolean) => (holdReplies = on),
    done: () => {
      client.clear();
      uninstall();
    },
  };
}

/** What a page's snapshot should hold: the engine's statuses as summaries (each GPU's face). */
const engineSummaries = (engine: { current: Map<string, NodeStatus> }) => Object.fromEntries([...engine.current].map(([k, v]) => [k, nodeSummary(v)]));
const byName = (s: FleetSnapshot | undefined) => Object.fromEntries((s?.nodes ?? []).map((n) => [n.name, n]));

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

describe('node statuses over a lossy push stream', () => {
  it('a missed push: the page fetches the snapshot again instead of patching a stale node', async () => {
    const engine = new Engine(['n1', 'n2', 'n3']);
    const p = page(engine);
    cleanup.push(p.done);
    engine.deliver = p.push;
    cleanup.push(p.observe());
    await vi.waitFor(() => expect(p.cached()?.nodesSeq).toBe(engine.updates.lastSeq));
    engine.probe('n1');
    expect(p.cached()?.nodes[0]).toEqual(nodeSummary(engine.current.get('n1')!));

    // n2 goes unhealthy, and that push is lost; its next probe changes nothing but the time.
    engine.deliver = () => undefined;
    engine.probe('n2', { health: 'unhealthy', reasons: ['GPU 1 is lost'], gpus: [gpu(0)] });
    engine.deliver = p.push;
    engine.probe('n2');
    expect(p.cached()?.nodes[1].health).toBe('healthy'); // not patched: the push did not follow
    await vi.waitFor(() => expect(p.cached()?.nodesSeq).toBe(engine.updates.lastSeq));
    expect(byName(p.cached())).toEqual(engineSummaries(engine));
    expect(p.cached()?.nodes[1]).toMatchObject({ health: 'unhealthy', reasons: ['GPU 1 is lost'] });
    expect(p.calls).toHaveBeenCalledTimes(2);
    // And it goes on from there.
    engine.probe('n2', { health: 'healthy', reasons: [] });
    expect(byName(p.cached())).toEqual(engineSummaries(engine));
  });

  it('a page that connects late: pushes before its snapshot are left out, the ones after apply, one fetch', async () => {
    const engine = new Engine(['n1', 'n2', 'n3']);
    for (let i = 0; i < 20; i++) engine.probe(`n${(i % 3) + 1}`, { lastProbeLatencyMs: i });
    const p = page(engine);
    cleanup.push(p.done);
    p.holdReplies(true);
    cleanup.push(p.observe());
    await vi.waitFor(() => expect(p.replies).toHaveLength(1));
    // What the server sent before the reply (socket order): pushes the snapshot already includes.
    engine.deliver = p.push;
    p.push({ seq: engine.updates.lastSeq, nodes: [], changes: [{ name: 'n1', set: { lastProbeLatencyMs: 19 } }] });
    expect(p.cached()).toBeUndefined();
    p.replies[0].resolve();
    await vi.waitFor(() => expect(p.cached()).toBeDefined());
    engine.probe('n3', { health: 'degraded', reasons: ['thermal slowdown'] });
    engine.probe('n1', { gpus: [gpu(0), gpu(1, { temperatureC: 88 })] });
    expect(byName(p.cached())).toEqual(engineSummaries(engine));
    expect(p.calls).toHaveBeenCalledTimes(1);
  });

  it('pushes that do not follow while the snapshot is being fetched again do not restart the fetch', async () => {
    const engine = new Engine(['n1', 'n2']);
    const p = page(engine);
    cleanup.push(p.done);
    cleanup.push(p.observe());
    await vi.waitFor(() => expect(p.cached()?.nodesSeq).toBe(engine.updates.lastSeq));
    p.holdReplies(true);
    engine.probe('n1'); // missed
    engine.deliver = p.push;
    for (let i = 0; i < 5; i++) engine.probe('n2', { lastProbeLatencyMs: i });
    expect(p.calls).toHaveBeenCalledTimes(2);
    expect(p.replies).toHaveLength(1);
    p.replies[0].resolve();
    // The refetched snapshot was built before the last pushes; the next push after it says so and one more fetch follows.
    await vi.waitFor(() => expect(p.cached()?.nodesSeq).toBe(p.replies[0].snapshot.nodesSeq));
    p.holdReplies(false);
    engine.probe('n2', { health: 'unreachable' });
    await vi.waitFor(() => expect(byName(p.cached())).toEqual(engineSummaries(engine)));
  });

  it('over IPC: pushes apply in order, a missed one has the snapshot asked for again', async () => {
    const engine = new Engine(['n1', 'n2']);
    let listener: ((e: { event: string; payload: unknown }) => void) | null = null;
    let invokes = 0;
    const transport = createIpcTransport({
      invoke: async (method) => {
        invokes++;
        if (method !== 'fleet.snapshot') return { ok: false, error: { code: 'BAD_REQUEST', message: method } };
        return { ok: true, result: structuredClone(engine.snapshot()) };
      },
      on: (l) => {
        listener = l;
        return () => (listener = null);
      },
    });
    const uninstall = installTransport(transport);
    const client = new QueryClient();
    cleanup.push(() => {
      client.clear();
      uninstall();
      transport.close();
    });
    syncCacheWithTransport(client, transport);
    cleanup.push(new QueryObserver(client, fleetQueries.snapshot()).subscribe(() => undefined));
    const cached = () => client.getQueryData<FleetSnapshot>(fleetQueries.snapshot().queryKey);
    await vi.waitFor(() => expect(cached()).toBeDefined());
    engine.deliver = (u) => listener?.({ event: 'nodes.updated', payload: structuredClone(u) });
    engine.probe('n1', { health: 'degraded', reasons: ['thermal slowdown'] });
    expect(byName(cached())).toEqual(engineSummaries(engine));
    engine.deliver = () => undefined;
    engine.probe('n2', { health: 'unreachable' });
    engine.deliver = (u) => listener?.({ event: 'nodes.updated', payload: structuredClone(u) });
    engine.probe('n1');
    await vi.waitFor(() => expect(byName(cached())).toEqual(engineSummaries(engine)));
    expect(invokes).toBe(2);
  });
});
