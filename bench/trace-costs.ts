/**
 * What bench/ui.ts reads from a Chromium trace (Trace Event Format, `toplevel` and
 * `blink.user_timing` categories): the renderer main thread's tasks, each with its wall time
 * (`dur`) and the thread's own CPU time in it (`tdur`), attributed to the pushes the page marked
 * (push-sync.ts) or summed up to a mark. Pure, so it is tested on hand-made traces
 * (test/unit/bench/trace-costs.test.ts).
 */
import { PUSH_MARK_PREFIX } from '../renderer/src/api/push-sync';

export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
}

const RUN_TASK = 'ThreadControllerImpl::RunTask';

/** The renderer main thread (the one that set `markPrefix` marks) and its top-level tasks, by start. */
export function mainThreadTasks(events: readonly TraceEvent[], markPrefix: string): { marks: TraceEvent[]; tasks: TraceEvent[]; inner: TraceEvent[] } | null {
  const marks = events.filter((e) => e.cat.includes('blink.user_timing') && e.name.startsWith(markPrefix)).sort((a, b) => a.ts - b.ts);
  if (marks.length === 0) return null;
  const { pid, tid } = marks[0];
  const onMain = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && typeof e.dur === 'number');
  const tasks = onMain.filter((e) => e.name === RUN_TASK).sort((a, b) => a.ts - b.ts);
  const inner = onMain.filter((e) => e.cat.includes('devtools.timeline')).sort((a, b) => a.ts - b.ts);
  return { marks, tasks, inner };
}

export interface PushCost {
  event: string;
  /** Main-thread task time from the push's arrival until the next push arrived: wall, and the thread's own CPU. */
  wallMs: number;
  cpuMs: number;
  /** The task that received it (frame, JSON, contract check, cache merge). */
  receiveMs: number;
  /** The longest single task in its window (what a frame can be blocked by). */
  longestTaskMs: number;
  /** With --breakdown: where the time went, by the trace's own names (FunctionCall, TimerFire, Layout…). */
  breakdown: Record<string, number>;
}

/**
 * Adds to `into` (ms by name) the slices of `inner` (sorted by start) that start in [from, to),
 * skipping those nested in an earlier one, each clipped at `to`.
 */
function addTopSlices(inner: readonly TraceEvent[], from: number, to: number, into: Record<string, number>): void {
  let coveredUntil = -Infinity;
  for (const e of inner) {
    if (e.ts < from) continue;
    if (e.ts >= to) break;
    if (e.ts < coveredUntil) continue;
    const end = e.ts + (e.dur as number);
    into[e.name] = (into[e.name] ?? 0) + (Math.min(end, to) - e.ts) / 1000;
    coveredUntil = end;
  }
}

/**
 * Each push's share of the main thread, from a trace with push marks — or, with another
 * `markPrefix`, each marked step's (bench/timeline-scroll.ts marks every scroll frame).
 */
export function pushCosts(events: readonly TraceEvent[], markPrefix: string = PUSH_MARK_PREFIX): PushCost[] {
  const found = mainThreadTasks(events, markPrefix);
  if (!found) return [];
  const { marks, tasks, inner } = found;
  let cursor = 0;
  const taskAt = (ts: number) => {
    while (cursor < tasks.length && tasks[cursor].ts + (tasks[cursor].dur as number) < ts) cursor++;
    const t = tasks[cursor];
    return t && t.ts <= ts ? t : undefined;
  };
  // One entry per receiving task (pushes handled in one task count once, as the first).
  const arrivals: Array<{ event: string; task: TraceEvent }> = [];
  for (const m of marks) {
    const task = taskAt(m.ts);
    if (!task) continue;
    if (arrivals.length && arrivals[arrivals.length - 1].task === task) continue;
    arrivals.push({ event: m.name.slice(markPrefix.length), task });
  }
  const out: PushCost[] = [];
  let from = 0;
  // The last arrival has no "next": its window is open-ended and is left out.
  for (let i = 0; i + 1 < arrivals.length; i++) {
    const start = arrivals[i].task.ts;
    const end = arrivals[i + 1].task.ts;
    while (from < tasks.length && tasks[from].ts < start) from++;
    const window: TraceEvent[] = [];
    for (let j = from; j < tasks.length && tasks[j].ts < end; j++) window.push(tasks[j]);
    const breakdown: Record<string, number> = {};
    for (const t of window) addTopSlices(inner, t.ts, t.ts + (t.dur as number), breakdown);
    out.push({
      event: arrivals[i].event,
      wallMs: window.reduce((s, t) => s + (t.dur as number), 0) / 1000,
      cpuMs: window.reduce((s, t) => s + (t.tdur ?? (t.dur as number)), 0) / 1000,
      receiveMs: (arrivals[i].task.dur as number) / 1000,
      longestTaskMs: Math.max(...window.map((t) => t.dur as number)) / 1000,
      breakdown,
    });
  }
  return out;
}

/**
 * The renderer main thread's busy time (wall, CPU) from navigation start to the `bench:content`
 * mark; with `devtools.timeline` in the trace, `slices` says what ran in it (ms by the trace's
 * own names: EvaluateScript, FunctionCall, ParseHTML, Layout, MajorGC…; empty without).
 */
export function loadWork(events: readonly TraceEvent[]): { wallMs: number; cpuMs: number; slices: Record<string, number> } | null {
  const found = mainThreadTasks(events, 'bench:content');
  if (!found) return null;
  const mark = found.marks[0] as TraceEvent & { args?: { data?: { startTime?: number } } };
  const content = mark.ts;
  // The page's time origin (navigation start) on the trace's clock: the mark's performance.now() before it.
  const startTime = mark.args?.data?.startTime;
  if (typeof startTime !== 'number') return null;
  const from = content - startTime * 1000;
  let wall = 0;
  let cpu = 0;
  const slices: Record<string, number> = {};
  for (const t of found.tasks) {
    if (t.ts + (t.dur as number) < from || t.ts > content) continue;
    const share = Math.min(t.ts + (t.dur as number), content) - Math.max(t.ts, from);
    const ratio = share / (t.dur as number || 1);
    wall += share;
    cpu += (t.tdur ?? (t.dur as number)) * ratio;
    addTopSlices(found.inner, Math.max(t.ts, from), Math.min(t.ts + (t.dur as number), content), slices);
  }
  return { wallMs: wall / 1000, cpuMs: cpu / 1000, slices };
}

