/**
 * User-timing marks a measuring harness (bench/ui.ts) reads from the page or from a Chromium
 * trace: when the bundle started, the socket opened, a call was sent, its reply arrived, was
 * parsed and checked, and which task received each push. Off unless the harness set
 * PERF_MARKS_FLAG before the page's scripts ran (an init script): a console in use never
 * fills its performance timeline.
 */

/** A global the harness sets to `true` before the page's scripts run. */
export const PERF_MARKS_FLAG = '__FLEETOPS_PERF_MARKS__';

/** Names of the marks and measures, all under one prefix. */
export const PERF_MARK = {
  /** start.tsx starts: the entry and the start chunk have been fetched and evaluated up to the app's own code. */
  boot: 'fleetops:boot',
  socketOpen: 'fleetops:socket-open',
  /** `fleetops:call:<method>`: the request left. */
  call: (method: string) => `fleetops:call:${method}`,
  /** Measures of a reply: `…:parse` from the frame's arrival to its JSON parsed, `…:check` from there to contract-checked. */
  replyParse: (method: string) => `fleetops:reply:${method}:parse`,
  replyCheck: (method: string) => `fleetops:reply:${method}:check`,
} as const;

export function perfMarksEnabled(): boolean {
  return (globalThis as Record<string, unknown>)[PERF_MARKS_FLAG] === true && typeof performance !== 'undefined' && typeof performance.mark === 'function';
}

/** A mark, when the harness asked for them. */
export function perfMark(name: string): void {
  if (perfMarksEnabled()) performance.mark(name);
}

/** A measure from `start` to `end` (performance.now() values), when the harness asked for them. */
export function perfMeasure(name: string, start: number, end: number = performance.now()): void {
  if (perfMarksEnabled()) performance.measure(name, { start, end });
}
