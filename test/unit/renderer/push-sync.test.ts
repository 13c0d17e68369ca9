import { QueryClient } from '@tanstack/query-core';
import { describe, expect, it, vi } from 'vitest';
import type { FleetSnapshot, MethodName, NodeStatusChange, PushEvent } from '../../../shared/contract';
import { nodeSummary } from '../../../shared/node-summary';
import type { FleetEvent, NodeStatus } from '../../../shared/status';
import type { FleetApiError } from '../../../renderer/src/api/errors';
import { syncCacheWithTransport } from '../../../renderer/src/api/push-sync';
import { SNAPSHOT_HOLD_CAP } from '../../../renderer/src/api/snapshot-hold';
import { eventQueries } from '../../../renderer/src/api/queries/events';
import { fleetQueries } from '../../../renderer/src/api/queries/fleet';
import { nodeQueries } from '../../../renderer/src/api/queries/nodes';
import { Listeners, type ConnectionState, type Transport } from '../../../renderer/src/api/transport';
import { event, labServices, lbServer, loadBalancer, node, replica, service, snapshot } from './builders';

/** A transport whose pushes and connection changes the test drives; calls are not part of these tests. */
function drivenTransport(initial: ConnectionState) {
  const events = new Listeners<PushEvent>();
  const replies = new Listeners<MethodName>();
  const connection = new Listeners<ConnectionState>();
  let state = initial;
  const transport: Transport = {
    kind: 'websocket',
    call: () => Promise.reject(new Error('not used')),
    onEvent: (l) => events.add(l),
    onReply: (l) => replies.add(l),
    onProblem: (l: (e: FleetApiError) => void) => new Listeners<FleetApiError>().add(l),
    onConnection: (l) => connection.add(l),
    connection: () => state,
    close: () => undefined,
  };
  return {
    transport,
    push: (e: PushEvent) => events.emit(e),
    replyArrived: (method: MethodName) => replies.emit(method),
    setState: (s: ConnectionState) => {
      state = s;
      connection.emit(s);
    },
  };
}

function setup(initial: ConnectionState = { status: 'open' }) {
  const client = new QueryClient();
  const driven = drivenTransport(initial);
  syncCacheWithTransport(client, driven.transport);
  const snapshotKey = fleetQueries.snapshot().queryKey;
  return { client, ...driven, snapshotKey, getSnapshot: () => client.getQueryData<FleetSnapshot>(snapshotKey) };
}

