import { describe, expect, it } from 'vitest';
import { TrainingJob, TrainingNode } from '../../../shared/training';
import { disagreement, joinJob, joinNodes, schedulerStatus, workAtRisk, type SchedulerRead, type SlurmJobIn, type SlurmNodeIn } from '../../../electron/core/training/join-training';
import { followedJobs } from '../../../electron/core/training/followed-jobs';
import { schedulerChanges, jobSubject } from '../../../electron/core/training/slurm-changes';
import { trainingInventoryOf } from '../../../electron/core/training/training-inventory';
import { trainingFleet } from './fixture';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 5, 12);

/** Schedulable as Slurm judges it (slurm/node-state.ts): up, and no drain, down or unresponsive flag. */
function node(name: string, over: Partial<SlurmNodeIn> = {}): SlurmNodeIn {
  const n = { name, state: 'IDLE' as SlurmNodeIn['state'], flags: [] as string[], reason: null, reasonBy: null, reasonAt: null, gpusTotal: 8, gpusUsed: 0, ...over };
  return { ...n, schedulable: over.schedulable ?? (['IDLE', 'MIXED', 'ALLOCATED'].includes(n.state) && !n.flags.some((f) => /DRAIN|NOT_RESPONDING|MAINT/.test(f))) };
}
const job = (id: string, over: Partial<SlurmJobIn> = {}): SlurmJobIn => ({ id, name: 'pretrain-70b', state: 'RUNNING', user: 'alice', nodes: ['node1', 'node2'], gpus: 16, startAt: NOW - 4 * HOUR, timeLimitMinutes: 1440, restarts: 0, comment: '', checkpointPath: null, ...over });
const running = (j: SlurmJobIn) => ({ state: j.state, gpus: j.gpus, startedAt: j.startAt });

function read(nodes: SlurmNodeIn[], jobs: SlurmJobIn[]): Extract<SchedulerRead, { state: 'ok' }> {
  return { state: 'ok', at: NOW, apiVersion: 'v0.0.38', nodes, jobs, partitions: [{ name: 'gpu', state: 'UP', nodes: ['node1', 'node2', 'node3'] }] };
}

const training = () => trainingInventoryOf(trainingFleet());

describe('the training side of the inventory', () => {
  it('maps Slurm names to inventory names per cluster and lists training clusters without a scheduler', () => {
    const t = training();
    expect(t.clusters.map((c) => [c.cluster, [...c.toInventory]])).toEqual([['train-a', [['node1', 'gpu-t01'], ['node2', 'gpu-t02'], ['node3', 'gpu-t03']]]]);
    expect(t.unscheduled).toEqual([{ region: 'us-east', cluster: 'train-b' }]);
    expect(t.jobs.map((j) => j.name)).toEqual(['llama-70b', 'eval-sweep']);
  });
});

