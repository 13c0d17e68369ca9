import { describe, expect, it } from 'vitest';
import { BatchedPublisher } from '../../../electron/core/fleet/batched-publisher';
import type { Timers } from '../../../electron/core/probe/scheduler';

function manual(): Timers & { fire(): void; pending(): number } {
  let fn: (() => void) | null = null;
  return {
    now: () => 0,
    setTimeout: (f) => ((fn = f), 1),
    clearTimeout: () => void (fn = null),
    fire: () => {
      const f = fn;
      fn = null;
      f?.();
    },
    pending: () => (fn ? 1 : 0),
  };
}

describe('BatchedPublisher', () => {
  it('sends each changed key once per window, with its latest value', () => {
    const timers = manual();
    const values = new Map([['a', 1], ['b', 1]]);
    const sent: number[][] = [];
    const p = new BatchedPublisher(timers, (k) => values.get(k), (v) => sent.push(v), 200);
    p.paused = false;
    p.mark('a');
    values.set('a', 2);
    p.mark('a');
    p.mark('b');
    expect(timers.pending()).toBe(1);
    expect(sent).toEqual([]);
    timers.fire();
    expect(sent).toEqual([[2, 1]]);
  });

  it('holds changes while paused until flushed, and drops keys that vanished', () => {
    const timers = manual();
    const values = new Map([['a', 1]]);
    const sent: number[][] = [];
    const p = new BatchedPublisher(timers, (k) => values.get(k), (v) => sent.push(v));
    p.mark('a');
    p.mark('gone');
    expect(timers.pending()).toBe(0);
    p.flush();
    expect(sent).toEqual([[1]]);
    p.flush();
    expect(sent).toHaveLength(1);
  });
});
