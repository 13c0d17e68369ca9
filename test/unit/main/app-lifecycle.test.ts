/**
 * The desktop's start and end with fake `app`, window and engine objects: a second instance
 * quits and the first brings its window forward; a quit is held until the engine has stopped,
 * for a bounded time, and goes through afterwards.
 */
import { describe, expect, it } from 'vitest';
import { claimSingleInstance, DEFAULT_STOP_TIMEOUT_MS, stopBeforeQuit, type FocusableWindowLike } from '../../../electron/main/app-lifecycle';

type Listener = (...args: never[]) => void;

class FakeApp {
  readonly listeners = new Map<string, Listener[]>();
  quits = 0;
  constructor(private readonly lock = true) {}
  requestSingleInstanceLock(): boolean {
    return this.lock;
  }
  quit(): void {
    this.quits++;
  }
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  /** Emits like Electron: returns whether some listener prevented the default. */
  emit(event: string, ...args: unknown[]): boolean {
    let prevented = false;
    const e = { preventDefault: () => void (prevented = true) };
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(event === 'will-quit' ? e : undefined, ...args);
    return prevented;
  }
}

function fakeWindow(minimized: boolean): FocusableWindowLike & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    isDestroyed: () => false,
    isMinimized: () => minimized,
    restore: () => void calls.push('restore'),
    show: () => void calls.push('show'),
    focus: () => void calls.push('focus'),
  };
}

describe('single instance', () => {
  it('a second instance quits without starting anything', () => {
    const app = new FakeApp(false);
    let opened = 0;
    expect(claimSingleInstance(app, () => null, () => void opened++)).toBe(false);
    expect(app.quits).toBe(1);
    expect(app.listeners.has('second-instance')).toBe(false);
    expect(opened).toBe(0);
  });

  it('the first instance keeps running and brings its window forward when another is launched', () => {
    const app = new FakeApp(true);
    const win = fakeWindow(true);
    expect(claimSingleInstance(app, () => win, () => undefined)).toBe(true);
    expect(app.quits).toBe(0);
    app.emit('second-instance', ['fleetops'], '/home/op');
    expect(win.calls).toEqual(['restore', 'show', 'focus']);
    const shown = fakeWindow(false);
    const app2 = new FakeApp(true);
    claimSingleInstance(app2, () => shown, () => undefined);
    app2.emit('second-instance');
    expect(shown.calls).toEqual(['show', 'focus']);
  });

  it('opens a window when the first instance has none (or only a destroyed one)', () => {
    const app = new FakeApp(true);
    let opened = 0;
    let current: FocusableWindowLike | null = null;
    claimSingleInstance(app, () => current, () => void opened++);
    app.emit('second-instance');
    expect(opened).toBe(1);
    current = { ...fakeWindow(false), isDestroyed: () => true };
    app.emit('second-instance');
    expect(opened).toBe(2);
  });
});

/** An engine whose stop() the test finishes by hand. */
function controllableCore() {
  let finish!: (err?: Error) => void;
  let stops = 0;
  const core = {
    stop: () => {
      stops++;
      return new Promise<void>((resolve, reject) => (finish = (err) => (err ? reject(err) : resolve())));
    },
  };
  return { core, finish: (err?: Error) => finish(err), stops: () => stops };
}

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  return {
    pending,
    setTimer: (fn: () => void, ms: number) => (pending.set(next, { fn, ms }), next++),
    clearTimer: (h: unknown) => void pending.delete(h as number),
    fire: () => {
      for (const [id, t] of [...pending]) {
        pending.delete(id);
        t.fn();
      }
    },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('quit waits for the engine', () => {
  it('holds the quit until core.stop() resolves, then quits for real (and lets that quit pass)', async () => {
    const app = new FakeApp();
    const { core, finish, stops } = controllableCore();
    const timers = manualTimers();
    const log: string[] = [];
    stopBeforeQuit(app, core, { setTimer: timers.setTimer, clearTimer: timers.clearTimer, log: (m) => log.push(m) });

    expect(app.emit('will-quit')).toBe(true);
    expect(stops()).toBe(1);
    expect(app.quits).toBe(0);
    // Asking again while stopping is held as well, and does not stop twice.
    expect(app.emit('will-quit')).toBe(true);
    expect(stops()).toBe(1);

    finish();
    await flush();
    expect(app.quits).toBe(1);
    expect(timers.pending.size).toBe(0);
    expect(log).toEqual([]);
    // The quit that follows goes through.
    expect(app.emit('will-quit')).toBe(false);
    expect(stops()).toBe(1);
  });

  it('quits anyway after the deadline (10 s by default), saying so', async () => {
    const app = new FakeApp();
    const { core, finish } = controllableCore();
    const timers = manualTimers();
    const log: string[] = [];
    stopBeforeQuit(app, core, { setTimer: timers.setTimer, clearTimer: timers.clearTimer, log: (m) => log.push(m) });
    app.emit('will-quit');
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([DEFAULT_STOP_TIMEOUT_MS]);
    expect(DEFAULT_STOP_TIMEOUT_MS).toBe(10_000);
    timers.fire();
    expect(app.quits).toBe(1);
    expect(log).toEqual([expect.stringMatching(/did not stop within 10 s; quitting anyway/)]);
    // A stop finishing late changes nothing.
    finish();
    await flush();
    expect(app.quits).toBe(1);
    expect(app.emit('will-quit')).toBe(false);
  });

  it('quits anyway when stopping fails, saying why', async () => {
    const app = new FakeApp();
    const { core, finish } = controllableCore();
    const log: string[] = [];
    stopBeforeQuit(app, core, { timeoutMs: 50, log: (m) => log.push(m) });
    app.emit('will-quit');
    finish(new Error('database is locked'));
    await flush();
    expect(app.quits).toBe(1);
    expect(log).toEqual([expect.stringContaining('stopping the engine failed (database is locked); quitting anyway')]);
  });

  it('with real timers, a stop that never ends is cut off at timeoutMs', async () => {
    const app = new FakeApp();
    const log: string[] = [];
    stopBeforeQuit(app, { stop: () => new Promise<void>(() => undefined) }, { timeoutMs: 30, log: (m) => log.push(m) });
    const t0 = Date.now();
    app.emit('will-quit');
    await new Promise((r) => setTimeout(r, 80));
    expect(app.quits).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(30);
    expect(log[0]).toContain('within 0.03 s');
  });
});
