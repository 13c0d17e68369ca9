import { describe, expect, it } from 'vitest';
import type { TrainingNode } from '../../../shared/training';
import { spareNodes } from '../../../electron/core/capacity/fleet-domains';
import { spareVerdict } from '../../../electron/core/fleet/node-record';
import { parseInventory } from '../../../electron/core/inventory/load-inventory';
import { factsFor } from './fleet-fixture';

const inventory = parseInventory(
  `version: 1
regions:
  - name: east
    clusters:
      - name: train-a
        role: training
        scheduler:
          kind: slurm
          restd: { url: "http://10.2.0.5:6820", user: fleetops, tokenRef: t }
          controlVia: login
          spares: { partition: standby }
        nodes:
          - { name: login, host: 10.2.0.5, gpus: { count: 0 } }
          - { name: t01, host: 10.2.0.11, gpus: { count: 8 } }
          - { name: t02, host: 10.2.0.12, gpus: { count: 8 } }
          - { name: t03, host: 10.2.0.13, gpus: { count: 8 } }
          - { name: t04, host: 10.2.0.14, gpus: { count: 8 }, spare: { mode: cold } }
`,
  '/srv/fleet.yaml',
  { homeDir: '/home/me', defaultUser: 'me' },
);

const slurm = (node: string, over: Partial<TrainingNode>): TrainingNode => ({
  node, slurmName: node, region: 'east', cluster: 'train-a', state: 'IDLE', flags: [], schedulable: true, reason: null, reasonBy: null, reasonAt: null,
  gpusTotal: 8, gpusUsed: 0, jobs: [], health: 'healthy', healthReasons: [], disagreement: null, partitions: ['gpu'], features: [], ...over,
});

function spares(nodes: TrainingNode[], nodeHealth: Record<string, 'healthy' | 'unhealthy' | 'unknown'> = {}) {
  const facts = factsFor(inventory, { nodeHealth });
  return spareNodes({ ...facts, schedulers: [{ cluster: 'train-a', partition: 'standby', feature: 'spare' }], trainingNodes: () => nodes });
}

describe('spare nodes', () => {
  it('are marked by the inventory, or by Slurm: its spare partition or its spare feature', () => {
    const out = spares([
      slurm('t01', {}),
      slurm('t02', { partitions: ['gpu', 'standby'], flags: ['DRAIN'], schedulable: false, reason: 'fleetops spare' }),
      slurm('t03', { features: ['ib', 'spare'], flags: ['DRAIN'], schedulable: false }),
    ]);
    expect(out.map((n) => [n.node, n.mode, n.readiness, n.source, n.gpus])).toEqual([
      ['t02', 'warm', 'warm', 'Slurm partition standby', 8],
      ['t03', 'warm', 'warm', 'Slurm feature spare', 8],
      ['t04', 'cold', 'cold', 'inventory', 8],
    ]);
  });

  it('a warm one is verified by its GPU probe and Slurm: unhealthy, busy or down makes it unverified, with the reason', () => {
    const drained = { partitions: ['gpu', 'standby'], flags: ['DRAIN'], schedulable: false };
    expect(spares([slurm('t02', drained)], { t02: 'unhealthy' })[0]).toMatchObject({ readiness: 'warm-unverified', reason: 'GPU probe: unhealthy: XID 79 on GPU 3' });
    expect(spares([slurm('t02', drained)], { t02: 'unknown' })[0]).toMatchObject({ readiness: 'warm-unverified', reason: 'its GPU probe has not answered yet' });
    expect(spares([slurm('t02', { ...drained, jobs: ['4123'] })])[0]).toMatchObject({ readiness: 'warm-unverified', reason: 'Slurm runs job 4123 on it: not idle' });
    expect(spares([slurm('t02', { ...drained, state: 'DOWN', reason: 'Not responding' })])[0]).toMatchObject({ readiness: 'warm-unverified', reason: 'Slurm has t02 down (Not responding)' });
    // Powered down by Slurm's power saving: cold, whatever it was meant to be.
    expect(spares([slurm('t02', { ...drained, flags: ['DRAIN', 'POWERED_DOWN'] })])[0]).toMatchObject({ mode: 'cold', readiness: 'cold' });
  });

  it('one Slurm schedules in another partition again (promoted) is in service, not a spare', () => {
    expect(spares([slurm('t02', { partitions: ['gpu', 'standby'], schedulable: true, jobs: ['77'] })]).map((n) => n.node)).toEqual(['t04']);
    // Only in its spare partition, schedulable there: still a spare.
    expect(spares([slurm('t02', { partitions: ['standby'] })]).map((n) => n.node)).toEqual(['t02', 't04']);
  });

  it('a cold spare node not answering is not a problem; a warm one, or anything else it says, is', () => {
    const t04 = inventory.nodes.find((n) => n.name === 't04')!;
    const t01 = inventory.nodes.find((n) => n.name === 't01')!;
    expect(spareVerdict(t04, { health: 'unreachable', reasons: ['ssh: connect ETIMEDOUT'] })).toEqual({ health: 'unknown', reasons: ['spare (cold): not answering, as a powered-down spare does (ssh: connect ETIMEDOUT)'], spare: true });
    expect(spareVerdict(t04, { health: 'unhealthy', reasons: ['XID 79'] })).toEqual({ health: 'unhealthy', reasons: ['XID 79'], spare: false });
    expect(spareVerdict(t01, { health: 'unreachable', reasons: ['x'] })).toEqual({ health: 'unreachable', reasons: ['x'], spare: false });
  });
});
