/**
 * main.tsx evaluates the console's code only once the socket has settled (open, or failed and
 * saying why), so the snapshot request leaves first; a socket that never answers holds the
 * console back no longer than the cap (renderer/src/api/connection-settled.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectionSettled } from '../../../renderer/src/api/connection-settled';
import { Listeners, type ConnectionState } from '../../../renderer/src/api/transport';

function transport(initial: ConnectionState) {
  let state = initial;
  const listeners = new Listeners<ConnectionState>();
  return {
    connection: () => state,
    onConnection: (l: (s: ConnectionState) => void) => listeners.add(l),
    set(s: ConnectionState) {
      state = s;
      listeners.emit(s);
    },
  };
}

afterEach(() => void vi.useRealTimers());

describe('connectionSettled', () => {
  it('resolves at once when the transport is not connecting (IPC is always open)', async () => {
    await expect(connectionSettled(transport({ status: 'open' }), 1000)).resolves.toBeUndefined();
    await expect(connectionSettled(transport({ status: 'unauthorized' }), 1000)).resolves.toBeUndefined();
  });

  it('resolves when the socket opens, or fails, whichever comes', async () => {
    vi.useFakeTimers();
    for (const next of [{ status: 'open' }, { status: 'reconnecting', attempt: 1, retryInMs: 500, lastCloseCode: 1006 }, { status: 'unauthorized' }] as ConnectionState[]) {
      const t = transport({ status: 'connecting' });
      let settled = false;
      void connectionSettled(t, 1000).then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(10);
      expect(settled).toBe(false);
      t.set(next);
      await vi.advanceTimersByTimeAsync(0);
      expect(settled).toBe(true);
    }
  });

  it('gives up waiting after the cap', async () => {
    vi.useFakeTimers();
    let settled = false;
    void connectionSettled(transport({ status: 'connecting' }), 1000).then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
  });
});
