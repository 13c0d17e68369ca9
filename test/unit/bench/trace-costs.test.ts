/**
 * bench/ui.ts's reading of a Chromium trace, on hand-made traces: a push's cost is the renderer
 * main thread's tasks from the one that received it until the one that received the next push
 * (wall and CPU time), counted once per receiving task; other threads and processes are not
 * counted; the last push (no next one) is left out; and a load's main-thread time is summed from
 * the page's navigation start (the content mark's own performance.now()) to that mark.
 */
import { describe, expect, it } from 'vitest';
import { loadWork, pushCosts, type TraceEvent } from '../../../bench/trace-costs';

const MAIN = { pid: 10, tid: 10 };
const task = (ts: number, dur: number, tdur = dur, where = MAIN): TraceEvent => ({ name: 'ThreadControllerImpl::RunTask', cat: 'toplevel', ph: 'X', ts, dur, tdur, ...where });
const mark = (ts: number, name: string, startTimeMs?: number): TraceEvent & { args?: unknown } => ({
  name,
  cat: 'blink.user_timing',
  ph: 'R',
  ts,
  ...MAIN,
  ...(startTimeMs === undefined ? {} : { args: { data: { startTime: startTimeMs } } }),
});
const slice = (ts: number, dur: number, name: string): TraceEvent => ({ name, cat: 'devtools.timeline', ph: 'X', ts, dur, ...MAIN });

describe('push costs from a trace', () => {
  it('sums the main thread from each push’s receiving task to the next push’s', () => {
    const events: TraceEvent[] = [
      // push 1 at 1000 µs: received in a 2 ms task, rendered in a 3 ms timer task, a 1 ms frame.
      task(1_000, 2_000, 1_500),
      mark(1_500, 'fleetops:push:nodes.updated'),
      slice(1_100, 1_500, 'FunctionCall'),
      task(4_000, 3_000, 3_000),
      slice(4_000, 3_000, 'TimerFire'),
      task(9_000, 1_000, 500),
      // A task on another thread, and one in another process: not the page's main thread.
      task(5_000, 50_000, 50_000, { pid: 10, tid: 11 }),
      task(5_000, 50_000, 50_000, { pid: 20, tid: 20 }),
      // push 2 (another kind) at 20 ms; two marks in one task count once.
      task(20_000, 1_000),
      mark(20_100, 'fleetops:push:event.appended'),
      mark(20_200, 'fleetops:push:nodes.updated'),
      task(30_000, 4_000),
      // push 3: the last, its window has no end.
      task(40_000, 2_000),
      mark(40_500, 'fleetops:push:nodes.updated'),
      task(41_000, 9_000),
    ];
    const costs = pushCosts(events);
    expect(costs.map((c) => c.event)).toEqual(['nodes.updated', 'event.appended']);
    expect(costs[0]).toMatchObject({ wallMs: 6, cpuMs: 5, receiveMs: 2, longestTaskMs: 3, breakdown: { FunctionCall: 1.5, TimerFire: 3 } });
    expect(costs[1]).toMatchObject({ wallMs: 5, cpuMs: 5, receiveMs: 1, longestTaskMs: 4 });
  });

  it('finds nothing without marks', () => {
    expect(pushCosts([task(0, 1_000)])).toEqual([]);
  });
});

describe('load work from a trace', () => {
  it('sums the main thread from navigation start to the content mark, the straddling tasks in part', () => {
    // Navigation started at 100_000 µs: the mark at 400_000 says performance.now() = 300 ms.
    const events: TraceEvent[] = [
      task(50_000, 100_000, 50_000), // half of it after navigation start: 50 ms wall, 25 ms cpu
      task(200_000, 40_000, 20_000),
      task(390_000, 20_000, 20_000), // half before the mark
      task(500_000, 90_000),
      mark(400_000, 'bench:content', 300),
    ];
    expect(loadWork(events)).toEqual({ wallMs: 50 + 40 + 10, cpuMs: 25 + 20 + 10, slices: {} });
    expect(loadWork([task(0, 1)])).toBeNull();
  });

  it('says what ran until the content mark, by slice: nested ones once, one that runs past the mark cut there', () => {
    const events: TraceEvent[] = [
      task(200_000, 40_000, 20_000),
      slice(200_000, 30_000, 'v8.evaluateModule'),
      slice(205_000, 10_000, 'FunctionCall'), // inside the module's evaluation: counted there
      slice(232_000, 5_000, 'FunctionCall'),
      task(390_000, 20_000, 20_000),
      slice(390_000, 20_000, 'TimerFire'), // half before the mark
      task(500_000, 90_000),
      slice(500_000, 90_000, 'Layout'), // after the mark
      mark(400_000, 'bench:content', 300),
    ];
    expect(loadWork(events)?.slices).toEqual({ 'v8.evaluateModule': 30, FunctionCall: 5, TimerFire: 10 });
  });
});
