/**
 * The v0.0.38 parsers against answers recorded from a real slurmrestd 22.05.8 (see
 * test/fixtures/slurm/record.ts for the scene), and against the same answers broken on purpose.
 */
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { SlurmJob, SlurmNode, SlurmPartition } from '../../../shared/slurm';
import { parseJobs, parseNodes, parsePartitions, releaseFromMeta } from '../../../electron/core/slurm/parse-answer';
import { slurmFixture } from './fixtures';

const nodes = () => slurmFixture('v0.0.38/nodes');
const jobs = () => slurmFixture('v0.0.38/jobs');

describe('v0.0.38 nodes (recorded)', () => {
  const parsed = parseNodes(nodes(), 'v0.0.38');
  const byName = Object.fromEntries(parsed.items.map((n) => [n.name, n]));

  it('reads every node, each valid against the shared schema', () => {
    expect(parsed.skipped).toEqual([]);
    expect(parsed.items.map((n) => n.name)).toEqual(['node1', 'node2', 'node3']);
    for (const n of parsed.items) expect(SlurmNode.parse(n)).toEqual(n);
  });

  it('tells a busy node, a draining one and a drained one apart', () => {
    expect(byName.node1).toMatchObject({ state: 'MIXED', flags: [], drain: 'none', schedulable: true, reason: null, reasonBy: null, reasonAt: null });
    expect(byName.node2).toMatchObject({ state: 'MIXED', flags: ['DRAIN'], drain: 'draining', schedulable: false, stateText: 'draining', reason: 'maintenance window', reasonBy: 'root' });
    expect(byName.node3).toMatchObject({ state: 'IDLE', flags: ['DRAIN'], drain: 'drained', stateText: 'drained', reason: 'XID 79 on GPU 3', reasonBy: 'root' });
    expect(byName.node3.reasonAt).toBeGreaterThan(Date.UTC(2020, 0, 1));
  });

  it('counts GPUs from GRES', () => {
    expect(byName.node1).toMatchObject({ gpusTotal: 4, gpusUsed: 2, gres: 'gpu:h100:4', gresUsed: 'gpu:h100:2(IDX:0-1)', partitions: ['gpu'] });
    expect(byName.node3).toMatchObject({ gpusTotal: 4, gpusUsed: 0 });
  });

  it('finds the release in meta', () => {
    expect(releaseFromMeta(nodes())).toBe('22.05.8');
  });

  it('reads features as 22.05 writes them: one comma-separated string, empty for none', () => {
    // Recorded: nodes without features have `features: ""` and `active_features: ""`.
    expect(byName.node1).toMatchObject({ features: [], activeFeatures: [] });
    const json = nodes();
    const list = json.nodes as Record<string, unknown>[];
    // What the lab's spare node answers (slurm.conf `Features=spare,ib`), checked against a real 22.05.8 slurmrestd.
    list[0] = { ...list[0], features: 'spare,ib', active_features: 'spare,ib', partitions: ['spare'] };
    list[1] = { ...list[1], features: null, active_features: undefined };
    const parsed = parseNodes(json, 'v0.0.38');
    expect(parsed.skipped).toEqual([]);
    expect(parsed.items[0]).toMatchObject({ features: ['spare', 'ib'], activeFeatures: ['spare', 'ib'], partitions: ['spare'] });
    expect(parsed.items[1]).toMatchObject({ features: [], activeFeatures: [] });
    for (const n of parsed.items) expect(SlurmNode.parse(n)).toEqual(n);
  });

  it('cleans feature names it will show, and drops blanks', () => {
    const json = nodes();
    const list = json.nodes as Record<string, unknown>[];
    list[0] = { ...list[0], features: 'spare,,\u001b[31mred, ib ' };
    expect(parseNodes(json, 'v0.0.38').items[0].features).toEqual(['spare', '[31mred', 'ib']);
  });
});

