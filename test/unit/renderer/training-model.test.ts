/**
 * The Training view's pure logic (renderer/src/views/training/training-model.ts): work at risk
 * computed live exactly as the engine computes it, jobs at risk first, the words for intervals
 * and sizes, nodes needing a look first, the sidebar's count; and the overview pushed into the
 * query cache whole.
 */
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { CheckpointStatus, TrainingJob, TrainingNode, TrainingOverview } from '../../../shared/training';
import { applyPushEvent } from '../../../renderer/src/api/push-sync';
import { trainingQueries } from '../../../renderer/src/api/queries/training';
import {
  cordonReason,
  formatBytes,
  formatGpuHours,
  formatInterval,
  intervalAdvice,
  isJobAtRisk,
  liveWorkAtRisk,
  nodesByCluster,
  sortJobsByRisk,
  trainingBadge,
} from '../../../renderer/src/views/training/training-model';

const T0 = 1_700_000_000_000;
const MIN = 60_000;
const HOUR = 3_600_000;

/** Contract-valid (parsed): a builder that drifts from shared/training.ts fails here, not in the view. */
function checkpoint(over: Partial<CheckpointStatus> = {}): CheckpointStatus {
  return CheckpointStatus.parse({
    job: 'llama',
    directory: '/ckpt/llama',
    layout: 'dcp',
    node: 'gpu-a-01',
    level: 'ok',
    reasons: [],
    findings: [],
    checkedAt: T0,
    policyMs: 30 * MIN,
    newestComplete: { name: 'step-1200', step: 1200, at: T0 - 10 * MIN, bytes: 4 * 2 ** 30, ageMs: 10 * MIN },
    saving: null,
    saveSeconds: 40,
    storage: null,
    checkpoints: [],
    recent: [],
    entryCount: null,
    mtbfHours: null,
    suggestedIntervalMs: null,
    ...over,
  });
}

function job(id: string, over: Partial<TrainingJob> = {}): TrainingJob {
  return TrainingJob.parse({
    id,
    name: `job-${id}`,
    region: 'us-west-2',
    cluster: 'train-a',
    state: 'RUNNING',
    user: 'alice',
    nodes: ['gpu-a-01', 'gpu-a-02'],
    gpus: 16,
    startedAt: T0 - 2 * HOUR,
    timeLimitMinutes: 1440,
    restarts: 0,
    checkpoint: null,
    workAtRiskGpuHours: 1,
    interruptions: 0,
    atRisk: [],
    ...over,
  });
}

function trainingNode(node: string, over: Partial<TrainingNode> = {}): TrainingNode {
  return TrainingNode.parse({
    node,
    slurmName: node,
    region: 'us-west-2',
    cluster: 'train-a',
    state: 'IDLE',
    flags: [],
    schedulable: true,
    reason: null,
    reasonBy: null,
    reasonAt: null,
    gpusTotal: 8,
    gpusUsed: 0,
    jobs: [],
    health: 'healthy',
    healthReasons: [],
    disagreement: null,
    ...over,
  });
}

describe('work at risk, live', () => {
  it('counts from the newest complete checkpoint, or from the start when it is older or absent; only for jobs holding GPUs', () => {
    // These builders' jobs started at T0 - 2 h on 16 GPUs; checkpoint() completed at T0 - 10 min.
    const fresh = job('1', { checkpoint: checkpoint() });
    const older = job('2', { checkpoint: checkpoint({ newestComplete: { name: 'step-1', step: 1, at: T0 - 5 * HOUR, bytes: 1, ageMs: 5 * HOUR } }) });
    const none = job('3', { checkpoint: checkpoint({ newestComplete: null }) });
    expect(liveWorkAtRisk(fresh, T0)).toBe(2.67); // 16 GPUs × 10 min, to the hundredth
    expect(liveWorkAtRisk(older, T0 + HOUR)).toBe(liveWorkAtRisk(none, T0 + HOUR));
    expect(liveWorkAtRisk(none, T0 + HOUR)).toBe(48);
    expect(liveWorkAtRisk(job('6', { state: 'PENDING', startedAt: null }), T0)).toBeNull();
    expect(liveWorkAtRisk(job('7', { state: 'COMPLETED' }), T0)).toBeNull();
    expect(liveWorkAtRisk(job('8', { state: 'SUSPENDED', gpus: 0 }), T0)).toBe(0);
  });

  it('grows every second between pushes, and is never negative', () => {
    const j = job('1', { gpus: 1024, checkpoint: checkpoint() });
    const a = liveWorkAtRisk(j, T0)!;
    const b = liveWorkAtRisk(j, T0 + 1_000)!;
    expect(b).toBeGreaterThan(a);
    expect(liveWorkAtRisk(j, T0 - HOUR)).toBe(0);
  });

  it('reads as GPU-hours', () => {
    expect(formatGpuHours(null)).toBe('–');
    expect(formatGpuHours(2.666)).toBe('2.67 GPU·h');
    expect(formatGpuHours(12345.6)).toBe('12,346 GPU·h');
  });
});

