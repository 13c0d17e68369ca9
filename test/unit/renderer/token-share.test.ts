import { describe, expect, it } from 'vitest';
import { answerTokenRequests, requestToken, type TokenChannel } from '../../../renderer/src/api/token-share';

/** BroadcastChannel as browsers run it: a message reaches every other channel of the same name, never its sender. */
class Bus {
  private channels = new Set<FakeChannel>();
  open(): FakeChannel {
    const c = new FakeChannel(this);
    this.channels.add(c);
    return c;
  }
  deliver(from: FakeChannel, message: unknown): void {
    for (const c of this.channels) if (c !== from) c.receive(structuredClone(message));
  }
}

class FakeChannel implements TokenChannel {
  private listeners = new Set<(e: { data: unknown }) => void>();
  constructor(private bus: Bus) {}
  postMessage(message: unknown): void {
    this.bus.deliver(this, message);
  }
  addEventListener(_type: 'message', l: (e: { data: unknown }) => void): void {
    this.listeners.add(l);
  }
  removeEventListener(_type: 'message', l: (e: { data: unknown }) => void): void {
    this.listeners.delete(l);
  }
  receive(data: unknown): void {
    for (const l of [...this.listeners]) l({ data });
  }
  get listening(): number {
    return this.listeners.size;
  }
}

/** Timers that fire only when told to: no test waits on the clock. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 1;
  return {
    set: (fn: () => void) => {
      const id = next++;
      pending.set(id, fn);
      return id;
    },
    clear: (id: unknown) => void pending.delete(id as number),
    fireAll: () => [...pending.values()].forEach((fn) => fn()),
    get count() {
      return pending.size;
    },
  };
}

describe('token handoff between console tabs', () => {
  it('a new tab gets the token of an open console tab', async () => {
    const bus = new Bus();
    const open = bus.open();
    answerTokenRequests(open, () => 'the-token');
    const fresh = bus.open();
    const timers = manualTimers();
    await expect(requestToken(fresh, 400, timers)).resolves.toBe('the-token');
    // Answered: its timer and listener are gone.
    expect(timers.count).toBe(0);
    expect(fresh.listening).toBe(0);
  });

  it('a tab that has no accepted token does not answer, and the asker gets null when its wait ends', async () => {
    const bus = new Bus();
    answerTokenRequests(bus.open(), () => null);
    const fresh = bus.open();
    const timers = manualTimers();
    const asked = requestToken(fresh, 400, timers);
    timers.fireAll();
    await expect(asked).resolves.toBeNull();
    expect(fresh.listening).toBe(0);
  });

  it('ignores messages that are not the protocol (another page’s, a malformed answer)', async () => {
    const bus = new Bus();
    const other = bus.open();
    const fresh = bus.open();
    const timers = manualTimers();
    const asked = requestToken(fresh, 400, timers);
    for (const junk of [null, 'token', { type: 'token' }, { type: 'token', token: '' }, { type: 'token', token: 42 }, { type: 'token', token: 'x'.repeat(5000) }]) other.postMessage(junk);
    timers.fireAll();
    await expect(asked).resolves.toBeNull();
  });

  it('waits on the real clock by default (navigation.test.ts proves it in a browser, where a bare setTimeout method throws)', async () => {
    await expect(requestToken(new Bus().open(), 1)).resolves.toBeNull();
  });

  it('stops answering once stopped', () => {
    const bus = new Bus();
    const open = bus.open();
    const stop = answerTokenRequests(open, () => 't');
    stop();
    expect(open.listening).toBe(0);
  });
});
