import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PushEvent } from '../../../shared/contract';
import { FleetApiError } from '../../../renderer/src/api/errors';
import type { ConnectionState } from '../../../renderer/src/api/transport';
import { createWsTransport } from '../../../renderer/src/api/ws-transport';
import { node, snapshot } from './builders';
import { FakeServer } from './fake-socket';

const URL = 'ws://127.0.0.1:1234/ws';

function setup(opts: { callTimeoutMs?: number } = {}) {
  const server = new FakeServer();
  const delays: number[] = [];
  const transport = createWsTransport({
    url: URL,
    connect: server.connect,
    backoff: (attempt) => {
      const ms = attempt * 100;
      delays.push(ms);
      return ms;
    },
    callTimeoutMs: opts.callTimeoutMs,
  });
  const states: ConnectionState[] = [];
  const events: PushEvent[] = [];
  const problems: FleetApiError[] = [];
  transport.onConnection((s) => states.push(s));
  transport.onEvent((e) => events.push(e));
  transport.onProblem((p) => problems.push(p));
  return { server, transport, delays, states, events, problems };
}

async function rejection(promise: Promise<unknown>): Promise<FleetApiError> {
  const err = await promise.then(
    () => {
      throw new Error('expected the call to reject');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FleetApiError);
  return err as FleetApiError;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ws transport: calls', () => {
  it('connects to the given URL, holds calls until open, then sends request envelopes and resolves parsed results', async () => {
    const { server, transport } = setup();
    expect(server.last.url).toBe(URL);
    expect(transport.connection()).toEqual({ status: 'connecting' });
    const pending = transport.call('node.get', { name: 'n1' });
    expect(server.last.sent).toEqual([]);
    server.last.open();
    expect(server.last.sent).toEqual([{ id: 1, method: 'node.get', params: { name: 'n1' } }]);
    server.last.reply(1, node('n1'));
    await expect(pending).resolves.toEqual(node('n1'));
  });

  it('matches replies to calls by id, whatever their order', async () => {
    const { server, transport } = setup();
    server.last.open();
    const a = transport.call('node.get', { name: 'a' });
    const b = transport.call('node.get', { name: 'b' });
    server.last.reply(2, node('b'));
    server.last.reply(1, node('a'));
    expect((await a).name).toBe('a');
    expect((await b).name).toBe('b');
  });

  it('turns an error reply into FleetApiError with code, message and subject', async () => {
    const { server, transport } = setup();
    server.last.open();
    const pending = transport.call('node.get', { name: 'nope' });
    server.last.frame({ type: 'reply', id: 1, ok: false, error: { code: 'NOT_FOUND', message: 'no node nope', subject: 'nope' } });
    const err = await rejection(pending);
    expect([err.code, err.message, err.subject]).toEqual(['NOT_FOUND', 'no node nope', 'nope']);
  });

  it('rejects a result that does not match the method output schema with PARSE_FAILED naming the field', async () => {
    const { server, transport } = setup();
    server.last.open();
    const pending = transport.call('fleet.snapshot', {});
    server.last.reply(1, { ...snapshot(), nodes: 'many' });
    const err = await rejection(pending);
    expect(err.code).toBe('PARSE_FAILED');
    expect(err.message).toContain('fleet.snapshot');
    expect(err.message).toContain('nodes');
  });

  it('rejects a call with CALL_TIMEOUT when no reply comes within the deadline, and ignores the late reply', async () => {
    const { server, transport, problems } = setup({ callTimeoutMs: 5_000 });
    server.last.open();
    const pending = transport.call('node.get', { name: 'n1' });
    const outcome = rejection(pending);
    vi.advanceTimersByTime(4_999);
    let settled = false;
    void pending.catch(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    vi.advanceTimersByTime(1);
    expect((await outcome).code).toBe('CALL_TIMEOUT');
    server.last.reply(1, node('n1'));
    expect(problems).toEqual([]);
  });
});

describe('ws transport: pushed events and bad frames', () => {
  it('delivers contract-valid events, parsed', () => {
    const { server, events } = setup();
    server.last.open();
    const payload = { seq: 2, nodes: [node('n1', { health: 'degraded' })], changes: [{ name: 'n2', set: { health: 'unhealthy' as const }, gpus: [{ at: 0, set: { temperatureC: 90 } }] }] };
    server.last.push('nodes.updated', payload);
    expect(events).toEqual([{ event: 'nodes.updated', payload }]);
  });

  it('reports an invalid payload, an unknown event and an unreadable frame as PARSE_FAILED problems, not events, in the order they came', async () => {
    const { server, events, problems } = setup();
    server.last.open();
    // zod judges this one (parse.ts): what comes after it waits its turn.
    server.last.push('nodes.updated', { seq: 1, nodes: [{ name: 'n1' }], changes: [] });
    server.last.push('nodes.exploded', {});
    server.last.frame('{not json');
    server.last.frame({ type: 'reply' });
    server.last.push('lab.changed', null);
    expect(problems).toEqual([]);
    expect(events).toEqual([]);
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events).toEqual([{ event: 'lab.changed', payload: null }]);
    expect(problems.map((p) => p.code)).toEqual(['PARSE_FAILED', 'PARSE_FAILED', 'PARSE_FAILED', 'PARSE_FAILED']);
    expect(problems[0].message).toContain('nodes.updated');
    expect(problems[1].message).toContain('nodes.exploded');
    expect(problems[2].message).toContain('unreadable frame');
  });

  it('hands a reply and the pushes after it over in the order they came, also when the reply waits for zod', async () => {
    const { server, transport, events } = setup();
    server.last.open();
    const order: string[] = [];
    transport.onEvent((e) => order.push(e.event));
    // An unknown key: zod strips it, so the quick check leaves this reply to zod.
    const pending = transport.call('node.get', { name: 'n1' }).then((n) => {
      order.push(`reply ${n.name}`);
      return n;
    });
    server.last.reply(1, { ...node('n1'), extra: true });
    server.last.push('lab.changed', null);
    expect(events).toEqual([]);
    const n = await pending;
    expect(n).not.toHaveProperty('extra');
    await vi.waitFor(() => expect(order).toEqual(['reply n1', 'lab.changed']));
  });
});

