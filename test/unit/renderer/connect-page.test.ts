/**
 * The page's start, as start.tsx runs it (connectPage → the real selectTransport → the real ws
 * transport taking over the page's early socket): what the early socket received before the
 * transport took it — the snapshot's reply and the pushes the server sent after it — all reach
 * the cache. Seen failing in the browser (e2e host-key): a node's unknown key pushed right after
 * the snapshot was never listed, because the cache's listeners were attached after an `await`
 * (the socket's buffered frames had been handed on by then, to nobody) and a push applied before
 * the snapshot was stored found no snapshot to change.
 * Also over IPC: a push the main process sends while the page starts is not lost.
 */
import { QueryClient } from '@tanstack/query-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FleetSnapshot } from '../../../shared/contract';
import { socketProtocols } from '../../../shared/socket-auth';
import type { HostKeyPrompt } from '../../../shared/status';
import { connectPage } from '../../../renderer/src/api/connect-page';
import { installTransport } from '../../../renderer/src/api/client';
import { adoptingEarly, openEarlySocket, PAGE_EARLY_CALL, setPageEarlySocket, takePageEarlySocket, type RawSocket } from '../../../renderer/src/api/early-socket';
import { syncCacheWithTransport } from '../../../renderer/src/api/push-sync';
import { createWsTransport } from '../../../renderer/src/api/ws-transport';
import { fleetQueries } from '../../../renderer/src/api/queries/fleet';
import { nodeSummary } from '../../../shared/node-summary';
import type { Transport } from '../../../renderer/src/api/transport';
import { node, snapshot } from './builders';

class FakeRaw implements RawSocket {
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  readonly sent: unknown[] = [];
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {}
  frame(value: unknown): void {
    this.onmessage?.({ data: JSON.stringify(value) });
  }
}

const TOKEN = 'abcdefgh12345678';
const prompt = (name: string): HostKeyPrompt => ({ node: name, host: '127.0.0.1', port: 2200, keyType: 'ssh-ed25519', fingerprint: `SHA256:${name}`, knownHostsFile: 'known_hosts' });

/** The browser globals selectTransport reads, for a tab opened with the printed URL (`?token=`). */
function browserTab(): void {
  const storage = new Map<string, string>();
  vi.stubGlobal('window', {
    location: { protocol: 'http:', host: '127.0.0.1:8080', pathname: '/', search: `?token=${TOKEN}`, hash: '' },
    sessionStorage: { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) },
    history: { state: null, replaceState: () => undefined },
  });
  // No other tabs to ask (and nothing left listening when the test ends).
  vi.stubGlobal('BroadcastChannel', undefined);
}

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  takePageEarlySocket();
  vi.unstubAllGlobals();
});

function started(client: QueryClient, transport: Transport): void {
  stops.push(() => {
    client.clear();
    transport.close();
  });
}

