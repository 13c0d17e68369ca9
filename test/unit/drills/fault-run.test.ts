/**
 * The drill's fault as a runbook plan: the inject steps as planned (each undo its restore), then
 * the hold; it locks what the inject steps change — the node of a stopped service, not the
 * replica, so a response runbook may drain the replica while the fault holds the node.
 */
import { describe, expect, it } from 'vitest';
import type { DrillPlan } from '../../../shared/drill';
import { drillRunOf, faultInPlace, faultRunPlan, holdIndex } from '../../../electron/core/drills/run/fault-run';

const ssh = (line: string) => ({ type: 'ssh.run' as const, node: 'n1', commandName: line, commandLine: line, timeoutSeconds: 60 });
const plan = {
  drill: 'd1',
  seed: 's1',
  confirmation: 'd1',
  targets: [{ kind: 'replica', name: 'r1', cluster: 'c', region: 'r', protected: true, why: 'named' }],
  inject: [{ index: 0, title: 'Stop vllm on n1', action: ssh("systemctl stop 'vllm'"), undo: ssh("systemctl start 'vllm'"), mutating: true, targets: ['n1', 'r1'] }],
  preconditions: [],
  locks: ['r1', 'n1'],
} as unknown as DrillPlan;

describe('faultRunPlan', () => {
  const p = faultRunPlan(plan, 'run-7');

  it('is the inject steps, then a hold that changes nothing and undoes nothing', () => {
    expect(p.steps.map((s) => [s.index, s.action.type, s.mutating, s.undo?.type ?? null])).toEqual([
      [0, 'ssh.run', true, 'ssh.run'],
      [1, 'drill.hold', false, null],
    ]);
    expect(p).toMatchObject({ runbook: 'drill d1', target: 'r1', confirmation: 'd1', onFailure: 'rollback', params: { seed: 's1', drillRun: 'run-7' } });
    expect(holdIndex({ plan: p })).toBe(1);
    expect(drillRunOf({ plan: p })).toBe('run-7');
  });

  it('locks the node the SSH step changes, not the replica (the drill\'s pre-check wants both free)', () => {
    expect(p.locks).toEqual(['n1']);
  });

  it('the fault is in place once the hold runs', () => {
    const steps = (a: string, b: string) => [{ status: a }, { status: b }] as never;
    expect(faultInPlace({ plan: p, status: 'running', steps: steps('succeeded', 'running') })).toBe(true);
    expect(faultInPlace({ plan: p, status: 'running', steps: steps('running', 'pending') })).toBe(false);
    expect(faultInPlace({ plan: p, status: 'rolling-back', steps: steps('succeeded', 'failed') })).toBe(false);
  });
});
