/**
 * Debian's Chromium (the e2e tests' binary and flags) driven over a bare DevTools protocol
 * connection, for bench/ui.ts. Not Playwright: a Playwright page has the DevTools Network
 * domain on, and with it Chromium's renderer copies every WebSocket frame it receives into the
 * inspector (and serializes it for the protocol) on the page's main thread before the page sees
 * it — some 6 ms for each 360 KB `nodes.updated` push of a 1,000-node lab, and more for the
 * snapshot, work a real browser never does. Here a page gets the Page and Runtime domains
 * only, and the trace comes from the browser's Tracing domain.
 *
 * Each page opens in a new window (a browser context of its own), and Chromium 15x loads its
 * omnibox popup (a WebUI page, chrome://omnibox-popup.top-chrome/, in a renderer of its own) into
 * every new window, then and there: some 300 ms of CPU on a 2-core machine, during the very load
 * being measured, which an operator's browser — its window long open — does not spend when the
 * console loads. BENCH_ARGS turns that preload off; nothing of the console's page changes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/e2e/helpers/browser';

/** Chromium's omnibox popup WebUI, preloaded into each new window (see above): off. */
export const BENCH_ARGS: readonly string[] = ['--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup'];

type Params = Record<string, unknown>;

interface Message {
  id?: number;
  method?: string;
  params?: Params;
  result?: unknown;
  error?: { message: string };
  sessionId?: string;
}