describe('v0.0.38 jobs (recorded)', () => {
  const parsed = parseJobs(jobs(), 'v0.0.38');
  const byName = Object.fromEntries(parsed.items.map((j) => [j.name, j]));

  it('reads every job, each valid against the shared schema', () => {
    expect(parsed.skipped).toEqual([]);
    expect(parsed.items.map((j) => j.name).sort()).toEqual(['eval', 'train-a', 'wide']);
    for (const j of parsed.items) expect(SlurmJob.parse(j)).toEqual(j);
  });

  it('reads a running GPU job: nodes expanded, GPUs from gres_detail, limit, checkpoint path', () => {
    expect(byName['train-a']).toMatchObject({
      state: 'RUNNING',
      nodes: ['node1', 'node2'],
      gpus: 4,
      timeLimitMinutes: 60,
      restarts: 0,
      user: 'root',
      partition: 'gpu',
      comment: 'fleetops:ckpt=/data/ckpt/train-a',
      checkpointPath: '/data/ckpt/train-a',
    });
    expect(byName['train-a'].startAt).toBeGreaterThan(Date.UTC(2020, 0, 1));
  });

  it('reads a requeued job: pending on BeginTime, one restart, no nodes, the GPUs it asks for', () => {
    expect(byName.eval).toMatchObject({ state: 'PENDING', stateReason: 'BeginTime', restarts: 1, nodes: [], gpus: 1, timeLimitMinutes: null, checkpointPath: null });
  });

  it('reads a job pending on resources with the GPUs it asks for over all its nodes', () => {
    expect(byName.wide).toMatchObject({ state: 'PENDING', stateReason: 'Resources', gpus: 12, startAt: null });
  });
});

describe('v0.0.38 partitions (recorded)', () => {
  it('reads name, state, nodes and an INFINITE limit as none', () => {
    const parsed = parsePartitions(slurmFixture('v0.0.38/partitions'), 'v0.0.38');
    expect(parsed.items).toEqual([{ name: 'gpu', state: 'UP', nodes: ['node1', 'node2', 'node3'], maxTimeMinutes: null }]);
    expect(SlurmPartition.parse(parsed.items[0])).toEqual(parsed.items[0]);
  });
});

describe('malformed v0.0.38 answers', () => {
  it('sets a node of the wrong shape aside with its name and the field, keeping the rest', () => {
    const json = nodes();
    const list = json.nodes as Record<string, unknown>[];
    list[1] = { ...list[1], state: 42, state_flags: 'DRAIN' };
    const parsed = parseNodes(json, 'v0.0.38');
    expect(parsed.items.map((n) => n.name)).toEqual(['node1', 'node3']);
    expect(parsed.skipped).toHaveLength(1);
    expect(parsed.skipped[0].path).toBe('nodes[1] (node2)');
    expect(parsed.skipped[0].problem).toMatch(/state: expected a string/);
    expect(parsed.skipped[0].problem).toMatch(/state_flags: expected a list/);
  });

  it('sets aside a job whose hostlist would explode', () => {
    const json = jobs();
    const list = json.jobs as Record<string, unknown>[];
    list[0] = { ...list[0], nodes: 'n[0-999999999]' };
    const parsed = parseJobs(json, 'v0.0.38');
    expect(parsed.items).toHaveLength(2);
    expect(parsed.skipped[0].problem).toMatch(/hostlist .* more than/);
  });

  it('fails the answer (PARSE_FAILED) when the list is missing or no item has the shape', () => {
    const missing = (() => {
      try {
        parseNodes({ meta: {}, nodes: { node1: {} } }, 'v0.0.38');
      } catch (err) {
        return err;
      }
    })() as FleetError;
    expect(missing).toBeInstanceOf(FleetError);
    expect(missing.code).toBe('PARSE_FAILED');
    expect(missing.message).toMatch(/no "nodes" list \(it is an object\)/);

    // v0.0.41 shapes read as v0.0.38: every node is wrong, which says the family is wrong.
    const wrongFamily = (() => {
      try {
        parseNodes(slurmFixture('v0.0.41/nodes'), 'v0.0.38');
      } catch (err) {
        return err;
      }
    })() as FleetError;
    expect(wrongFamily.code).toBe('PARSE_FAILED');
    expect(wrongFamily.message).toMatch(/none of its 4 nodes has the expected shape/);
  });

  it('never throws raw on hostile values', () => {
    // As JSON.parse makes them: "__proto__" is an own key there, not a prototype.
    const hostile = JSON.parse('[null, 1, "x", [], {"name": ""}, {"name": "a", "state": "idle", "partitions": [1]}, {"__proto__": {"state": "idle"}, "name": "p"}, {"name": "q", "state": "idle", "cpus": "8"}]') as unknown[];
    const parsed = parseNodes({ nodes: [...hostile, (nodes().nodes as unknown[])[0]] }, 'v0.0.38');
    expect(parsed.items.map((n) => n.name)).toEqual(['node1']);
    expect(parsed.skipped).toHaveLength(hostile.length);
    for (const s of parsed.skipped) expect(typeof s.problem).toBe('string');
  });

  it('cleans control characters out of reasons', () => {
    const json = nodes();
    (json.nodes as Record<string, unknown>[])[2].reason = 'XID 79\u001b[2J\u202e on GPU 3';
    expect(parseNodes(json, 'v0.0.38').items[2].reason).toBe('XID 79[2J on GPU 3');
  });
});
