/**
 * Slurm steps in a plan: node-targeted runbooks, the drain rendered exactly as it will be sent
 * (REST or scontrol, from the route), its undo, a requeue marked irreversible and asking for the
 * typed confirmation, and the refusals (no Slurm, no reason, read-only).
 */
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { RunbookPlan } from '../../../shared/runbook';
import { formatPlan } from '../../../electron/core/runbooks/format-plan';
import { BUILTIN_RUNBOOK_DIR, parseRunbook } from '../../../electron/core/runbooks/load-runbooks';
import type { SlurmRoute } from '../../../electron/core/runbooks/plan-context';
import { planRunbook } from '../../../electron/core/runbooks/plan-runbook';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainingFleet } from '../training/fixture';
import { thrownFleetError } from '../thrown';

const cordon = parseRunbook(readFileSync(join(BUILTIN_RUNBOOK_DIR, 'cordon-gpu-node.yaml'), 'utf8'), 'cordon-gpu-node.yaml');

/** A route as the training feature gives it: scontrol on the login node (v0.0.38 has no node update). */
const route: SlurmRoute = {
  cluster: 'train-a',
  controlVia: 'login-a',
  slurmName: (n) => ({ 'gpu-t01': 'node1', 'gpu-t02': 'node2' })[n] ?? n,
  jobsOn: (s) => (s === 'node1' ? ['4123', '4124'] : []),
  render: (c) => ({ via: 'scontrol', request: c.kind === 'drain' ? `scontrol update NodeName=${c.slurmName} State=DRAIN Reason='${c.reason}'` : c.kind === 'resume' ? `scontrol update NodeName=${c.slurmName} State=RESUME` : `scontrol requeue ${c.jobs.join(',')}` }),
};

function plan(target: string, params: Record<string, string> = {}, extra: { readOnly?: { global: boolean; clusters: string[] }; slurm?: (c: string) => SlurmRoute | undefined } = {}) {
  const p = planRunbook(cordon, { inventory: trainingFleet(), target, params, readOnly: extra.readOnly ?? { global: false, clusters: [] }, lockHolder: () => null, slurm: extra.slurm ?? ((c) => (c === 'train-a' ? route : undefined)) });
  expect(RunbookPlan.parse(p)).toEqual(p);
  return p;
}


describe('cordon-gpu-node', () => {
  it('drains with the given reason, waits for the jobs by default, and resumes on rollback', () => {
    const p = plan('gpu-t01', { reason: 'XID 79 on GPU 3: fallen off the bus' });
    expect(p.steps.map((s) => s.action.type)).toEqual(['slurm.drain', 'slurm.wait-jobs', 'note']);
    expect(p.steps[0].action).toEqual({ type: 'slurm.drain', cluster: 'train-a', node: 'gpu-t01', slurmName: 'node1', reason: 'XID 79 on GPU 3: fallen off the bus', via: 'scontrol', controlVia: 'login-a', request: "scontrol update NodeName=node1 State=DRAIN Reason='XID 79 on GPU 3: fallen off the bus'" });
    expect(p.steps[0].undo).toEqual({ type: 'slurm.resume', cluster: 'train-a', node: 'gpu-t01', slurmName: 'node1', via: 'scontrol', controlVia: 'login-a', request: 'scontrol update NodeName=node1 State=RESUME' });
    expect(p.steps[1].action).toMatchObject({ type: 'slurm.wait-jobs', timeoutSeconds: 600 });
    expect(p.locks).toEqual(['gpu-t01']);
    // Nothing irreversible and an unprotected cluster: no typed confirmation.
    expect(p.confirmation).toBeNull();
    expect(p.preconditions[0].text).toBe('node gpu-t01 exists in the inventory (cluster train-a, region us-east)');
  });

  it('a requeue is irreversible: the plan says so, lists the jobs it would requeue now, and needs the typed confirmation', () => {
    const p = plan('gpu-t01', { jobs: 'requeue' });
    const requeue = p.steps.find((s) => s.action.type === 'slurm.requeue')!;
    expect(requeue.irreversible).toBe(true);
    expect(requeue.undo).toBeNull();
    expect(requeue.action).toMatchObject({ jobs: ['4123', '4124'], request: 'scontrol requeue 4123,4124' });
    expect(p.confirmation).toBe('gpu-t01');
    expect(formatPlan(p)).toMatch(/irreversible/);
  });

  it('refuses what it cannot plan: a node of a cluster with no Slurm, an empty reason, a replica as target', () => {
    expect(thrownFleetError(() => plan('gpu-u01')).message).toMatch(/cluster train-b has no Slurm the console has read/);
    expect(thrownFleetError(() => plan('gpu-t01', {}, { slurm: () => undefined })).message).toMatch(/has no Slurm the console has read/);
    expect(thrownFleetError(() => plan('gpu-t01', { reason: 'bad\nreason' })).code).toBe('BAD_REQUEST');
    expect(thrownFleetError(() => plan('nope')).message).toMatch(/targets a node, and "nope" is not one/);
  });

  it('read-only on the cluster refuses the drain', () => {
    const p = plan('gpu-t01', {}, { readOnly: { global: false, clusters: ['train-a'] } });
    expect(p.preconditions.find((c) => !c.ok)?.text).toBe('cluster train-a is read-only: steps 1 would change it and are refused');
  });
});
