/**
 * One first render of a view, for bench/ui.ts: a fresh browser context opens the console's URL
 * on the view, and an init script's MutationObserver notes performance.now() — ms since
 * navigation start — when the view's content is in the DOM, and when the frame after it has run;
 * a trace of the same load gives the renderer main thread's busy time up to the content, and
 * with `breakdown` what it ran and the load's phases (load-breakdown.ts).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PERF_MARKS_FLAG } from '../renderer/src/api/perf-marks';
import { openCdpPage, traceWhile, type Cdp, type CdpPage } from './chromium-cdp';
import { describeResources, loadPhases, PAGE_MILESTONES, type PageMilestones, type Phase } from './load-breakdown';
import { loadWork, type TraceEvent } from './trace-costs';

export type View = 'topology' | 'overview';

/** What marks the view's content as drawn. */
export const VIEW_CONTENT: Record<View, string> = {
  topology: '[data-testid="view-topology"] [data-testid="topology"] [data-testid^="cluster-"]',
  overview: '[data-testid="view-overview"] [data-testid="attention"] ~ .overview-glance [data-testid="failure-domains"]',
};

/** Init script: notes when `selector` first matches (ms since navigation start), and the frame after; marks both for the trace. */
export function firstRenderScript(selector: string): string {
  return `(() => {
  const selector = ${JSON.stringify(selector)};
  const found = () => {
    if (window.__benchFirstRender || !document.querySelector(selector)) return false;
    const r = { contentMs: performance.now(), frameMs: null };
    window.__benchFirstRender = r;
    performance.mark('bench:content');
    requestAnimationFrame(() => setTimeout(() => { r.frameMs = performance.now(); performance.mark('bench:frame'); }, 0));
    return true;
  };
  new MutationObserver((_, observer) => { if (found()) observer.disconnect(); }).observe(document, { childList: true, subtree: true });
})();`;
}

/** The page sets its perf marks (renderer/src/api/perf-marks.ts); without this script it runs as it does for an operator. */
export const MARKS_SCRIPT = `window[${JSON.stringify(PERF_MARKS_FLAG)}] = true;`;

export interface FirstRender {
  contentMs: number;
  frameMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitForFirstRender(page: CdpPage, timeoutMs = 30_000): Promise<FirstRender> {
  const started = Date.now();
  for (;;) {
    const r = await page.evaluate<FirstRender | null>('window.__benchFirstRender && window.__benchFirstRender.frameMs !== null ? window.__benchFirstRender : null');
    if (r) return r;
    const errors = await page.errors();
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    if (Date.now() - started > timeoutMs) throw new Error(`the view's content was not in the page after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * `toplevel` gives every task a thread ran (with its wall and thread time), `blink.user_timing`
 * the marks, `loading` the navigation start: cheap to record. `devtools.timeline` (breakdown)
 * names what ran inside the tasks (FunctionCall, TimerFire, Layout, Paint, GC…) but costs more.
 */
export function traceCategories(breakdown: boolean): string[] {
  return ['toplevel', 'blink.user_timing', 'loading', '__metadata', ...(breakdown ? ['devtools.timeline'] : [])];
}

export interface FirstRenderRun extends FirstRender {
  mainThreadWallMs: number | null;
  mainThreadCpuMs: number | null;
  /** With breakdown: the load's phases, and what the main thread ran until the content (ms by trace slice). */
  phases?: Phase[];
  slices?: Record<string, number>;
  /** With breakdown: the page's files and when each had arrived. */
  files?: string;
}

export async function measureFirstRender(cdp: Cdp, url: string, view: View, opts: { breakdown: boolean; traceDir?: string }): Promise<FirstRenderRun> {
  let page: CdpPage | null = null;
  try {
    const { events, result } = await traceWhile(cdp, traceCategories(opts.breakdown), async () => {
      page = await openCdpPage(cdp, `${url}#/${view}`, [...(opts.breakdown ? [MARKS_SCRIPT] : []), firstRenderScript(VIEW_CONTENT[view])]);
      const rendered = await waitForFirstRender(page);
      return { rendered, milestones: opts.breakdown ? await page.evaluate<PageMilestones>(PAGE_MILESTONES) : null };
    });
    if (opts.traceDir) await writeFile(join(opts.traceDir, `first-${view}-${Date.now()}.json`), JSON.stringify({ traceEvents: events }));
    const work = loadWork(events as TraceEvent[]);
    return {
      ...result.rendered,
      mainThreadWallMs: work ? work.wallMs : null,
      mainThreadCpuMs: work ? work.cpuMs : null,
      ...(result.milestones ? { phases: loadPhases(result.milestones), slices: work?.slices ?? {}, files: describeResources(result.milestones) } : {}),
    };
  } finally {
    await (page as CdpPage | null)?.close();
  }
}
