/**
 * The lab's training side end to end, through FleetCore: the lab's first training cluster runs
 * under a real Slurm (one `slurmd -N` per lab node), with its lab jobs running and `lab-pretrain`
 * writing real DCP checkpoints. The console reads Slurm over REST with the lab's token (handed
 * over in-process), lists the checkpoints over the lab's SSH, and drains and requeues through
 * `cordon-gpu-node`, whose scontrol lines the lab's controlVia node runs for real.
 *
 * 18 lab nodes: three per cluster, so `lab-pretrain` (two nodes) has room to go when one of its
 * nodes is drained. The checkpoint policy is 4 s (the writer saves every second), so staleness
 * shows within seconds.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunbookPlan } from '../../shared/runbook';
import type { TrainingJob, TrainingOverview } from '../../shared/training';
import type { LabInfo } from '../../shared/status';
import { FleetCore } from '../../electron/core/fleet/core';
import { labControlClient, startLabControl } from '../../electron/core/lab/lab-control';
import { startLab, type LabFleet } from '../../electron/core/lab/lab-fleet';
import { LAB_PRETRAIN_JOB } from '../../electron/core/lab/lab-training';
import { createDispatch, type Dispatch } from '../../electron/core/rpc/dispatch';
import { waitFor } from './helpers/free-port';
import { slurmAvailable } from './helpers/slurm';
import { contractCall } from './helpers/contract-call';

const CLUSTER = 'usw2-training';
const NODES = ['usw2-trn-01', 'usw2-trn-02', 'usw2-trn-03'];
const canRun = slurmAvailable() && process.getuid?.() === 0;

let dir: string;
let lab: LabFleet;
let core: FleetCore;
let dispatch: Dispatch;

beforeAll(async () => {
  if (!canRun) return;
  dir = mkdtempSync(join(tmpdir(), 'fleetops-training-lab-'));
  lab = await startLab({ dir: join(dir, 'lab'), nodes: 18, probeIntervalSeconds: 2, training: { clusters: 1, checkpointEverySeconds: 4 } });
  core = new FleetCore({
    dataDir: join(dir, 'data'),
    inventoryPath: lab.inventoryPath,
    inventoryEnv: { homeDir: dir, defaultUser: 'ops' },
    lab,
    // As serve --lab does: the lab's Slurm token reaches the console in-process.
    getSecret: async (ref) => lab.secret(ref),
    training: { checkpointEveryMs: 1000, publishEveryMs: 100 },
  });
  await core.start();
  dispatch = createDispatch(core.handlers, { validateOutput: true });
}, 60_000);

afterAll(async () => {
  await core?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const call = <T>(method: string, params: unknown): Promise<T> => contractCall(dispatch)<T>(method, params);

const overview = () => call<TrainingOverview>('training.overview', {});
const until = <T>(pick: (o: TrainingOverview) => T | undefined | null | false, what: string, timeoutMs = 30_000): Promise<T> =>
  waitFor(async () => pick(await overview()), { what, timeoutMs, intervalMs: 200 }) as Promise<T>;
const pretrain = (o: TrainingOverview): TrainingJob | undefined => o.jobs.find((j) => j.name === LAB_PRETRAIN_JOB);

describe.skipIf(!canRun)('the lab training cluster under a real Slurm', () => {
  it('reads the lab Slurm as ok, with the lab training nodes and the running lab jobs; the lab job\'s checkpoints are ok', async () => {
    const info = lab.info().training!;
    expect(info.reason).toBeNull();
    expect(info.schedulers).toEqual([expect.objectContaining({ cluster: CLUSTER, controlVia: NODES[0], nodes: NODES })]);
    const job = await until((o) => pretrain(o)?.state === 'RUNNING' && pretrain(o)?.checkpoint?.level === 'ok' && pretrain(o), 'lab-pretrain running with fresh checkpoints');
    const o = await overview();
    expect(o.schedulers).toEqual([expect.objectContaining({ cluster: CLUSTER, state: 'ok', apiVersion: 'v0.0.38' })]);
    expect(o.nodes.map((n) => n.node)).toEqual(NODES);
    expect(o.nodes.every((n) => n.gpusTotal === 8)).toBe(true);
    expect(job).toMatchObject({ cluster: CLUSTER, gpus: 8, user: 'root' });
    expect(job.nodes).toHaveLength(2);
    expect(o.jobs.find((j) => j.name === 'lab-finetune')).toMatchObject({ state: 'RUNNING', gpus: 2 });
    expect(job.checkpoint).toMatchObject({ layout: 'dcp', policyMs: 4000, newestComplete: { name: expect.stringMatching(/^step-\d+$/) } });
  }, 40_000);

  it('a stalled writer makes the checkpoint stale (warn, then critical) and the work at risk grows', async () => {
    const info = await call<LabInfo>('lab.jobFault', { job: LAB_PRETRAIN_JOB, kind: 'stall', active: true });
    expect(info.training?.jobs[0].faults).toEqual(['stall']);
    const warned = await until((o) => pretrain(o)?.checkpoint?.level === 'warn' && pretrain(o), 'the checkpoint warn');
    const critical = await until((o) => pretrain(o)?.checkpoint?.level === 'critical' && pretrain(o), 'the checkpoint critical');
    expect(critical.checkpoint!.reasons.join(' ')).toMatch(/newest complete checkpoint step-\d+ is/);
    expect(critical.workAtRiskGpuHours!).toBeGreaterThan(warned.workAtRiskGpuHours!);
    await call('lab.jobFault', { job: LAB_PRETRAIN_JOB, kind: 'stall', active: false });
    await until((o) => pretrain(o)?.checkpoint?.level === 'ok', 'the checkpoint fresh again');
  }, 60_000);

  it('a save left without .metadata, then a truncated shard, through the lab control API', async () => {
    const control = await startLabControl(lab);
    try {
      const client = labControlClient(lab.dir);
      expect((await client.injectJob(LAB_PRETRAIN_JOB, 'no-metadata')).training?.jobs[0].faults).toEqual(['no-metadata']);
      // Saves go on without .metadata: each reads as a save under way (for the first 5 minutes,
      // classify.ts's MIN_STALL_SECONDS), while the newest complete one ages past the policy.
      const incomplete = await until((o) => pretrain(o)?.checkpoint?.level === 'warn' && pretrain(o)?.checkpoint?.findings.some((f) => f.code === 'saving') && pretrain(o), 'saves without .metadata, the complete one stale');
      expect(incomplete.checkpoint!.findings.find((f) => f.code === 'stale')?.message).toMatch(/newest complete checkpoint step-\d+ is/);
      await client.clearJob(LAB_PRETRAIN_JOB, 'no-metadata');
      await client.injectJob(LAB_PRETRAIN_JOB, 'truncated-shard');
      await until((o) => pretrain(o)?.checkpoint?.findings.some((f) => f.code === 'truncated') && pretrain(o), 'a truncated shard seen');
      expect((await client.clearJob(LAB_PRETRAIN_JOB, 'truncated-shard')).training?.jobs[0].faults).toEqual([]);
      await until((o) => pretrain(o)?.checkpoint?.level === 'ok', 'the checkpoint fresh again');
    } finally {
      await control.close();
    }
  }, 60_000);

  it('an XID 79 on a node of the job puts the job at risk, and Slurm still schedules there', async () => {
    const node = pretrain(await overview())!.nodes[0];
    await call('lab.injectFault', { node, kind: 'xid-79' });
    core.monitor.probeSoon(node);
    const job = await until((o) => pretrain(o)?.atRisk.some((r) => r.node === node) && pretrain(o), 'the job at risk');
    expect(job.atRisk.find((r) => r.node === node)!.reason).toMatch(/XID 79|Xid 79|fallen off the bus/i);
    const slurmNode = await until((o) => o.nodes.find((n) => n.node === node && n.disagreement !== null), 'the disagreement');
    expect(slurmNode.disagreement).toMatch(/Slurm still schedules here .*job.* running.*cordon-gpu-node/);
  }, 40_000);

  it('cordon-gpu-node with jobs=requeue drains the node in Slurm and the job runs again elsewhere', async () => {
    const before = pretrain(await overview())!;
    const node = before.nodes[0];
    const params = { reason: 'fleetops lab: XID 79', jobs: 'requeue', timeoutSeconds: '60' };
    const plan = await call<RunbookPlan>('runbooks.plan', { runbook: 'cordon-gpu-node', target: node, params });
    expect(plan.confirmation).toBe(node);
    expect(plan.steps[0].action).toMatchObject({ type: 'slurm.drain', via: 'scontrol', request: expect.stringContaining(`scontrol update NodeName='${node}' State=DRAIN Reason='fleetops lab: XID 79'`) });
    const started = await core.runbooks().run({ runbook: 'cordon-gpu-node', target: node, params, confirm: node });
    const end = await started.done;
    expect(end.status).toBe('succeeded');
    const requeue = end.steps.find((s) => s.title.startsWith('Requeue'))!;
    expect(requeue.output).toContain(`requeued `);
    expect(requeue.output).toMatch(new RegExp(`job ${before.id}: (RUNNING|PENDING)`));

    const drained = await until((o) => o.nodes.find((n) => n.node === node && n.flags.includes('DRAIN') && !n.schedulable), 'the node drained in Slurm');
    expect(drained).toMatchObject({ reason: 'fleetops lab: XID 79', reasonBy: 'root' });
    const moved = await until((o) => pretrain(o)?.state === 'RUNNING' && !pretrain(o)!.nodes.includes(node) && pretrain(o), 'lab-pretrain running elsewhere');
    expect(moved.id).toBe(before.id);
    expect(moved.nodes).toHaveLength(2);
    expect(moved.restarts).toBeGreaterThanOrEqual(1);
    expect(moved.atRisk).toEqual([]);
  }, 90_000);

  it('a cordon that fails is rolled back: the drain is undone by scontrol on the lab node', async () => {
    const job = pretrain(await overview())!;
    const node = job.nodes[0];
    // The job sleeps for months: waiting 1 s for it fails, and the run rolls back.
    const started = await core.runbooks().run({ runbook: 'cordon-gpu-node', target: node, params: { jobs: 'wait', timeoutSeconds: '1' } });
    const end = await started.done;
    expect(end.status).toBe('rolled-back');
    // Drained and resumed within a second or so: faster than Slurm is polled, so the steps say it.
    expect(end.steps[0]).toMatchObject({ status: 'undone', output: expect.stringMatching(new RegExp(`NodeName='${node}' State=DRAIN .*: done`)) });
    expect(end.steps[0].output).toMatch(new RegExp(`NodeName='${node}' State=RESUME`));
    expect(end.steps[1].error).toMatch(/jobs on .* to finish/);
    await until((o) => o.nodes.find((n) => n.node === node && n.schedulable && !n.flags.includes('DRAIN')), 'the node resumed by the rollback');
  }, 60_000);
});

describe('a lab on a machine without Slurm', () => {
  it('starts without a scheduler and says why; its inventory names none', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fleetops-training-noslurm-'));
    try {
      const empty = join(root, 'no-slurm-here');
      mkdirSync(empty);
      const bare = await startLab({ dir: join(root, 'lab'), nodes: 6, training: { slurmSearchDirs: [empty] } });
      try {
        const info = bare.info().training!;
        expect(info).toMatchObject({ schedulers: [], jobs: [] });
        expect(info.reason).toMatch(/Slurm is not installed \(missing slurmctld, .*apt-get install/);
        expect(readFileSync(bare.inventoryPath, 'utf8')).not.toMatch(/scheduler:|jobs:/);
        await expect(bare.setJobFault(LAB_PRETRAIN_JOB, 'stall', true)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      } finally {
        await bare.stop();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