describe('the jobs table', () => {
  it('puts jobs at risk first (a critical checkpoint or a bad node), then the most work at risk', () => {
    const calm = job('1', { workAtRiskGpuHours: 900 });
    const critical = job('2', { workAtRiskGpuHours: 3, checkpoint: checkpoint({ level: 'critical', reasons: ['newest complete checkpoint step-1200 is 95 min old (policy 30 min)'] }) });
    const badNode = job('3', { workAtRiskGpuHours: 50, atRisk: [{ node: 'gpu-a-02', reason: 'XID 79 on GPU 3' }] });
    const warn = job('4', { workAtRiskGpuHours: 1000, checkpoint: checkpoint({ level: 'warn' }) });
    const pending = job('5', { state: 'PENDING', workAtRiskGpuHours: null, startedAt: null });
    expect(sortJobsByRisk([pending, calm, critical, warn, badNode]).map((j) => j.id)).toEqual(['3', '2', '4', '1', '5']);
    expect(isJobAtRisk(critical) && isJobAtRisk(badNode) && !isJobAtRisk(warn)).toBe(true);
  });

  it('says intervals and sizes in words, and the policy beside Young’s suggestion or what it still lacks', () => {
    expect([45_000, 30 * MIN, 90 * MIN, 150 * MIN, 2 * HOUR * 24 + 3 * HOUR, 72 * HOUR].map(formatInterval)).toEqual(['45 s', '30 min', '90 min', '2 h 30 min', '2 d 3 h', '3 d']);
    expect(intervalAdvice({ policyMs: 30 * MIN, suggestedIntervalMs: 42 * MIN, saveSeconds: 40, mtbfHours: 6 })).toBe('every 30 min · suggested 42 min (Young)');
    expect(intervalAdvice({ policyMs: 30 * MIN, suggestedIntervalMs: null, saveSeconds: 40, mtbfHours: null })).toBe('every 30 min · suggested: not yet known (no MTBF measured)');
    expect(intervalAdvice({ policyMs: 30 * MIN, suggestedIntervalMs: null, saveSeconds: null, mtbfHours: null })).toContain('no save time or MTBF');
    expect([512, 1536, 4 * 2 ** 30].map(formatBytes)).toEqual(['512 B', '1.5 KiB', '4.0 GiB']);
  });

  it('gives the cordon runbook the risk reason on one line, at most 200 characters', () => {
    expect(cordonReason('  XID 79 on GPU 3\n(fallen off the bus) ')).toBe('XID 79 on GPU 3 (fallen off the bus)');
    const long = cordonReason('x'.repeat(500));
    expect(long.length).toBe(200);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('nodes and the sidebar', () => {
  it('groups nodes by cluster, disagreements first, then bad verdicts, then out of scheduling, then by name', () => {
    const groups = nodesByCluster([
      trainingNode('gpu-a-04'),
      trainingNode('gpu-b-01', { cluster: 'train-b' }),
      trainingNode('gpu-a-03', { schedulable: false, flags: ['DRAIN'] }),
      trainingNode('gpu-a-02', { health: 'unhealthy' }),
      trainingNode('gpu-a-05', { health: 'unhealthy', disagreement: 'XID 79 on GPU 3, but Slurm still schedules here (state MIXED, job 4123 running): drain it (cordon-gpu-node)' }),
      trainingNode('gpu-a-01'),
    ]);
    expect(groups.map((g) => [g.cluster, g.nodes.map((n) => n.node)])).toEqual([
      ['train-a', ['gpu-a-05', 'gpu-a-02', 'gpu-a-03', 'gpu-a-01', 'gpu-a-04']],
      ['train-b', ['gpu-b-01']],
    ]);
  });

  it('counts jobs at risk, disagreements and unreachable schedulers; nothing when all is well', () => {
    const overview = (over: Partial<TrainingOverview>): TrainingOverview => TrainingOverview.parse({ schedulers: [], nodes: [], jobs: [], unscheduled: [], ...over });
    expect(trainingBadge(overview({ jobs: [job('1')], nodes: [trainingNode('n1')] }))).toBeNull();
    const scheduler = { region: 'r', cluster: 'train-b', kind: 'slurm', url: 'http://127.0.0.1:6820', state: 'unreachable', reason: 'slurmrestd down', code: 'HOST_UNREACHABLE', apiVersion: null, polledAt: T0, partitions: [] };
    expect(trainingBadge(overview({ schedulers: [scheduler] as TrainingOverview['schedulers'] }))).toEqual({ count: 1, tone: 'degraded', title: '1 scheduler unreachable' });
    const badge = trainingBadge(overview({ jobs: [job('1', { atRisk: [{ node: 'n1', reason: 'XID 79' }] })], nodes: [trainingNode('n1', { disagreement: 'XID 79, but Slurm still schedules here' })] }));
    expect(badge).toEqual({ count: 2, tone: 'unhealthy', title: '1 job at risk, 1 node where Slurm and the console disagree' });
  });

  it('takes a training.updated push as the whole overview, whether or not the view has fetched it', () => {
    const client = new QueryClient();
    const first = TrainingOverview.parse({ schedulers: [], nodes: [trainingNode('n1')], jobs: [job('1')], unscheduled: [{ region: 'r', cluster: 'train-c' }] });
    applyPushEvent(client, { event: 'training.updated', payload: first });
    expect(client.getQueryData(trainingQueries.overview().queryKey)).toEqual(first);
    const next = { ...first, jobs: [] };
    applyPushEvent(client, { event: 'training.updated', payload: next });
    expect(client.getQueryData(trainingQueries.overview().queryKey)?.jobs).toEqual([]);
  });
});
