/**
 * The v0.0.39+ parsers against HAND-MADE answers built from the published v0.0.39 and v0.0.41
 * schemas (test/fixtures/slurm/v0.0.39, v0.0.41: every file says so in `_fixture`).
 */
import { describe, expect, it } from 'vitest';
import { SlurmJob, SlurmNode, SlurmPartition } from '../../../shared/slurm';
import { parseJobs, parseNodes, parsePartitions, releaseFromMeta } from '../../../electron/core/slurm/parse-answer';
import { slurmFixture } from './fixtures';

for (const version of ['v0.0.39', 'v0.0.41']) {
  describe(`${version} nodes (hand-made from the published schema)`, () => {
    const fixture = slurmFixture(`${version}/nodes`);
    const parsed = parseNodes(fixture, 'v0.0.39+');
    const byName = Object.fromEntries(parsed.items.map((n) => [n.name, n]));

    it('is marked as hand-made', () => {
      expect(String(fixture._fixture)).toMatch(/^HAND-MADE, not recorded/);
    });

    it('reads the state list as base plus flags', () => {
      expect(parsed.skipped).toEqual([]);
      for (const n of parsed.items) expect(SlurmNode.parse(n)).toEqual(n);
      expect(byName['gpu-001']).toMatchObject({ state: 'MIXED', flags: [], drain: 'none', schedulable: true, gpusTotal: 8, gpusUsed: 8 });
      expect(byName['gpu-002']).toMatchObject({ state: 'MIXED', flags: ['DRAIN'], drain: 'draining', reason: 'XID 79 on GPU 3', reasonBy: 'ops', reasonAt: 1_717_002_000_000 });
      expect(byName['gpu-003']).toMatchObject({ state: 'IDLE', drain: 'drained', gpusUsed: 0, reasonBy: 'root' });
      expect(byName['gpu-004']).toMatchObject({ state: 'DOWN', flags: ['NOT_RESPONDING'], schedulable: false, stateText: 'down+not_responding' });
    });

    it('reads an unset reason time as none', () => {
      expect(byName['gpu-001'].reasonAt).toBeNull();
      expect(byName['gpu-001'].reason).toBeNull();
    });

    it('reads features and active features as lists, beside the partitions', () => {
      expect(byName['gpu-001']).toMatchObject({ features: ['h100'], activeFeatures: ['h100'], partitions: ['train'] });
      const json = slurmFixture(`${version}/nodes`);
      const list = json.nodes as Record<string, unknown>[];
      list[0] = { ...list[0], features: ['spare', 'h100'], active_features: [], partitions: ['spare'] };
      delete list[1].features;
      const items = parseNodes(json, 'v0.0.39+').items;
      expect(items[0]).toMatchObject({ features: ['spare', 'h100'], activeFeatures: [], partitions: ['spare'] });
      expect(items[1]).toMatchObject({ features: [], activeFeatures: ['h100'] });
    });
  });

  describe(`${version} jobs (hand-made from the published schema)`, () => {
    const parsed = parseJobs(slurmFixture(`${version}/jobs`), 'v0.0.39+');
    const byId = Object.fromEntries(parsed.items.map((j) => [j.id, j]));

    it('reads state, nodes, GPUs, times and the checkpoint path', () => {
      expect(parsed.skipped).toEqual([]);
      for (const j of parsed.items) expect(SlurmJob.parse(j)).toEqual(j);
      expect(byId['4123']).toMatchObject({
        name: 'llama-70b',
        state: 'RUNNING',
        nodes: ['gpu-001', 'gpu-002'],
        gpus: 16,
        startAt: 1_717_000_600_000,
        submitAt: 1_717_000_400_000,
        timeLimitMinutes: 2880,
        restarts: 2,
        user: 'ops',
        checkpointPath: '/lustre/llama/ckpt',
      });
    });

    it('reads a pending job with an infinite limit and the GPUs it asks for', () => {
      expect(byId['4124']).toMatchObject({ state: 'PENDING', stateReason: 'BeginTime', nodes: [], gpus: 2, startAt: null, timeLimitMinutes: null, restarts: 1 });
      expect(byId['4100']).toMatchObject({ state: 'COMPLETED', gpus: 4, timeLimitMinutes: 60 });
    });
  });
}

describe('v0.0.41 specifics', () => {
  it('takes the base out of a job_state list and keeps the flags', () => {
    const json = slurmFixture('v0.0.41/jobs');
    const list = json.jobs as Record<string, unknown>[];
    list[1] = { ...list[1], job_state: ['REQUEUED', 'PENDING'] };
    const job = parseJobs(json, 'v0.0.39+').items[1];
    expect(job).toMatchObject({ state: 'PENDING', stateFlags: ['REQUEUED'] });
  });

  it('reads partitions: nodes.configured, partition.state, maximums.time', () => {
    const parsed = parsePartitions(slurmFixture('v0.0.41/partitions'), 'v0.0.39+');
    expect(parsed.items).toEqual([
      { name: 'train', state: 'UP', nodes: ['gpu-001', 'gpu-002', 'gpu-003', 'gpu-004'], maxTimeMinutes: 2880 },
      { name: 'debug', state: 'DOWN', nodes: ['gpu-004'], maxTimeMinutes: null },
    ]);
    for (const p of parsed.items) expect(SlurmPartition.parse(p)).toEqual(p);
  });

  it('finds the release in meta.slurm', () => {
    expect(releaseFromMeta(slurmFixture('v0.0.41/nodes'))).toBe('24.05.1');
    expect(releaseFromMeta(slurmFixture('v0.0.39/nodes'))).toBe('23.02.5');
  });

  it('sets aside a node whose number fields have the wrong type', () => {
    const json = slurmFixture('v0.0.41/nodes');
    (json.nodes as Record<string, unknown>[])[0].reason_changed_at = { set: 'yes', number: 'soon' };
    const parsed = parseNodes(json, 'v0.0.39+');
    expect(parsed.items).toHaveLength(3);
    expect(parsed.skipped[0]).toMatchObject({ path: 'nodes[0] (gpu-001)' });
    expect(parsed.skipped[0].problem).toMatch(/reason_changed_at/);
  });
});