describe('ws transport: replies the server could not attribute', () => {
  it('reports an error reply with id null as a problem carrying the server code, leaving pending calls waiting', async () => {
    const { server, transport, problems } = setup();
    server.last.open();
    const pending = transport.call('node.get', { name: 'n1' });
    server.last.frame({ type: 'reply', id: null, ok: false, error: { code: 'BAD_REQUEST', message: 'frame is not JSON' } });
    expect(problems.map((p) => [p.code, p.message])).toEqual([['BAD_REQUEST', 'frame is not JSON']]);
    server.last.reply(1, node('n1'));
    expect((await pending).name).toBe('n1');
  });
});

describe('ws transport: reconnects', () => {
  it('rejects in-flight calls with CONNECTION_LOST, reconnects after the backoff delay, and reports every state', async () => {
    const { server, transport, states, delays } = setup();
    server.last.open();
    const inFlight = transport.call('node.get', { name: 'n1' });
    server.last.drop(1006);
    expect((await rejection(inFlight)).code).toBe('CONNECTION_LOST');
    expect(transport.connection()).toEqual({ status: 'reconnecting', attempt: 1, retryInMs: 100, lastCloseCode: 1006 });
    vi.advanceTimersByTime(99);
    expect(server.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(server.sockets).toHaveLength(2);
    server.last.open();
    expect(states.map((s) => s.status)).toEqual(['open', 'reconnecting', 'open']);
    expect(delays).toEqual([100]);
  });

  it('backs off further on each failed attempt and starts over after a successful open', () => {
    const { server, delays } = setup();
    server.last.drop();
    vi.advanceTimersByTime(100);
    server.last.drop();
    vi.advanceTimersByTime(200);
    server.last.drop();
    vi.advanceTimersByTime(300);
    expect(delays).toEqual([100, 200, 300]);
    server.last.open();
    server.last.drop();
    expect(delays).toEqual([100, 200, 300, 100]);
  });

  it('holds calls made while reconnecting and sends them on the new socket', async () => {
    const { server, transport } = setup();
    server.last.open();
    server.last.drop();
    const pending = transport.call('fleet.snapshot', {});
    vi.advanceTimersByTime(100);
    server.last.open();
    expect(server.last.sent).toEqual([{ id: 1, method: 'fleet.snapshot', params: {} }]);
    server.last.reply(1, snapshot());
    expect((await pending).nodes).toHaveLength(3);
  });

  it('ignores frames and closes from a socket that was replaced', () => {
    const { server, events, states } = setup();
    server.last.open();
    const old = server.last;
    old.drop();
    vi.advanceTimersByTime(100);
    server.last.open();
    old.push('lab.changed', null);
    old.drop();
    expect(events).toEqual([]);
    expect(states.at(-1)).toEqual({ status: 'open' });
  });

  it('treats a socket constructor that throws as a failed attempt, reported as a problem', async () => {
    let calls = 0;
    const server = new FakeServer();
    const problems: FleetApiError[] = [];
    const transport = createWsTransport({
      url: URL,
      backoff: () => 50,
      connect: (url, handlers, protocols) => {
        calls++;
        if (calls === 1) throw new SyntaxError('bad url');
        return server.connect(url, handlers, protocols);
      },
    });
    transport.onProblem((p) => problems.push(p));
    await Promise.resolve();
    expect(problems.map((p) => [p.code, p.message])).toEqual([['INTERNAL', 'cannot open the WebSocket: bad url']]);
    expect(transport.connection().status).toBe('reconnecting');
    vi.advanceTimersByTime(50);
    server.last.open();
    expect(transport.connection().status).toBe('open');
  });
});

describe('ws transport: token as a subprotocol', () => {
  it('offers the same subprotocols on the first connect and every reconnect, to a URL without the token', () => {
    const opened: Array<{ url: string; protocols: readonly string[] }> = [];
    const server = new FakeServer();
    const protocols = ['fleetops.v1', 'fleetops.token.dA'];
    createWsTransport({
      url: URL,
      protocols,
      backoff: () => 10,
      connect: (url, handlers, offered) => {
        opened.push({ url, protocols: offered });
        return server.connect(url, handlers, offered);
      },
    });
    server.last.open();
    server.last.drop(1006);
    vi.advanceTimersByTime(10);
    expect(opened).toEqual([
      { url: URL, protocols },
      { url: URL, protocols },
    ]);
  });
});

describe('ws transport: bad token and closing', () => {
  it('stops on close code 4401, rejects waiting and later calls with UNAUTHORIZED, and never reconnects', async () => {
    const { server, transport } = setup();
    const queued = transport.call('fleet.snapshot', {});
    server.last.drop(4401, 'bad token');
    const err = await rejection(queued);
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.message).toBe("this link's token is not valid; open the URL the server printed");
    expect(transport.connection()).toEqual({ status: 'unauthorized' });
    vi.advanceTimersByTime(60_000);
    expect(server.sockets).toHaveLength(1);
    expect((await rejection(transport.call('fleet.snapshot', {}))).code).toBe('UNAUTHORIZED');
  });

  it('close() closes the socket normally, rejects what waits and cancels a pending reconnect', async () => {
    const { server, transport } = setup();
    server.last.open();
    const inFlight = transport.call('fleet.snapshot', {});
    transport.close();
    expect(server.last.closedWith).toEqual({ code: 1000, reason: 'page closed' });
    expect((await rejection(inFlight)).code).toBe('CONNECTION_LOST');
    expect(transport.connection()).toEqual({ status: 'closed' });
    server.last.drop(1000);
    vi.advanceTimersByTime(60_000);
    expect(server.sockets).toHaveLength(1);
  });
});