describe('Slurm beside the console', () => {
  const verdicts: Record<string, { health: 'healthy' | 'unhealthy' | 'unreachable'; reasons: string[] }> = {
    'gpu-t01': { health: 'unhealthy', reasons: ['XID 79 on GPU 3 (00000000:1B:00.0): GPU has fallen off the bus'] },
    'gpu-t02': { health: 'healthy', reasons: [] },
    'gpu-t03': { health: 'healthy', reasons: [] },
  };

  it('says where the console and Slurm disagree, in words an operator can act on', () => {
    const c = training().clusters[0];
    const nodes = joinNodes(c, read([node('node1', { state: 'MIXED', gpusUsed: 8 }), node('node2', { state: 'ALLOCATED', gpusUsed: 8 }), node('node3', { state: 'IDLE', flags: ['DRAIN'], reason: 'bad fan', reasonBy: 'root' })], [job('4123')]), (n) => verdicts[n]);
    for (const n of nodes) expect(TrainingNode.parse(n)).toEqual(n);
    const by = new Map(nodes.map((n) => [n.node, n]));
    expect(by.get('gpu-t01')!.disagreement).toBe('XID 79 on GPU 3 (00000000:1B:00.0): GPU has fallen off the bus, but Slurm still schedules here (state MIXED, job 4123 running): drain it (cordon-gpu-node)');
    expect(by.get('gpu-t01')!.jobs).toEqual(['4123']);
    expect(by.get('gpu-t02')!.disagreement).toBeNull();
    expect(by.get('gpu-t03')!.disagreement).toBe('drained by root (bad fan), yet healthy to the console: resume it once the cause is fixed');
    expect(by.get('gpu-t03')!.schedulable).toBe(false);
  });

  it('agrees once the bad node is drained, and flags a DOWN node the console reads healthy', () => {
    const bad = { health: 'unhealthy' as const, reasons: ['XID 79'] };
    expect(disagreement(node('node1', { state: 'MIXED', flags: ['DRAIN'] }), bad, ['4123'])).toBeNull();
    expect(disagreement(node('node1', { state: 'DOWN', flags: ['NOT_RESPONDING'], reason: 'Not responding' }), { health: 'healthy', reasons: [] }, [])).toBe(
      'healthy to the console, but Slurm has it DOWN+NOT_RESPONDING (Not responding): slurmd or munge on the node, not its GPUs',
    );
    expect(disagreement(node('node1'), { health: 'unreachable', reasons: [] }, [])).toBe('unreachable, but Slurm still schedules here (state IDLE, no job running): drain it (cordon-gpu-node)');
  });

  it('names an inventory node Slurm does not know', () => {
    const c = training().clusters[0];
    const nodes = joinNodes(c, read([node('node1'), node('node2')], []), () => undefined);
    expect(nodes.find((n) => n.node === 'gpu-t03')).toMatchObject({ state: 'MISSING', schedulable: false, health: 'unknown', disagreement: 'Slurm has no node "node3": the inventory lists it in cluster train-a, but jobs cannot run there' });
  });

  it('an unreachable scheduler is a state with its reason, not an error', () => {
    const c = training().clusters[0];
    expect(schedulerStatus(c, { state: 'unreachable', at: NOW, code: 'AUTH_FAILED', reason: 'slurmrestd refused the token', apiVersion: null })).toMatchObject({ state: 'unreachable', reason: 'slurmrestd refused the token', code: 'AUTH_FAILED', partitions: [] });
    expect(schedulerStatus(c, read([], [])).partitions).toEqual([{ name: 'gpu', state: 'UP', nodes: ['gpu-t01', 'gpu-t02', 'gpu-t03'] }]);
  });
});

describe('jobs at risk', () => {
  it('work at risk is GPUs × hours since the newest complete checkpoint, or since the start', () => {
    const j = running(job('1'));
    expect(workAtRisk(j, null, NOW)).toBe(64);
    const ckpt = { newestComplete: { name: 'step-9', step: 9, at: NOW - 30 * 60_000, bytes: 1, ageMs: 0 } } as Parameters<typeof workAtRisk>[1];
    expect(workAtRisk(j, ckpt, NOW)).toBe(8);
    // A checkpoint from before this (re)start saved nothing of this run.
    const old = { newestComplete: { name: 'step-1', step: 1, at: NOW - 10 * HOUR, bytes: 1, ageMs: 0 } } as Parameters<typeof workAtRisk>[1];
    expect(workAtRisk(j, old, NOW)).toBe(64);
    expect(workAtRisk({ ...j, state: 'PENDING' }, null, NOW)).toBeNull();
  });

  it('a job lists the nodes that put it at risk, by inventory name', () => {
    const c = training().clusters[0];
    const nodes = joinNodes(c, read([node('node1', { state: 'MIXED' }), node('node2', { state: 'MIXED' }), node('node3')], [job('4123')]), (n) => (n === 'gpu-t02' ? { health: 'unhealthy', reasons: ['XID 79 on GPU 3'] } : { health: 'healthy', reasons: [] }));
    const j = joinJob(c, job('4123'), new Map(nodes.map((n) => [n.node, n])), { checkpoint: null, interruptions: 2, now: NOW });
    expect(TrainingJob.parse(j)).toEqual(j);
    expect(j).toMatchObject({ id: '4123', nodes: ['gpu-t01', 'gpu-t02'], atRisk: [{ node: 'gpu-t02', reason: 'XID 79 on GPU 3' }], interruptions: 2, workAtRiskGpuHours: 64 });
  });

  it('follows the inventory jobs by Slurm name and the commented ones, each listed on a node that mounts the storage', () => {
    const t = training();
    const jobs = followedJobs(t, () => [job('4123'), job('77', { name: 'adhoc', nodes: ['node3'], comment: 'fleetops:ckpt=/scratch/adhoc fleetops:layout=megatron fleetops:every=15m', checkpointPath: '/scratch/adhoc' }), job('78', { name: 'done', state: 'COMPLETED', comment: 'fleetops:ckpt=/x', checkpointPath: '/x' })]);
    expect(jobs.map((j) => [j.key, j.slurm?.id ?? null, j.directory, j.layout, j.everyMs, j.node])).toEqual([
      ['inventory:llama-70b', '4123', '/mnt/ckpt/llama-70b', 'dcp', 30 * 60_000, 'gpu-t01'],
      ['inventory:eval-sweep', null, '/mnt/ckpt/eval', 'files', 2 * HOUR, 'login-a'],
      ['comment:train-a/77', '77', '/scratch/adhoc', 'megatron', 15 * 60_000, 'gpu-t03'],
    ]);
  });
});

