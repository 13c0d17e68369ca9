/**
 * serve writes every frame as pure ASCII (electron/serve/frame-encoding.ts): a browser then keeps
 * a message as a one-byte string instead of widening all of it for one "—" in a health reason.
 * The encoding must give back exactly the same value once parsed, whatever the characters
 * (accents, dashes, astral characters as surrogate pairs, line separators, lone surrogates), and
 * the real server must use it for pushes and replies alike.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FleetCore } from '../../../electron/core/fleet/core';
import { createDispatch } from '../../../electron/core/rpc/dispatch';
import { encodeFrame } from '../../../electron/serve/frame-encoding';
import { startServer, type RunningServer } from '../../../electron/serve/server';
import { socketProtocols } from '../../../shared/socket-auth';

const TEXTS = ['GPU 0 lost — drain the node', 'café, naïve, Ünïcödé', 'fire 🚒 and 𝔘', 'line\u2028separator\u2029', 'lone \ud800 surrogate', 'plain ascii', '\u0080\u00ff\u0100\uffff'];
const isAscii = (s: string | Buffer) => [...(typeof s === 'string' ? Buffer.from(s, 'latin1') : s)].every((b) => b < 0x80);

describe('frame encoding', () => {
  it('writes only ASCII and parses back to the same value', () => {
    for (const text of TEXTS) {
      const value = { type: 'event', event: 'event.appended', payload: { message: text, nested: [{ reason: text }], n: 1.5, none: null } };
      const encoded = encodeFrame(value);
      expect([...encoded].every((c) => c.charCodeAt(0) < 0x80), text).toBe(true);
      expect(JSON.parse(encoded)).toEqual(JSON.parse(JSON.stringify(value)));
    }
    expect(encodeFrame({ a: 'plain' })).toBe(JSON.stringify({ a: 'plain' }));
    expect(encodeFrame({ a: '—' })).toBe('{"a":"\\u2014"}');
  });
});

describe('serve sends ASCII frames', () => {
  let dir: string;
  let core: FleetCore;
  let server: RunningServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fleetops-frame-encoding-'));
    core = new FleetCore({ dataDir: join(dir, 'data'), inventoryPath: null, inventoryEnv: { homeDir: dir, defaultUser: 'ops' } });
    await core.start();
    server = await startServer({ dispatch: createDispatch(core.handlers), subscribe: (l) => core.subscribe(l), rendererDir: join(dir, 'renderer') });
  });

  afterAll(async () => {
    await server?.close();
    await core?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('for pushes and replies, with the characters intact', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, socketProtocols(server.token), { headers: { Origin: `http://127.0.0.1:${server.port}` } });
    const raw: Buffer[] = [];
    ws.on('message', (data: Buffer) => raw.push(data));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    try {
      const message = TEXTS.join(' | ');
      // A push (an event row) and a reply (the same row read back) carry every kind of character.
      core.record({ ts: Date.now(), kind: 'test.encoding', subject: null, severity: 'info', message });
      ws.send(JSON.stringify({ id: 1, method: 'events.list', params: { limit: 5 } }));
      const frames = () => raw.map((b) => JSON.parse(b.toString('utf8')) as { type: string; id?: number; event?: string; payload?: { message: string }; result?: Array<{ message: string }> });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no reply in 10 s')), 10_000);
        const check = () => {
          if (!frames().some((f) => f.type === 'reply' && f.id === 1)) return;
          clearTimeout(timer);
          ws.off('message', check);
          resolve();
        };
        ws.on('message', check);
        check();
      });
      const pushed = frames().find((f) => f.type === 'event' && f.event === 'event.appended' && f.payload?.message === message);
      const reply = frames().find((f) => f.type === 'reply' && f.id === 1);
      expect(pushed).toBeDefined();
      // The reply is what the engine answered, character for character (the store keeps text as UTF-8, so compare with it).
      const direct = await createDispatch(core.handlers)('events.list', { limit: 5 });
      expect(direct.ok && direct.result).toEqual(reply?.result);
      expect(reply?.result?.some((e) => e.message.startsWith('GPU 0 lost — drain the node | café'))).toBe(true);
      for (const b of raw) expect(isAscii(b)).toBe(true);
    } finally {
      ws.close();
    }
  });
});
