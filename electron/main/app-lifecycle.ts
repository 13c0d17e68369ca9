/**
 * The desktop app's start and end, against the few `app` / window surfaces they use (typed
 * structurally, tested in Node): one instance per user, and a quit that lets the engine finish
 * stopping (runbook journal, audit log, SQLite) before the process goes.
 */

export interface SingleInstanceAppLike {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: (...args: unknown[]) => void): unknown;
}

export interface FocusableWindowLike {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/**
 * Takes the single-instance lock. Without it (another fleetops already runs for this user: two
 * engines would probe, journal and hold runbook locks over the same data directory) this
 * instance quits and returns false; Electron then tells the first one, which brings its window
 * forward, or opens one when it has none (macOS keeps running with no window).
 */
export function claimSingleInstance(
  app: SingleInstanceAppLike,
  currentWindow: () => FocusableWindowLike | null,
  openWindow: () => void,
): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    const win = currentWindow();
    if (!win || win.isDestroyed()) {
      openWindow();
      return;
    }
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  });
  return true;
}

export interface QuitAppLike {
  on(event: 'will-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

export interface StoppableLike {
  stop(): Promise<void>;
}

export const DEFAULT_STOP_TIMEOUT_MS = 10_000;

export interface QuitOptions {
  timeoutMs?: number;
  log?: (message: string) => void;
  /** Timers, replaceable so a test decides when the deadline passes. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * On the first 'will-quit' (every window is closed by then, so no call can reach the engine)
 * the quit is held while `core.stop()` runs, for at most `timeoutMs`; then the app quits for
 * real, saying so when the engine did not stop in time or failed to. A second quit request
 * while stopping is held too; the quit after stopping passes.
 */
export function stopBeforeQuit(app: QuitAppLike, core: StoppableLike, opts: QuitOptions = {}): void {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  const log = opts.log ?? ((m: string) => console.warn(m));
  const setTimer = opts.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = opts.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let phase: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('will-quit', (event) => {
    if (phase === 'stopped') return;
    event.preventDefault();
    if (phase === 'stopping') return;
    phase = 'stopping';
    let settled = false;
    const finish = (message: string | null) => {
      if (settled) return;
      settled = true;
      clearTimer(timer);
      if (message) log(message);
      phase = 'stopped';
      app.quit();
    };
    const timer = setTimer(
      () => finish(`fleetops: the engine did not stop within ${timeoutMs / 1000} s; quitting anyway (a runbook cut short is found as interrupted at the next start)`),
      timeoutMs,
    );
    core.stop().then(
      () => finish(null),
      (err: unknown) => finish(`fleetops: stopping the engine failed (${(err as Error)?.message ?? String(err)}); quitting anyway`),
    );
  });
}
