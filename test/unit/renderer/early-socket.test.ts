/**
 * The socket the page opens before its entry has evaluated (renderer/src/api/early-socket.ts),
 * taken over by the real ws transport: what it reported before — open, messages, a close — is
 * handed on in order once the transport holds it (never during the transport's own connect
 * call), a call made before it opened goes out once it has, a reconnect opens a new socket, and
 * an early socket nobody can use (another URL or token) is closed, not left open. The page's
 * early socket also asks for the snapshot, in its URL; the transport's first snapshot
 * call adopts that request (its reply, whether it came before or after the call) instead of
 * asking again — once, on that socket only, and not past a call's timeout.
 */
import { describe, expect, it } from 'vitest';
import { adoptingEarly, openEarlySocket, PAGE_EARLY_CALL, type RawSocket } from '../../../renderer/src/api/early-socket';
import { createWsTransport } from '../../../renderer/src/api/ws-transport';
import type { ConnectionState } from '../../../renderer/src/api/transport';
import { FakeServer } from './fake-socket';
import { snapshot } from './builders';

class FakeRaw implements RawSocket {
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  readonly sent: unknown[] = [];
  closedWith: { code?: number; reason?: string } | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
  }
}

const URL = 'ws://127.0.0.1:1234/ws';
const PROTOCOLS = ['fleetops.v1', 'fleetops.token.abc'];
const tick = () => new Promise<void>((r) => queueMicrotask(r));

function early(firstCall?: typeof PAGE_EARLY_CALL) {
  let raw: FakeRaw | null = null;
  const socket = openEarlySocket(URL, PROTOCOLS, (url, protocols) => (raw = new FakeRaw(url, protocols)), firstCall);
  return { socket, raw: raw as unknown as FakeRaw };
}

const snapshotReply = (id: number) => ({ data: JSON.stringify({ type: 'reply', id, ok: true, result: snapshot() }) });

