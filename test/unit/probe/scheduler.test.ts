import { describe, expect, it } from 'vitest';
import { ProbeScheduler, spreadOffset, type Timers } from '../../../electron/core/probe/scheduler';

/** A manual clock: time only moves when the test says so. */
function manualTimers() {
  let now = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = ++seq;
      pending.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (h) => void pending.delete(h as number),
  };
  async function advance(ms: number) {
    const end = now + ms;
    for (;;) {
      const next = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      pending.delete(next[0]);
      now = next[1].at;
      next[1].fn();
      await flush();
    }
    now = end;
    await flush();
  }
  return { timers, advance };
}

const flush = () => new Promise<void>((r) => setImmediate(r));

describe('ProbeScheduler', () => {
  it('runs each subject once per interval', async () => {
    const { timers, advance } = manualTimers();
    const runs: string[] = [];
    const s = new ProbeScheduler({ concurrency: 10, timers, run: async (k) => void runs.push(k) });
    s.setSubjects([{ key: 'a', intervalMs: 1000 }, { key: 'b', intervalMs: 1000 }]);
    s.start();
    await advance(10_000);
    expect(runs.filter((k) => k === 'a')).toHaveLength(10);
    expect(runs.filter((k) => k === 'b')).toHaveLength(10);
    s.stop();
  });

  it('never runs more than `concurrency` tasks at once and never overlaps one subject', async () => {
    const { timers, advance } = manualTimers();
    let active = 0;
    let maxActive = 0;
    const releases: Array<() => void> = [];
    const s = new ProbeScheduler({
      concurrency: 3,
      timers,
      run: () =>
        new Promise<void>((resolve) => {
          active++;
          maxActive = Math.max(maxActive, active);
          releases.push(() => {
            active--;
            resolve();
          });
        }),
    });
    s.setSubjects(Array.from({ length: 10 }, (_, i) => ({ key: `n${i}`, intervalMs: 100 })));
    s.start();
    await advance(100);
    expect(active).toBe(3);
    while (releases.length) {
      releases.shift()!();
      await flush();
    }
    expect(maxActive).toBe(3);
    s.stop();
  });

  it('skips a round instead of piling up when a probe overruns', async () => {
    const { timers, advance } = manualTimers();
    const overruns: string[] = [];
    let release!: () => void;
    let runs = 0;
    const s = new ProbeScheduler({
      concurrency: 5,
      timers,
      run: () => {
        runs++;
        return new Promise<void>((r) => (release = r));
      },
      onOverrun: (k) => overruns.push(k),
    });
    s.setSubjects([{ key: 'slow', intervalMs: 100 }]);
    s.start();
    await advance(450);
    expect(runs).toBe(1);
    expect(overruns.length).toBeGreaterThan(0);
    release();
    await flush();
    await advance(200);
    expect(runs).toBe(2);
    s.stop();
  });

  it('reports drift when the cap delays a start', async () => {
    const { timers, advance } = manualTimers();
    const drifts: number[] = [];
    const s = new ProbeScheduler({
      concurrency: 1,
      timers,
      run: () => advance(0).then(() => undefined),
      onStart: (_k, d) => drifts.push(d),
    });
    s.setSubjects([{ key: 'a', intervalMs: 1000 }]);
    s.start();
    await advance(3000);
    expect(drifts.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...drifts)).toBe(0);
    s.stop();
  });

  it('removes subjects that leave the inventory', async () => {
    const { timers, advance } = manualTimers();
    const runs: string[] = [];
    const s = new ProbeScheduler({ concurrency: 2, timers, run: async (k) => void runs.push(k) });
    s.setSubjects([{ key: 'a', intervalMs: 100 }, { key: 'b', intervalMs: 100 }]);
    s.start();
    await advance(150);
    s.setSubjects([{ key: 'a', intervalMs: 100 }]);
    runs.length = 0;
    await advance(1000);
    expect(runs.every((k) => k === 'a')).toBe(true);
    expect(s.size).toBe(1);
    s.stop();
  });

  it('spreads first runs deterministically within the interval', () => {
    const offsets = Array.from({ length: 100 }, (_, i) => spreadOffset(`node-${i}`, 10_000));
    expect(offsets.every((o) => o >= 0 && o < 10_000)).toBe(true);
    expect(new Set(offsets).size).toBeGreaterThan(90);
    expect(spreadOffset('x', 10_000)).toBe(spreadOffset('x', 10_000));
  });
});
