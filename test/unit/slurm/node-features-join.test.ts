/**
 * A Slurm node's partitions and features reach the training overview's node (join-training.ts),
 * parsed from a real answer shape, so the console can tell a spare node by Slurm's spare partition
 * or feature; a read that does not carry them leaves them out rather than saying "none".
 */
import { describe, expect, it } from 'vitest';
import { TrainingNode } from '../../../shared/training';
import { parseNodes } from '../../../electron/core/slurm/parse-answer';
import { joinNodes, type SchedulerRead, type SlurmNodeIn } from '../../../electron/core/training/join-training';
import { trainingInventoryOf } from '../../../electron/core/training/training-inventory';
import { trainingFleet } from '../training/fixture';
import { slurmFixture } from './fixtures';

const read = (nodes: SlurmNodeIn[]): Extract<SchedulerRead, { state: 'ok' }> => ({ state: 'ok', at: 0, apiVersion: 'v0.0.38', nodes, jobs: [], partitions: [] });

describe('the training node carries Slurm partitions and features', () => {
  it('from a v0.0.38 answer: node3 in the spare partition with feature spare', () => {
    const json = slurmFixture('v0.0.38/nodes');
    const list = json.nodes as Record<string, unknown>[];
    list[2] = { ...list[2], features: 'spare', active_features: 'spare', partitions: ['spare'] };
    const c = trainingInventoryOf(trainingFleet()).clusters[0];
    const nodes = joinNodes(c, read(parseNodes(json, 'v0.0.38').items), () => undefined);
    for (const n of nodes) expect(TrainingNode.parse(n)).toEqual(n);
    expect(nodes.map((n) => [n.node, n.partitions, n.features])).toEqual([
      ['gpu-t01', ['gpu'], []],
      ['gpu-t02', ['gpu'], []],
      ['gpu-t03', ['spare'], ['spare']],
    ]);
  });

  it('absent from the read, absent from the node', () => {
    const c = trainingInventoryOf(trainingFleet()).clusters[0];
    const bare = { name: 'node1', state: 'IDLE', flags: [], schedulable: true, reason: null, reasonBy: null, reasonAt: null, gpusTotal: 8, gpusUsed: 0 } as const;
    const [n] = joinNodes(c, read([{ ...bare, flags: [] }]), () => undefined);
    expect(n).not.toHaveProperty('features');
    expect(n).not.toHaveProperty('partitions');
  });
});