describe('early socket', () => {
  it('opens at once with the URL and protocols, and keeps what it reports until the transport takes it', async () => {
    const { socket, raw } = early();
    expect([raw.url, raw.protocols]).toEqual([URL, PROTOCOLS]);
    raw.onopen?.();
    raw.onmessage?.({ data: JSON.stringify({ type: 'event', event: 'lab.changed', payload: null }) });
    const server = new FakeServer();
    const states: ConnectionState['status'][] = [];
    const transport = createWsTransport({ url: URL, protocols: PROTOCOLS, connect: adoptingEarly(socket, server.connect) });
    const events: string[] = [];
    transport.onEvent((e) => events.push(e.event));
    transport.onConnection((s) => states.push(s.status));
    // Asked before the transport has heard of the open: sent once it has.
    const reply = transport.call('fleet.snapshot', {});
    expect(transport.connection().status).toBe('connecting');
    expect(raw.sent).toEqual([]);
    await tick();
    expect(states).toEqual(['open']);
    expect(events).toEqual(['lab.changed']);
    expect(raw.sent).toEqual([{ id: 1, method: 'fleet.snapshot', params: {} }]);
    // Live from now on.
    raw.onmessage?.({ data: JSON.stringify({ type: 'reply', id: 1, ok: true, result: snapshot() }) });
    expect((await reply).nodes).toHaveLength(3);
    expect(server.sockets).toHaveLength(0);
    // A drop: the next socket is a new one, from the fallback.
    raw.onclose?.({ code: 1006, reason: '' });
    expect(transport.connection().status).toBe('reconnecting');
    transport.close();
  });

  it('a close it saw before the transport took it is reported then, and the transport reconnects with a new socket', async () => {
    const { socket, raw } = early();
    raw.onclose?.({ code: 1006, reason: 'refused' });
    const server = new FakeServer();
    const transport = createWsTransport({ url: URL, protocols: PROTOCOLS, connect: adoptingEarly(socket, server.connect), backoff: () => 0 });
    await tick();
    expect(transport.connection()).toMatchObject({ status: 'reconnecting', lastCloseCode: 1006 });
    await new Promise((r) => setTimeout(r, 0));
    expect(server.sockets).toHaveLength(1);
    transport.close();
  });

  it('one that does not match the transport’s URL or token is closed, and a socket of its own is opened', () => {
    for (const [url, protocols] of [
      ['ws://127.0.0.1:9999/ws', PROTOCOLS],
      [URL, ['fleetops.v1', 'fleetops.token.other']],
    ] as const) {
      const { socket, raw } = early();
      const server = new FakeServer();
      const transport = createWsTransport({ url, protocols, connect: adoptingEarly(socket, server.connect) });
      expect(raw.closedWith).toEqual({ code: 1000, reason: 'not used' });
      expect(server.sockets.map((s) => s.url)).toEqual([url]);
      transport.close();
    }
  });

  describe('its first call', () => {
    it('the snapshot is asked in the socket’s URL (the server answers it once the handshake is done), and the transport’s snapshot call takes its reply instead of asking again', async () => {
      const { socket, raw } = early(PAGE_EARLY_CALL);
      expect(raw.url).toBe(`${URL}?first=fleet.snapshot`);
      raw.onopen?.();
      expect(raw.sent).toEqual([]);
      const transport = createWsTransport({ url: URL, protocols: PROTOCOLS, connect: adoptingEarly(socket, new FakeServer().connect) });
      const reply = transport.call('fleet.snapshot', {});
      const other = transport.call('runs.list', {});
      await tick();
      // Only the other call went out; the snapshot was asked once, in the URL.
      expect(raw.sent).toEqual([{ id: 2, method: 'runs.list', params: {} }]);
      raw.onmessage?.(snapshotReply(0));
      expect((await reply).nodes).toHaveLength(3);
      raw.onmessage?.({ data: JSON.stringify({ type: 'reply', id: 2, ok: true, result: [] }) });
      expect(await other).toEqual([]);
      // Adopted once: a second snapshot call is a call of its own.
      const again = transport.call('fleet.snapshot', {});
      expect(raw.sent.at(-1)).toEqual({ id: 3, method: 'fleet.snapshot', params: {} });
      raw.onmessage?.(snapshotReply(3));
      expect((await again).nodes).toHaveLength(3);
      transport.close();
    });

    it('a reply that came before anyone asked is kept for the first caller, even one made after the transport took the socket', async () => {
      const { socket, raw } = early(PAGE_EARLY_CALL);
      raw.onopen?.();
      raw.onmessage?.(snapshotReply(0));
      const transport = createWsTransport({ url: URL, protocols: PROTOCOLS, connect: adoptingEarly(socket, new FakeServer().connect) });
      await tick();
      // Handed to the transport already; the call comes later.
      const reply = transport.call('fleet.snapshot', {});
      expect((await reply).nodes).toHaveLength(3);
      expect(raw.sent).toEqual([]);
      transport.close();
    });

    it('is not taken by a call with other parameters, nor after its socket dropped, nor once a call’s timeout has passed', async () => {
      // Other parameters.
      {
        // Not a call the server takes in the URL: sent as the socket opens.
        const { socket, raw } = early({ id: 0, method: 'events.list', params: { limit: 10 } });
        expect(raw.url).toBe(URL);
        raw.onopen?.();
        const transport = createWsTransport({ url: URL, protocols: PROTOCOLS, connect: adoptingEarly(socket, new FakeServer().connect) });
        await tick();
        void transport.call('events.list', { limit: 20 }).catch(() => undefined);
        expect(raw.sent).toEqual([
          { id: 0, method: 'events.list', params: { limit: 10 } },
          { id: 1, method: 'events.list', params: { limit: 20 } },
        ]);
        transport.close();
      }
      // The socket dropped before the call: the reconnected socket is asked.
      {
        const { socket, raw } = early(PAGE_EARLY_CALL);
        raw.onopen?.();
        const server = new FakeServer();
        const transport = createWsTransport({ url: URL, protocols: PROTOCOLS, connect: adoptingEarly(socket, server.connect), backoff: () => 0 });
        await tick();
        raw.onclose?.({ code: 1006, reason: '' });
        await new Promise((r) => setTimeout(r, 0));
        const reply = transport.call('fleet.snapshot', {});
        const next = server.sockets[0];
        next.open();
        expect(next.sent).toEqual([{ id: 1, method: 'fleet.snapshot', params: {} }]);
        next.reply(1, snapshot());
        expect((await reply).nodes).toHaveLength(3);
        transport.close();
      }
      // Nobody asked within a call's timeout: forgotten, its late reply too.
      {
        const { socket, raw } = early(PAGE_EARLY_CALL);
        raw.onopen?.();
        const transport = createWsTransport({ url: URL, protocols: PROTOCOLS, connect: adoptingEarly(socket, new FakeServer().connect), callTimeoutMs: 5 });
        await tick();
        await new Promise((r) => setTimeout(r, 20));
        raw.onmessage?.(snapshotReply(0));
        void transport.call('fleet.snapshot', {}).catch(() => undefined);
        expect(raw.sent.at(-1)).toEqual({ id: 1, method: 'fleet.snapshot', params: {} });
        transport.close();
      }
    });

    it('taken before the socket opened, then the socket closed without opening: the call goes out on the next socket, not lost', async () => {
      const { socket, raw } = early(PAGE_EARLY_CALL);
      const server = new FakeServer();
      const transport = createWsTransport({ url: URL, protocols: PROTOCOLS, connect: adoptingEarly(socket, server.connect), backoff: () => 0 });
      const reply = transport.call('fleet.snapshot', {});
      const other = transport.call('runs.list', {});
      await tick();
      // It never opened, so it never sent the snapshot request.
      raw.onclose?.({ code: 1006, reason: '' });
      expect(raw.sent).toEqual([]);
      await new Promise((r) => setTimeout(r, 0));
      const next = server.sockets[0];
      next.open();
      // Asked first, sent first.
      expect(next.sent).toEqual([
        { id: 1, method: 'fleet.snapshot', params: {} },
        { id: 2, method: 'runs.list', params: {} },
      ]);
      next.reply(1, snapshot());
      next.reply(2, []);
      expect((await reply).nodes).toHaveLength(3);
      expect(await other).toEqual([]);
      transport.close();
    });

    it('is not offered when the socket closed before it could be sent', async () => {
      const { socket, raw } = early(PAGE_EARLY_CALL);
      raw.onclose?.({ code: 1006, reason: '' });
      const server = new FakeServer();
      const transport = createWsTransport({ url: URL, protocols: PROTOCOLS, connect: adoptingEarly(socket, server.connect), backoff: () => 0 });
      const reply = transport.call('fleet.snapshot', {});
      await tick();
      await new Promise((r) => setTimeout(r, 0));
      expect(raw.sent).toEqual([]);
      server.sockets[0].open();
      expect(server.sockets[0].sent).toEqual([{ id: 1, method: 'fleet.snapshot', params: {} }]);
      server.sockets[0].reply(1, snapshot());
      expect((await reply).nodes).toHaveLength(3);
      transport.close();
    });
  });
});