describe('the page start keeps what the server sent while it evaluated', () => {
  it('a push after the early snapshot reply, received before the transport took the socket, is in the cache; no second fetch', async () => {
    browserTab();
    let raw: FakeRaw | null = null;
    setPageEarlySocket(openEarlySocket('ws://127.0.0.1:8080/ws', socketProtocols(TOKEN), (url) => (raw = new FakeRaw(url)), PAGE_EARLY_CALL));
    const socket = raw as unknown as FakeRaw;
    // While the console's code evaluates: the socket opens, the snapshot comes (one node's key
    // waiting), then the second node's probe meets an unknown key too, and the first node's probe.
    socket.onopen?.();
    const n1 = node('n1');
    const atReply = snapshot({ nodes: [n1, node('n2')], pendingHostKeys: [prompt('n2')], nodesSeq: 7 });
    socket.frame({ type: 'reply', id: PAGE_EARLY_CALL.id, ok: true, result: atReply });
    socket.frame({ type: 'event', event: 'hostKeys.changed', payload: { pending: [prompt('n2'), prompt('n1')] } });
    socket.frame({ type: 'event', event: 'nodes.updated', payload: { seq: 8, nodes: [], changes: [{ name: 'n1', set: { lastProbeLatencyMs: 41 } }] } });

    const client = new QueryClient();
    const { transport } = await connectPage(client);
    started(client, transport);
    const cached = () => client.getQueryData<FleetSnapshot>(fleetQueries.snapshot().queryKey);
    await vi.waitFor(() => expect(cached()).toBeDefined());
    await new Promise((r) => setTimeout(r, 0));
    expect(cached()?.pendingHostKeys.map((p) => p.node)).toEqual(['n2', 'n1']);
    expect(cached()?.nodesSeq).toBe(8);
    expect(cached()?.nodes[0]).toEqual(nodeSummary({ ...n1, lastProbeLatencyMs: 41 }));
    // The early reply was taken, and nothing was asked again (a missed nodes.updated would have refetched the whole snapshot).
    expect(socket.sent).toEqual([]);
  });

  it('a snapshot call made only after the early reply came takes it; the pushes since are applied after it', async () => {
    let raw: FakeRaw | null = null;
    const early = openEarlySocket('ws://127.0.0.1:8080/ws', socketProtocols(TOKEN), (url) => (raw = new FakeRaw(url)), PAGE_EARLY_CALL);
    const socket = raw as unknown as FakeRaw;
    const transport = createWsTransport({ url: 'ws://127.0.0.1:8080/ws', protocols: socketProtocols(TOKEN), connect: adoptingEarly(early, () => { throw new Error('no second socket'); }) });
    const client = new QueryClient();
    started(client, transport);
    const uninstall = installTransport(transport);
    stops.push(uninstall);
    syncCacheWithTransport(client, transport);
    await Promise.resolve();
    socket.onopen?.();
    socket.frame({ type: 'reply', id: PAGE_EARLY_CALL.id, ok: true, result: snapshot({ pendingHostKeys: [prompt('n2')] }) });
    socket.frame({ type: 'event', event: 'hostKeys.changed', payload: { pending: [prompt('n2'), prompt('n1')] } });
    // Nobody has asked for the snapshot yet: nothing to apply the push to, and the reply it follows is kept for its caller.
    expect(client.getQueryData(fleetQueries.snapshot().queryKey)).toBeUndefined();
    await client.prefetchQuery(fleetQueries.snapshot());
    expect(client.getQueryData<FleetSnapshot>(fleetQueries.snapshot().queryKey)?.pendingHostKeys.map((p) => p.node)).toEqual(['n2', 'n1']);
    expect(socket.sent).toEqual([]);
  });

  it('over IPC: a push the main process sends while the page starts reaches the cache after the snapshot', async () => {
    let listener: ((e: { event: string; payload: unknown }) => void) | null = null;
    let answer: (() => void) | null = null;
    const atReply = snapshot({ pendingHostKeys: [prompt('n2')] });
    vi.stubGlobal('window', {
      fleet: {
        // The reply arrives, and the push right behind it, before the page's cache has stored it.
        invoke: () =>
          new Promise((resolve) => {
            answer = () => {
              resolve({ ok: true, result: structuredClone(atReply) });
              queueMicrotask(() => listener?.({ event: 'hostKeys.changed', payload: { pending: [prompt('n2'), prompt('n1')] } }));
            };
          }),
        on: (l: typeof listener) => {
          listener = l;
          return () => (listener = null);
        },
      },
    });
    const client = new QueryClient();
    const { transport } = await connectPage(client);
    started(client, transport);
    await vi.waitFor(() => expect(answer).not.toBeNull());
    answer!();
    const cached = () => client.getQueryData<FleetSnapshot>(fleetQueries.snapshot().queryKey);
    await vi.waitFor(() => expect(cached()).toBeDefined());
    await new Promise((r) => setTimeout(r, 0));
    expect(cached()?.pendingHostKeys.map((p) => p.node)).toEqual(['n2', 'n1']);
  });
});