describe('pushed events update the query cache', () => {
  it('nodes.updated merges into the snapshot and into opened node details only', () => {
    const { client, push, snapshotKey, getSnapshot } = setup();
    const before = snapshot({ nodesSeq: 4 });
    client.setQueryData(snapshotKey, before);
    // A detail is the whole status (node.get); the snapshot holds summaries.
    client.setQueryData(nodeQueries.detail('n2').queryKey, node('n2'));
    const n2 = node('n2', { health: 'unreachable', reasons: ['ssh: connect timeout'] });
    const n4 = node('n4', { health: 'degraded' });
    push({
      event: 'nodes.updated',
      payload: { seq: 5, nodes: [n4], changes: [{ name: 'n2', set: { health: 'unreachable', reasons: ['ssh: connect timeout'] } }] },
    });
    expect(getSnapshot()?.nodes).toEqual([before.nodes[0], nodeSummary(n2), before.nodes[2], nodeSummary(n4)]);
    expect(getSnapshot()?.nodesSeq).toBe(5);
    expect(getSnapshot()?.nodes[0]).toBe(before.nodes[0]);
    expect(getSnapshot()?.nodes[1].gpus).toBe(before.nodes[1].gpus);
    expect(client.getQueryData<NodeStatus>(nodeQueries.detail('n2').queryKey)).toEqual(n2);
    expect(client.getQueryData(nodeQueries.detail('n4').queryKey)).toBeUndefined();
  });

  it('an opened node detail takes the whole of each change, GPU fields off the face too; the snapshot only the faces', () => {
    const { client, push, snapshotKey, getSnapshot } = setup();
    const before = snapshot({ nodesSeq: 1 });
    client.setQueryData(snapshotKey, before);
    const detailKey = nodeQueries.detail('n1').queryKey;
    const detail = node('n1');
    client.setQueryData(detailKey, detail);
    push({ event: 'nodes.updated', payload: { seq: 2, nodes: [], changes: [{ name: 'n1', set: { lastProbeAt: 5 }, gpus: [{ at: 1, set: { powerW: 612, temperatureC: 77 } }] }] } });
    push({ event: 'nodes.updated', payload: { seq: 3, nodes: [], changes: [{ name: 'n1', set: {}, gpus: [{ at: 0, set: { memoryUsedMiB: 4096 } }] }] } });
    const now = client.getQueryData<NodeStatus>(detailKey)!;
    expect(now).toEqual({ ...detail, lastProbeAt: 5, gpus: [{ ...detail.gpus[0], memoryUsedMiB: 4096 }, { ...detail.gpus[1], powerW: 612, temperatureC: 77 }] });
    expect(client.getQueryState(detailKey)?.isInvalidated).toBe(false);
    // The snapshot: the temperature (on the face), not the power; GPU 0's face object kept (nothing on it changed).
    expect(getSnapshot()?.nodes[0].gpus).toEqual([before.nodes[0].gpus[0], { ...before.nodes[0].gpus[1], temperatureC: 77 }]);
    expect(getSnapshot()?.nodes[0].gpus[0]).toBe(before.nodes[0].gpus[0]);
    // A push missed: the detail's base is unknown, it is fetched again and not patched.
    push({ event: 'nodes.updated', payload: { seq: 5, nodes: [], changes: [{ name: 'n1', set: { health: 'degraded' } }] } });
    expect(client.getQueryData(detailKey)).toBe(now);
    expect(client.getQueryState(detailKey)?.isInvalidated).toBe(true);
  });

  it('a nodes.updated that does not follow the snapshot is not applied: the snapshot and the details it names are fetched again', () => {
    const { client, push, snapshotKey, getSnapshot } = setup();
    const cases: Array<[number, NodeStatusChange[]]> = [
      [7, [{ name: 'n1', set: { health: 'degraded' } }]], // n°6 was missed
      [4, [{ name: 'n1', set: { health: 'degraded' } }]], // older than the snapshot: another stream
      [6, [{ name: 'n9', set: { health: 'degraded' } }]], // a node the snapshot does not have
      [6, [{ name: 'n1', set: {}, gpus: [{ at: 5, set: { powerW: 1 } }] }]], // a GPU it does not have
    ];
    for (const [seq, changes] of cases) {
      const before = snapshot({ nodesSeq: 5 });
      client.setQueryData(snapshotKey, before);
      const n1 = node('n1');
      client.setQueryData(nodeQueries.detail('n1').queryKey, n1);
      client.setQueryData(nodeQueries.detail('n2').queryKey, node('n2'));
      push({ event: 'nodes.updated', payload: { seq, nodes: [], changes } });
      expect(getSnapshot()).toBe(before);
      expect(client.getQueryState(snapshotKey)?.isInvalidated).toBe(true);
      expect(client.getQueryData(nodeQueries.detail('n1').queryKey)).toBe(n1);
      expect(client.getQueryState(nodeQueries.detail('n1').queryKey)?.isInvalidated).toBe(changes[0].name === 'n1');
      expect(client.getQueryState(nodeQueries.detail('n2').queryKey)?.isInvalidated).toBe(false);
      client.clear();
    }
  });

  it('event.appended goes to the fleet-wide list and to its subject list, without creating lists nobody loaded', () => {
    const { client, push } = setup();
    client.setQueryData(eventQueries.list().queryKey, [event(1, { subject: 'n2' })]);
    client.setQueryData(eventQueries.list('n1').queryKey, [event(0, { subject: 'n1' })]);
    push({ event: 'event.appended', payload: event(2, { subject: 'n1' }) });
    push({ event: 'event.appended', payload: event(3, { subject: 'n3' }) });
    push({ event: 'event.appended', payload: event(4, { subject: null }) });
    expect(client.getQueryData<FleetEvent[]>(eventQueries.list().queryKey)?.map((e) => e.id)).toEqual([4, 3, 2, 1]);
    expect(client.getQueryData<FleetEvent[]>(eventQueries.list('n1').queryKey)?.map((e) => e.id)).toEqual([2, 0]);
    expect(client.getQueryData(eventQueries.list('n3').queryKey)).toBeUndefined();
  });

  it('hostKeys.changed and lab.changed replace their part of the snapshot', () => {
    const { client, push, snapshotKey, getSnapshot } = setup();
    client.setQueryData(snapshotKey, snapshot());
    const prompt = { node: 'n1', host: 'h', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:x', knownHostsFile: 'k' };
    push({ event: 'hostKeys.changed', payload: { pending: [prompt] } });
    const lab = { dir: 'd', inventoryPath: 'i', nodes: 3, faults: [] };
    push({ event: 'lab.changed', payload: lab });
    expect(getSnapshot()?.pendingHostKeys).toEqual([prompt]);
    expect(getSnapshot()?.lab).toEqual(lab);
  });

  it('inventory.changed applies topology and error at once and marks the snapshot for a refetch', () => {
    const { client, push, snapshotKey, getSnapshot } = setup();
    client.setQueryData(snapshotKey, snapshot());
    const error = { code: 'INVENTORY_INVALID' as const, message: 'bad', detail: { errors: [] } };
    push({ event: 'inventory.changed', payload: { topology: snapshot().topology, error } });
    expect(getSnapshot()?.inventoryError).toEqual(error);
    expect(client.getQueryState(snapshotKey)?.isInvalidated).toBe(true);
  });

  it('replicas.updated, loadBalancers.updated, services.updated and labServices.changed fold into the snapshot', () => {
    const { client, push, snapshotKey, getSnapshot } = setup();
    const before = snapshot({ replicas: [replica('r1'), replica('r2')], loadBalancers: [loadBalancer('lb1')], services: [service('llama')] });
    client.setQueryData(snapshotKey, before);
    const r2 = replica('r2', { health: 'throttled', retryAfterSeconds: 30, throttledUntil: 1_700_000_030_000 });
    push({ event: 'replicas.updated', payload: { replicas: [r2] } });
    const lb1 = loadBalancer('lb1', { servers: [lbServer('llama', 'r1'), lbServer('llama', 'r2', { status: 'DRAIN' })] });
    push({ event: 'loadBalancers.updated', payload: { loadBalancers: [lb1] } });
    const llama = service('llama', { burnRate1h: 'infinite' });
    push({ event: 'services.updated', payload: { services: [llama] } });
    const info = labServices();
    push({ event: 'labServices.changed', payload: info });
    const after = getSnapshot();
    expect(after?.replicas).toEqual([before.replicas[0], r2]);
    expect(after?.replicas[0]).toBe(before.replicas[0]);
    expect(after?.loadBalancers[0].servers[1].status).toBe('DRAIN');
    expect(after?.services).toEqual([llama]);
    expect(after?.labServices).toEqual(info);
    push({ event: 'labServices.changed', payload: null });
    expect(getSnapshot()?.labServices).toBeNull();
  });

  it("keeps the identity of a re-polled load balancer's unchanged servers, so their rows skip rendering", () => {
    const { client, push, snapshotKey, getSnapshot } = setup();
    client.setQueryData(snapshotKey, snapshot({ loadBalancers: [loadBalancer('lb1')] }));
    const [r1Before] = getSnapshot()!.loadBalancers[0].servers;
    // What a push delivers: every object new (it crossed JSON), only r2's sessions changed.
    const repolled = loadBalancer('lb1', { lastPollAt: 1_700_000_005_000, servers: [lbServer('llama', 'r1'), lbServer('llama', 'r2', { sessions: 4 })] });
    push({ event: 'loadBalancers.updated', payload: { loadBalancers: [repolled] } });
    const servers = getSnapshot()!.loadBalancers[0].servers;
    expect(servers[0]).toBe(r1Before);
    expect(servers[1].sessions).toBe(4);
    expect(getSnapshot()!.loadBalancers[0].lastPollAt).toBe(1_700_000_005_000);
  });

  it('pushes before the snapshot is loaded do not invent a snapshot', () => {
    const { push, getSnapshot } = setup();
    push({ event: 'nodes.updated', payload: { seq: 1, nodes: [node('n1')], changes: [] } });
    push({ event: 'lab.changed', payload: null });
    push({ event: 'replicas.updated', payload: { replicas: [replica('r1')] } });
    push({ event: 'services.updated', payload: { services: [service('llama')] } });
    expect(getSnapshot()).toBeUndefined();
  });
});

describe('pushes while a snapshot reply is on its way to the cache', () => {
  const prompt = (name: string) => ({ node: name, host: 'h', port: 22, keyType: 'ssh-ed25519', fingerprint: `SHA256:${name}`, knownHostsFile: 'k' });
  /** The snapshot query fetching as the console's does (stored by TanStack, not by hand); the test says when its reply is back. */
  async function fetching(client: QueryClient, key: readonly unknown[]) {
    let answer: ((s: FleetSnapshot) => void) | null = null;
    let fail: ((e: Error) => void) | null = null;
    const done = client
      .fetchQuery({ queryKey: key, queryFn: () => new Promise<FleetSnapshot>((resolve, reject) => ((answer = resolve), (fail = reject))), retry: false })
      .then(() => 'stored', (e: Error) => e.message);
    await vi.waitFor(() => expect(answer).not.toBeNull());
    return { answer: (s: FleetSnapshot) => answer!(s), fail: (e: Error) => fail!(e), done };
  }

  it('one that comes after the reply, before the cache stored it, is applied after it: not lost under the reply', async () => {
    const { client, push, replyArrived, snapshotKey, getSnapshot } = setup();
    const before = snapshot({ nodesSeq: 3 });
    client.setQueryData(snapshotKey, before);
    const refetch = await fetching(client, snapshotKey);
    // The reply (built with no key waiting) arrives; the push right behind it is handled before TanStack stores the reply.
    replyArrived('fleet.snapshot');
    push({ event: 'hostKeys.changed', payload: { pending: [prompt('n1')] } });
    push({ event: 'nodes.updated', payload: { seq: 6, nodes: [], changes: [{ name: 'n2', set: { lastProbeLatencyMs: 77 } }] } });
    // Kept, not patched into the copy about to be replaced.
    expect(getSnapshot()).toBe(before);
    refetch.answer(snapshot({ nodesSeq: 5 }));
    expect(await refetch.done).toBe('stored');
    expect(getSnapshot()?.pendingHostKeys).toEqual([prompt('n1')]);
    expect(getSnapshot()?.nodesSeq).toBe(6);
    expect(getSnapshot()?.nodes[1].lastProbeLatencyMs).toBe(77);
    // In step: the pushes went in after the reply, nothing asked again.
    expect(client.getQueryState(snapshotKey)?.isInvalidated).toBe(false);
    // And once stored, pushes apply at once again.
    push({ event: 'hostKeys.changed', payload: { pending: [] } });
    expect(getSnapshot()?.pendingHostKeys).toEqual([]);
  });

  it('what came before a reply is in it: a newer reply drops what was kept for the one before', async () => {
    const { client, push, replyArrived, snapshotKey, getSnapshot } = setup();
    const fetch = await fetching(client, snapshotKey);
    replyArrived('fleet.snapshot');
    push({ event: 'hostKeys.changed', payload: { pending: [prompt('n1')] } });
    // Another snapshot reply, sent after that push (so built with it, and with n2's key since).
    replyArrived('fleet.snapshot');
    fetch.answer(snapshot({ pendingHostKeys: [prompt('n1'), prompt('n2')] }));
    expect(await fetch.done).toBe('stored');
    expect(getSnapshot()?.pendingHostKeys).toEqual([prompt('n1'), prompt('n2')]);
    // Replies to other calls change nothing.
    replyArrived('node.get');
    push({ event: 'hostKeys.changed', payload: { pending: [] } });
    expect(getSnapshot()?.pendingHostKeys).toEqual([]);
  });

  it('a push writing into the snapshot itself does not end the wait; a fetch that fails hands what was kept to what is cached', async () => {
    const { client, push, replyArrived, snapshotKey, getSnapshot } = setup();
    client.setQueryData(snapshotKey, snapshot());
    const refetch = await fetching(client, snapshotKey);
    replyArrived('fleet.snapshot');
    push({ event: 'hostKeys.changed', payload: { pending: [prompt('n1')] } });
    // A write by hand (a trust mutation's, say) meanwhile: the reply is still not stored.
    client.setQueryData<FleetSnapshot>(snapshotKey, (s) => s && { ...s, lab: null });
    expect(getSnapshot()?.pendingHostKeys).toEqual([]);
    // The reply did not pass the contract check: the fetch fails, the cached copy stays and takes the push.
    refetch.fail(new Error('PARSE_FAILED'));
    expect(await refetch.done).toBe('PARSE_FAILED');
    expect(getSnapshot()?.pendingHostKeys).toEqual([prompt('n1')]);
  });

  it('a fetch cancelled before it stored its reply hands what was kept to what is cached', async () => {
    const { client, push, replyArrived, snapshotKey, getSnapshot } = setup();
    client.setQueryData(snapshotKey, snapshot());
    const refetch = await fetching(client, snapshotKey);
    replyArrived('fleet.snapshot');
    push({ event: 'hostKeys.changed', payload: { pending: [prompt('n1')] } });
    await client.cancelQueries({ queryKey: snapshotKey });
    expect(getSnapshot()?.pendingHostKeys).toEqual([prompt('n1')]);
    refetch.answer(snapshot());
    await refetch.done;
  });

  it(`more than ${SNAPSHOT_HOLD_CAP} pushes kept: none is applied, every query is asked again`, async () => {
    const { client, push, replyArrived, snapshotKey, getSnapshot } = setup();
    client.setQueryData(eventQueries.list().queryKey, []);
    const fetch = await fetching(client, snapshotKey);
    replyArrived('fleet.snapshot');
    for (let i = 0; i <= SNAPSHOT_HOLD_CAP; i++) push({ event: 'hostKeys.changed', payload: { pending: [prompt(`n${i}`)] } });
    fetch.answer(snapshot());
    expect(await fetch.done).toBe('stored');
    expect(getSnapshot()?.pendingHostKeys).toEqual([]);
    expect(client.getQueryState(snapshotKey)?.isInvalidated).toBe(true);
    expect(client.getQueryState(eventQueries.list().queryKey)?.isInvalidated).toBe(true);
  });
});

describe('reconnects', () => {
  it('invalidates every query when the socket opens again, but not on the first open', () => {
    const { client, setState, snapshotKey } = setup({ status: 'connecting' });
    client.setQueryData(snapshotKey, snapshot());
    client.setQueryData(eventQueries.list().queryKey, []);
    setState({ status: 'open' });
    expect(client.getQueryState(snapshotKey)?.isInvalidated).toBe(false);
    setState({ status: 'reconnecting', attempt: 1, retryInMs: 100, lastCloseCode: 1006 });
    expect(client.getQueryState(snapshotKey)?.isInvalidated).toBe(false);
    setState({ status: 'open' });
    expect(client.getQueryState(snapshotKey)?.isInvalidated).toBe(true);
    expect(client.getQueryState(eventQueries.list().queryKey)?.isInvalidated).toBe(true);
  });
});
