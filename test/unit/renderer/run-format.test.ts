import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../../../shared/runbook';
import { isRunActive, runActions, runStatusText, sortRunsNewestFirst, stepDuration } from '../../../renderer/src/model/run-format';
import { runView, stepView } from './run-builders';

describe('sortRunsNewestFirst', () => {
  it('orders by start time, newest first, with a stable tie-break, without touching the input', () => {
    const runs = [runView('a', { startedAt: 1 }), runView('c', { startedAt: 3 }), runView('b', { startedAt: 3 })];
    expect(sortRunsNewestFirst(runs).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(runs.map((r) => r.id)).toEqual(['a', 'c', 'b']);
  });
});

describe('runActions', () => {
  it('offers abort only while running, roll back and continue only to a run waiting for the operator', () => {
    const all: RunStatus[] = ['running', 'rolling-back', 'stopped', 'interrupted', 'succeeded', 'rolled-back', 'rollback-failed'];
    const table = Object.fromEntries(all.map((s) => [s, runActions(s)]));
    expect(table).toEqual({
      running: { abort: true, rollback: false, continue: false },
      'rolling-back': { abort: false, rollback: false, continue: false },
      stopped: { abort: false, rollback: true, continue: true },
      interrupted: { abort: false, rollback: true, continue: true },
      succeeded: { abort: false, rollback: false, continue: false },
      'rolled-back': { abort: false, rollback: false, continue: false },
      'rollback-failed': { abort: false, rollback: false, continue: false },
    });
    expect(all.filter(isRunActive)).toEqual(['running', 'rolling-back']);
  });
});

describe('stepDuration', () => {
  it('shows the final duration, the time so far while running, and a dash before it starts', () => {
    expect(stepDuration(stepView(0, { status: 'succeeded', durationMs: 420 }), 0)).toBe('420 ms');
    expect(stepDuration(stepView(0, { status: 'succeeded', durationMs: 65_000 }), 0)).toBe('1m 5s');
    expect(stepDuration(stepView(0, { status: 'running', startedAt: 1_000 }), 13_000)).toBe('12s…');
    expect(stepDuration(stepView(0, { status: 'pending' }), 13_000)).toBe('–');
  });
});

describe('runStatusText', () => {
  it('says why a run was rolled back and where an interrupted or failed rollback stands (1-based)', () => {
    expect(runStatusText(runView('r', { status: 'rolled-back', reason: 'aborted' }))).toBe('aborted and rolled back');
    expect(runStatusText(runView('r', { status: 'rolled-back', reason: 'failed' }))).toBe('failed and rolled back');
    expect(runStatusText(runView('r', { status: 'interrupted', interruptedStep: 2 }))).toMatch(/^interrupted at step 3 /);
    expect(runStatusText(runView('r', { status: 'rollback-failed', rollbackFailedStep: 0 }))).toMatch(/^rollback failed at step 1:/);
  });
});
