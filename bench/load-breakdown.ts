/**
 * What a first render is made of (bench/ui.ts --breakdown): the page's own milestones, read
 * after the view's content is in the DOM — navigation and resource timing for the HTML and
 * the bundle, and the marks the console sets when a harness asks for them
 * (renderer/src/api/perf-marks.ts: the app starting, the socket open, the snapshot asked for,
 * arrived, parsed and checked) — turned into consecutive phases. Pure but for the page
 * expression, so it is tested on hand-made milestones (test/unit/bench/load-breakdown.test.ts).
 */
import { PERF_MARK } from '../renderer/src/api/perf-marks';

/** The files the page loaded, as `name KB @ ms` (when each had arrived), for the breakdown's line. */
export function describeResources(m: PageMilestones): string {
  return m.resources.map((r) => `${r.name.replace(/-[A-Za-z0-9_-]{8}\./, '.')} ${Math.round(r.bytes / 1024)} KB @ ${Math.round(r.responseEnd)}`).join(', ');
}

/** What the page reports (ms since navigation start). */
export interface PageMilestones {
  htmlEnd: number | null;
  /** The bundle's files (scripts and style sheets) with when each finished arriving. */
  resources: Array<{ name: string; responseEnd: number; bytes: number }>;
  marks: Array<{ name: string; at: number }>;
  measures: Array<{ name: string; start: number; end: number }>;
  contentMs: number;
}

/** Evaluated in the page once the content is there: returns PageMilestones. */
export const PAGE_MILESTONES = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const own = (e) => e.name.startsWith('fleetops:');
  return {
    htmlEnd: nav ? nav.responseEnd : null,
    resources: performance.getEntriesByType('resource')
      .filter((r) => /\\.(js|css)(\\?|$)/.test(r.name))
      .map((r) => ({ name: r.name.replace(/^.*\\//, ''), responseEnd: r.responseEnd, bytes: r.encodedBodySize })),
    marks: performance.getEntriesByType('mark').filter(own).map((m) => ({ name: m.name, at: m.startTime })),
    measures: performance.getEntriesByType('measure').filter(own).map((m) => ({ name: m.name, start: m.startTime, end: m.startTime + m.duration })),
    contentMs: window.__benchFirstRender.contentMs,
  };
})()`;

/** One phase of a load: from the previous milestone to this one (ms), and when this one was reached. */
export interface Phase {
  phase: string;
  ms: number;
  atMs: number;
}

/**
 * The load as consecutive phases, each ending at a milestone the page reported (missing ones are
 * left out, so their time goes to the next phase): the HTML, the entry's file and the style
 * sheets it waits for, the entry's code starting, the socket, the snapshot asked for, its reply
 * arriving (the server building, encoding and sending it; the page meanwhile evaluating the
 * console's chunk, then receiving the frame), parsed, checked, and the view's content in the DOM
 * (React). In the order they were reached: the page's early socket asks for the snapshot as soon
 * as it opens, before the entry has finished evaluating (renderer/src/api/early-socket.ts).
 */
export function loadPhases(m: PageMilestones): Phase[] {
  const mark = (name: string) => m.marks.find((x) => x.name === name)?.at ?? null;
  const snapshotParse = m.measures.find((x) => x.name === PERF_MARK.replyParse('fleet.snapshot'));
  const snapshotCheck = m.measures.find((x) => x.name === PERF_MARK.replyCheck('fleet.snapshot'));
  const boot = mark(PERF_MARK.boot);
  // What the app's start waited for: the entry's file and the start chunk's (renderer/src/main.tsx,
  // start.tsx), and the style sheets in the page (a parser-inserted style sheet holds module
  // scripts back until it has arrived): the last of those to arrive.
  const before = m.resources.filter((r) => boot !== null && r.responseEnd <= boot && (r.name.startsWith('index') || r.name.startsWith('start') || r.name.endsWith('.css')));
  const milestones: Array<[string, number | null]> = [
    ['HTML', m.htmlEnd],
    ['entry and style sheets download', before.length ? Math.max(...before.map((r) => r.responseEnd)) : null],
    ['entry evaluation', boot],
    ['socket open', mark(PERF_MARK.socketOpen)],
    ['snapshot asked', mark(PERF_MARK.call('fleet.snapshot'))],
    ['snapshot wait (server: build, encode, send; page: console chunk, receive)', snapshotParse?.start ?? null],
    ['snapshot JSON.parse', snapshotParse?.end ?? null],
    ['snapshot contract check', snapshotCheck?.end ?? null],
    ['render until the content is in the DOM', m.contentMs],
  ];
  const out: Phase[] = [];
  let last = 0;
  const reached = milestones.filter((m): m is [string, number] => m[1] !== null).sort((a, b) => a[1] - b[1]);
  for (const [phase, at] of reached) {
    out.push({ phase, ms: at - last, atMs: at });
    last = at;
  }
  return out;
}

/** Phases of several runs: each phase's median duration, by phase name (in first-seen order). */
export function medianPhases(runs: readonly Phase[][]): Phase[] {
  const names: string[] = [];
  for (const run of runs) for (const p of run) if (!names.includes(p.phase)) names.push(p.phase);
  return names.map((phase) => {
    const of = runs.map((r) => r.find((p) => p.phase === phase)).filter((p): p is Phase => p !== undefined);
    return { phase, ms: median(of.map((p) => p.ms)), atMs: median(of.map((p) => p.atMs)) };
  });
}

/** Slices of several runs (ms by name): each name's median over the runs (0 where a run had none), largest first. */
export function medianSlices(runs: ReadonlyArray<Record<string, number>>, top = 10): Array<[string, number]> {
  const names = new Set(runs.flatMap((r) => Object.keys(r)));
  return [...names]
    .map((name) => [name, median(runs.map((r) => r[name] ?? 0))] as [string, number])
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
}

function median(list: readonly number[]): number {
  if (list.length === 0) return NaN;
  const s = [...list].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
