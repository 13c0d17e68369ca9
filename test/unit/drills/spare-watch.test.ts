/**
 * Which spare a response brings up and when (electron/core/drills/run/spare-watch.ts): the
 * replica a wait.healthy step waits for that is not a drill target, started by the last ssh.run
 * on its node before the wait; each moment reported once; an answer from before the start (the
 * spare was up already, or an old probe) does not count.
 */
import { describe, expect, it } from 'vitest';
import type { PlannedAction, RunView } from '../../../shared/runbook';
import { SpareWatch, spareOf } from '../../../electron/core/drills/run/spare-watch';

const step = (index: number, action: PlannedAction) => ({ index, title: `step ${index}`, action, undo: null, mutating: true, targets: [] });
const ssh = (node: string): PlannedAction => ({ type: 'ssh.run', node, commandName: 'start-service', commandLine: 'systemctl start vllm', timeoutSeconds: 120 });
const waitHealthy = (subject: string): PlannedAction => ({ type: 'wait.healthy', subject, subjectKind: 'replica', timeoutSeconds: 600 });
const NODES: Record<string, string> = { r1: 'n1', s1: 'n9' };
const nodeOf = (r: string) => NODES[r] ?? null;

/** replace-replica's shape: confirm, start the spare, wait for it, then the LB steps. */
const REPLACE = [
  step(0, { type: 'confirm', expect: 'r1' }),
  step(1, ssh('n9')),
  step(2, waitHealthy('s1')),
  step(3, { type: 'lb.set-state', loadBalancer: 'lb', backend: 'llama', server: 's1', state: 'ready', command: 'set server llama/s1 state ready' }),
];

describe('spareOf', () => {
  it('finds the spare and the step that starts it', () => {
    expect(spareOf({ steps: REPLACE }, ['r1'], nodeOf)).toEqual({ spare: 's1', startStep: 1 });
  });

  it('a wait for the target itself (a restart) is no replacement; nor a wait with nothing started on the spare’s node', () => {
    expect(spareOf({ steps: [step(0, ssh('n1')), step(1, waitHealthy('r1'))] }, ['r1'], nodeOf)).toBeNull();
    expect(spareOf({ steps: [step(0, ssh('n1')), step(1, waitHealthy('s1'))] }, ['r1'], nodeOf)).toBeNull();
    // A start after the wait does not count either.
    expect(spareOf({ steps: [step(0, waitHealthy('s1')), step(1, ssh('n9'))] }, ['r1'], nodeOf)).toBeNull();
    expect(spareOf({ steps: REPLACE }, ['r1'], () => null)).toBeNull();
  });
});

describe('SpareWatch', () => {
  it('reports the start once its step has started, then the first healthy answer at or after it, each once', () => {
    let startedAt: number | null = null;
    let lastHealthyAt: number | null = 900;
    const run = () => ({ plan: { steps: REPLACE }, steps: REPLACE.map((s) => ({ index: s.index, startedAt: s.index === 1 ? startedAt : null })) }) as unknown as RunView;
    const watch = new SpareWatch({ runbookRun: (id) => (id === 'run-1' ? run() : null), replicaAnswer: (r) => (r in NODES ? { node: NODES[r]!, lastHealthyAt } : null) }, 'run-1', ['r1']);
    expect(watch.check()).toEqual([]);
    startedAt = 1000;
    // The healthy answer at 900 came before the start: not the spare's first.
    expect(watch.check()).toEqual([{ name: 'spare-started', at: 1000, spare: 's1' }]);
    lastHealthyAt = null;
    expect(watch.check()).toEqual([]);
    lastHealthyAt = 3500;
    expect(watch.check()).toEqual([{ name: 'spare-healthy', at: 3500, spare: 's1' }]);
    lastHealthyAt = 4500;
    expect(watch.check()).toEqual([]);
  });

  it('a response that replaces nothing reports nothing, and asks no more', () => {
    let asked = 0;
    const plain = [step(0, { type: 'note', text: 'drained' })];
    const watch = new SpareWatch(
      {
        runbookRun: () => (asked++, { plan: { steps: plain }, steps: [{ index: 0, startedAt: 1 }] }) as unknown as RunView,
        replicaAnswer: () => ({ node: 'n9', lastHealthyAt: 5 }),
      },
      'run-2',
      ['r1'],
    );
    expect(watch.check()).toEqual([]);
    expect(watch.check()).toEqual([]);
    expect(asked).toBe(1);
  });
});