describe('what changed between two reads becomes events', () => {
  const c = () => training().clusters[0];

  it('a scheduler lost and found again', () => {
    const down: SchedulerRead = { state: 'unreachable', at: NOW, code: 'UNREACHABLE', reason: 'connect ECONNREFUSED 127.0.0.1:6820', apiVersion: null };
    expect(schedulerChanges(c(), read([], []), down, NOW).map((e) => [e.kind, e.message])).toEqual([['slurm.unreachable', 'Slurm of train-a unreachable: connect ECONNREFUSED 127.0.0.1:6820']]);
    // The same failure again is not news.
    expect(schedulerChanges(c(), down, { ...down, at: NOW + 1 }, NOW)).toEqual([]);
    expect(schedulerChanges(c(), down, read([], []), NOW).map((e) => e.kind)).toEqual(['slurm.reachable']);
  });

  it('a drain with its reason, and a job requeued off a bad node counts once as an interruption', () => {
    const before = read([node('node1', { state: 'MIXED' })], [job('4123')]);
    const after = read([node('node1', { state: 'MIXED', flags: ['DRAIN'], reason: 'XID 79', reasonBy: 'root' })], [job('4123', { state: 'PENDING', nodes: [], restarts: 1 })]);
    const events = schedulerChanges(c(), before, after, NOW);
    expect(events.map((e) => [e.kind, e.subject, e.message])).toEqual([
      ['slurm.node.state', 'gpu-t01', 'gpu-t01: Slurm MIXED → MIXED+DRAIN (reason: XID 79, by root)'],
      ['slurm.job.state', jobSubject('train-a', '4123'), 'job 4123 (pretrain-70b): RUNNING → PENDING'],
      ['training.job.interrupted', 'job:train-a/4123', 'job 4123 (pretrain-70b) interrupted: requeued (restart 1), was on node1, node2'],
    ]);
    const failed = schedulerChanges(c(), before, read([node('node1', { state: 'MIXED' })], [job('4123', { state: 'NODE_FAIL' })]), NOW);
    expect(failed.filter((e) => e.kind === 'training.job.interrupted')).toHaveLength(1);
    // Finishing is not an interruption.
    expect(schedulerChanges(c(), before, read([node('node1', { state: 'MIXED' })], [job('4123', { state: 'COMPLETED' })]), NOW).some((e) => e.kind === 'training.job.interrupted')).toBe(false);
  });
});

describe('how often checkpoints are listed', () => {
  it('a quarter of the policy, at most every minute (or the given ceiling), at least every 2 s', async () => {
    const { listingIntervalMs } = await import('../../../electron/core/training/training-feature');
    expect(listingIntervalMs(30 * 60_000)).toBe(60_000);
    expect(listingIntervalMs(2 * 60_000)).toBe(30_000);
    expect(listingIntervalMs(6_000)).toBe(2_000);
    expect(listingIntervalMs(30 * 60_000, 1_000)).toBe(1_000);
  });
});
