/**
 * The timeline's scroll cost in Chromium (bench/timeline.ts, issue 11: "scrolling stays smooth,
 * measured in Chromium, not assumed"): `serve` on a data directory holding the benchmark's
 * events (no inventory: the store is all it reads), Debian's Chromium over a bare DevTools
 * connection (bench/chromium-cdp.ts, as bench:ui), the Timeline view opened on every event. A
 * script in the page scrolls the list by `stepPx` once per animation frame and marks each frame
 * (`fleetops:scroll:<i>`); a trace of the renderer's main thread gives each frame's work — the
 * scroll, React's render of the rows that came into view, style, layout, paint, and the next
 * page's reply where the list reached its end (bench/trace-costs.ts pushCosts, keyed on the
 * scroll marks). Target: p95 < 16 ms of main-thread CPU per frame.
 */
import { startServe } from '../electron/cli/serve-command';
import { requireBuiltRenderer } from '../test/e2e/helpers/serve';
import { launchChromiumCdp, openCdpPage, traceWhile } from './chromium-cdp';
import { pushCosts, type TraceEvent } from './trace-costs';

const MARK = 'fleetops:scroll:';

export interface ScrollCost {
  frames: number;
  /** Rows the list held at the end (pages loaded as it scrolled), and the first row in view. */
  rowsLoaded: number;
  firstRow: number;
  cpuP50Ms: number;
  cpuP95Ms: number;
  cpuMaxMs: number;
  wallP95Ms: number;
}

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

/** Scrolls the Timeline over the events in `dataDir` for `frames` frames, `stepPx` each; returns the per-frame main-thread cost. */
export async function measureTimelineScroll(dataDir: string, opts: { frames?: number; stepPx?: number } = {}): Promise<ScrollCost> {
  const frames = opts.frames ?? 600;
  const stepPx = opts.stepPx ?? 140;
  requireBuiltRenderer();
  const cleanup: Array<() => Promise<void>> = [];
  try {
    const handle = await startServe(['--data-dir', dataDir, '--port', '0'], { out: () => undefined, err: (t) => void process.stderr.write(`[serve] ${t}\n`) });
    cleanup.push(() => handle.stop());
    const chromium = await launchChromiumCdp();
    cleanup.push(() => chromium.close());
    const page = await openCdpPage(chromium.cdp, `${handle.server.url}#/timeline`);
    cleanup.push(() => page.close());
    await page.evaluate(`new Promise((resolve, reject) => {
      const t0 = performance.now();
      const tick = () => document.querySelectorAll('[data-testid="timeline-row"]').length > 10 ? resolve(true)
        : performance.now() - t0 > 60000 ? reject(new Error('no timeline rows in 60 s')) : setTimeout(tick, 50);
      tick();
    })`);
    const { events, result } = await traceWhile(chromium.cdp, ['toplevel', 'blink.user_timing', '__metadata'], () =>
      page.evaluate<{ first: number; count: number }>(`(async () => {
        const el = document.querySelector('[data-testid="timeline-list"]');
        for (let i = 0; i < ${frames}; i++) {
          await new Promise((r) => requestAnimationFrame(r));
          performance.mark('${MARK}' + i);
          el.scrollTop += ${stepPx};
        }
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return { first: Number(el.dataset.first), count: Number(el.dataset.count) };
      })()`),
    );
    const errors = await page.errors();
    if (errors.length > 0) throw new Error(`the page threw: ${errors.join('; ')}`);
    const costs = pushCosts(events as TraceEvent[], MARK);
    const cpu = costs.map((c) => c.cpuMs);
    return {
      frames: costs.length,
      rowsLoaded: result.count,
      firstRow: result.first,
      cpuP50Ms: quantile(cpu, 0.5),
      cpuP95Ms: quantile(cpu, 0.95),
      cpuMaxMs: Math.max(...cpu),
      wallP95Ms: quantile(costs.map((c) => c.wallMs), 0.95),
    };
  } finally {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
  }
}