export class Cdp {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string }>();
  private readonly listeners = new Set<(m: Message) => void>();

  constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const m = JSON.parse(String(data)) as Message;
      if (m.id !== undefined) {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error) p.reject(new Error(`${p.method}: ${m.error.message}`));
        else p.resolve(m.result);
        return;
      }
      for (const l of [...this.listeners]) l(m);
    });
    socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error(`${p.method}: the DevTools connection closed`));
      this.pending.clear();
    });
  }

  send<T = Params>(method: string, params: Params = {}, sessionId?: string): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      this.socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  /** Every protocol event (of any session); returns the unsubscribe. */
  onEvent(listener: (method: string, params: Params, sessionId: string | undefined) => void): () => void {
    const l = (m: Message) => {
      if (m.method) listener(m.method, m.params ?? {}, m.sessionId);
    };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

export interface Chromium {
  cdp: Cdp;
  close(): Promise<void>;
}

/** Starts Chromium with a throw-away profile; close() ends it and removes the profile. */
export async function launchChromiumCdp(): Promise<Chromium> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`bench:ui needs Chromium at ${CHROMIUM_PATH} (Debian package "chromium")`);
  const profile = await mkdtemp(join(tmpdir(), 'fleetops-bench-chromium-'));
  let child: ChildProcess | null = null;
  let socket: WebSocket | null = null;
  let cdp: Cdp | null = null;
  const close = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child?.once('exit', () => r()));
      // Asked to close, Chromium removes the directory it keeps its singleton socket in
      // (/tmp/org.chromium.Chromium.*); ended by a signal, it leaves it behind. The signals are
      // for a browser that does not answer.
      cdp?.send('Browser.close').catch(() => undefined);
      const term = setTimeout(() => child?.kill('SIGTERM'), cdp ? 5_000 : 0);
      const kill = setTimeout(() => child?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(term);
      clearTimeout(kill);
    }
    socket?.close();
    await rm(profile, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    child = spawn(CHROMIUM_PATH, [...CHROMIUM_ARGS, ...BENCH_ARGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const started = child;
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`Chromium did not start in 30 s: ${err.slice(-500)}`)), 30_000);
      started.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Chromium exited (${code}): ${err.slice(-500)}`));
      });
    });
    const ws = new WebSocket(url, { perMessageDeflate: false });
    socket = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    cdp = new Cdp(ws);
    return { cdp, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface CdpPage {
  sessionId: string;
  /** What the page threw and did not catch, and promises it rejected unhandled, so far. */
  errors(): Promise<string[]>;
  /** Evaluates `expression` in the page, returns its value (JSON-able). */
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

/** Where the page notes its errors (PAGE_ERRORS_SCRIPT). */
const PAGE_ERRORS = '__benchPageErrors';

/**
 * Run before the page's own scripts: notes what it throws uncaught and the promises it rejects
 * unhandled. The pages are not driven with the Runtime domain on: with it, V8 records a stack
 * trace with lines and columns for every Error the page creates (for DevTools' console), which
 * makes it work out the source positions of the code on the stack — 40-49 ms of the main
 * thread during a first render here (React creates Errors as its module loads), which a page
 * nobody inspects never pays (trace: V8.CollectSourcePositions 39-49 ms with it, under 1 without).
 */
const PAGE_ERRORS_SCRIPT = `(() => {
  const errors = (window[${JSON.stringify(PAGE_ERRORS)}] = []);
  const text = (v) => (v && typeof v === 'object' && 'stack' in v && v.stack ? String(v.stack) : String(v));
  window.addEventListener('error', (e) => errors.push(e.error !== undefined && e.error !== null ? text(e.error) : String(e.message)));
  window.addEventListener('unhandledrejection', (e) => errors.push('unhandled rejection: ' + text(e.reason)));
})();`;

/**
 * A page in a browser context of its own (its own storage and cache: a fresh browser, as far as
 * the page can tell), with `initScripts` run before the page's own, navigated to `url`.
 */
export async function openCdpPage(cdp: Cdp, url: string, initScripts: readonly string[] = []): Promise<CdpPage> {
  const { browserContextId } = await cdp.send<{ browserContextId: string }>('Target.createBrowserContext', { disposeOnDetach: true });
  const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank', browserContextId, newWindow: true, width: 1600, height: 1000 });
  const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
  await cdp.send('Page.enable', {}, sessionId);
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1600, height: 1000, deviceScaleFactor: 1, mobile: false }, sessionId);
  // No Runtime.enable: the page notes its own errors (PAGE_ERRORS_SCRIPT says why).
  for (const source of [PAGE_ERRORS_SCRIPT, ...initScripts]) await cdp.send('Page.addScriptToEvaluateOnNewDocument', { source }, sessionId);
  await cdp.send('Page.navigate', { url }, sessionId);
  const evaluate = async <T>(expression: string) => {
    const r = await cdp.send<{ result: { value?: unknown }; exceptionDetails?: { text: string } }>('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, sessionId);
    if (r.exceptionDetails) throw new Error(`evaluate ${expression.slice(0, 80)}: ${r.exceptionDetails.text}`);
    return r.result.value as T;
  };
  return {
    sessionId,
    errors: async () => (await evaluate<string[] | undefined>(`window[${JSON.stringify(PAGE_ERRORS)}]`)) ?? [],
    evaluate,
    close: async () => {
      await cdp.send('Target.closeTarget', { targetId }).catch(() => undefined);
      await cdp.send('Target.disposeBrowserContext', { browserContextId }).catch(() => undefined);
    },
  };
}

/** Records a browser-wide trace of `categories` while `during` runs; returns its events. */
export async function traceWhile<T>(cdp: Cdp, categories: readonly string[], during: () => Promise<T>): Promise<{ events: unknown[]; result: T }> {
  const events: unknown[] = [];
  let complete!: () => void;
  const completed = new Promise<void>((r) => (complete = r));
  const stop = cdp.onEvent((method, params) => {
    if (method === 'Tracing.dataCollected') events.push(...(params.value as unknown[]));
    if (method === 'Tracing.tracingComplete') complete();
  });
  try {
    await cdp.send('Tracing.start', { traceConfig: { includedCategories: [...categories], recordMode: 'recordAsMuchAsPossible' }, transferMode: 'ReportEvents' });
    let result: T;
    try {
      result = await during();
    } finally {
      await cdp.send('Tracing.end');
      await completed;
    }
    return { events, result };
  } finally {
    stop();
  }
}
