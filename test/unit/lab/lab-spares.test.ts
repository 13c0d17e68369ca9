/**
 * The lab's spares as its inventory says them (issue 13): warm and cold spare replicas
 * (`role: spare`, `mode`, `startup`, `unit`), spare nodes (`spare: { mode }`, or Slurm's spare
 * partition for the warm one), each loaded through the console's own inventory loader. The
 * running lab (real HAProxy, real Slurm) is test/integration/lab-spares.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InventoryFile } from '../../../shared/inventory';
import { loadInventoryFile } from '../../../electron/core/inventory/load-inventory';
import { labInventory, labPaths } from '../../../electron/core/lab/lab-files';
import { slurmConf, type SlurmPaths } from '../../../electron/core/lab/lab-slurm-config';
import { LAB_UNIT, labServicesSections, spareLayout } from '../../../electron/core/lab/lab-services';
import { labTopology } from '../../../electron/core/lab/lab-topology';
import { addToInventory, LAB_SPARE_FEATURE, LAB_SPARE_PARTITION } from '../../../electron/core/lab/lab-training';

const dir = mkdtempSync(join(tmpdir(), 'fleetops-lab-spares-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const endpoints = (count: number, spareNodes: boolean) =>
  labTopology(count, { spareNodes }).map((p, i) => ({ ...p, port: 40000 + i, hostPublicKey: `ssh-ed25519 KEY${i}`, gpuCount: 8 }));

/** The lab's base inventory plus its services sections, written and loaded as the console loads it. */
async function load(inventory: InventoryFile, sections: Record<string, unknown> = {}, name = 'fleet.yaml') {
  const file = join(dir, name);
  writeFileSync(file, stringify({ ...inventory, ...sections }));
  return loadInventoryFile(file, { homeDir: dir, defaultUser: 'ops' });
}

function services(replicaNodes: string[], cold: number, warm: number, startDelayMs = 1500) {
  const layout = spareLayout(replicaNodes.length, cold, warm);
  const sections = labServicesSections({
    nodes: replicaNodes,
    replicas: replicaNodes.map((n, i) => ({ name: `${n}-llm`, url: `http://127.0.0.1:${41000 + i}` })),
    modeOf: layout.modeOf,
    startDelayMs,
    healthIntervalSeconds: 2,
    promptIntervalSeconds: 10,
    haproxy: { tcpRuntime: [{ level: 'admin', host: '127.0.0.1', port: 42000 }], frontendUrl: 'http://127.0.0.1:42001' },
  });
  return { layout, sections };
}

describe('spare replicas: which, and how many', () => {
  it('puts the cold spares last and the warm ones just before them', () => {
    const { modeOf, notes } = spareLayout(6, 1, 2);
    expect([0, 1, 2, 3, 4, 5].map(modeOf)).toEqual([null, null, null, 'warm', 'warm', 'cold']);
    expect(notes).toEqual([]);
  });

  it('keeps one replica serving: cold spares first, then warm, and says what it dropped', () => {
    const more = spareLayout(3, 1, 5);
    expect([0, 1, 2].map(more.modeOf)).toEqual([null, 'warm', 'cold']);
    expect(more).toMatchObject({ cold: 1, warm: 1 });
    expect(more.notes).toEqual(['asked for 1 cold and 5 warm spare replicas, but the lab has 3 replicas and keeps at least one serving: it keeps 1 cold and 1 warm']);
    const one = spareLayout(1, 1, 1);
    expect(one.modeOf(0)).toBeNull();
    expect(one.notes[0]).toMatch(/has 1 replica and keeps at least one serving: it keeps 0 cold and 0 warm/);
    expect(spareLayout(6, 0, 0).notes).toEqual([]);
  });
});

describe('the lab inventory with spares loads through the inventory loader', () => {
  it('writes warm and cold spare replicas with role, mode, startup and unit; active ones without', async () => {
    const eps = endpoints(12, false);
    const inference = eps.filter((e) => e.role === 'inference').map((e) => e.name);
    const { sections } = services(inference, 1, 1, 1500);
    const replicas = sections.replicas as Array<Record<string, unknown>>;
    expect(replicas.map((r) => [r.name, r.role ?? null, r.mode ?? null])).toEqual([
      ['usw2-inf-01-llm', null, null],
      ['usw2-inf-02-llm', null, null],
      ['use1-inf-01-llm', null, null],
      ['use1-inf-02-llm', null, null],
      ['euc1-inf-01-llm', 'spare', 'warm'],
      ['euc1-inf-02-llm', 'spare', 'cold'],
    ]);
    // 1.5 s to load the weights: a whole-second duration, rounded up.
    expect(replicas[4]).toMatchObject({ startup: '2s', unit: LAB_UNIT });
    expect(replicas[0]).not.toHaveProperty('startup');

    const inv = await load(labInventory(labPaths(dir), eps, { intervalSeconds: 3, timeoutSeconds: 2 }), sections, 'replicas.yaml');
    const byName = new Map(inv.replicas.map((r) => [r.name, r]));
    expect(byName.get('euc1-inf-01-llm')?.spare).toEqual({ mode: 'warm', startupSeconds: 2, unit: 'vllm', replaces: [] });
    expect(byName.get('euc1-inf-02-llm')?.spare).toEqual({ mode: 'cold', startupSeconds: 2, unit: 'vllm', replaces: [] });
    expect(byName.get('usw2-inf-01-llm')?.spare).toBeNull();
    // Spares stay servers of the backend (held in maintenance there), so replace-replica can bring them in.
    expect(inv.loadBalancers[0].backends).toEqual([{ name: 'llama', servers: inference.map((n) => `${n}-llm`) }]);
  });

  it('a lab that starts its replicas at once still says a whole second', () => {
    const { sections } = services(['a', 'b'], 1, 0, 0);
    expect((sections.replicas as Array<Record<string, unknown>>)[1]).toMatchObject({ role: 'spare', mode: 'cold', startup: '1s' });
  });

  it('adds two spare nodes to the first training cluster, beyond the lab jobs\' nodes', () => {
    const names = (n: number, spareNodes: boolean) => labTopology(n, { spareNodes }).map((p) => `${p.name}${p.spare ? `:${p.spare}` : ''}`);
    expect(names(12, true)).toEqual([
      'usw2-inf-01', 'usw2-inf-02', 'usw2-trn-01', 'usw2-trn-02', 'usw2-trn-spare-01:warm', 'usw2-trn-spare-02:cold',
      'use1-inf-01', 'use1-inf-02', 'use1-trn-01', 'use1-trn-02',
      'euc1-inf-01', 'euc1-inf-02', 'euc1-trn-01', 'euc1-trn-02',
    ]); // prettier-ignore
    expect(labTopology(12, { spareNodes: true }).find((p) => p.name === 'usw2-trn-spare-01')).toMatchObject({ cluster: 'usw2-training', role: 'training', region: 'us-west-2', protected: false });
    // Off by default: a lab of N nodes has N nodes.
    expect(names(12, false)).toHaveLength(12);
    // No training cluster, no spare node.
    expect(names(3, true)).toEqual(['usw2-inf-01', 'use1-inf-01', 'euc1-inf-01']);
    expect(names(4, true)).toEqual(['usw2-inf-01', 'usw2-trn-01', 'usw2-trn-spare-01:warm', 'usw2-trn-spare-02:cold', 'use1-inf-01', 'euc1-inf-01']);
  });

  it('without Slurm, marks both spare nodes in the inventory', async () => {
    const inv = await load(labInventory(labPaths(dir), endpoints(12, true), { intervalSeconds: 3, timeoutSeconds: 2 }), {}, 'no-slurm.yaml');
    expect(inv.nodes.filter((n) => n.spare).map((n) => [n.name, n.spare?.mode, n.cluster])).toEqual([
      ['usw2-trn-spare-01', 'warm', 'usw2-training'],
      ['usw2-trn-spare-02', 'cold', 'usw2-training'],
    ]);
    expect(inv.nodes).toHaveLength(14);
  });

  it('under Slurm, leaves the warm one to the spare partition and still marks the cold one', async () => {
    const base = labInventory(labPaths(dir), endpoints(12, true), { intervalSeconds: 3, timeoutSeconds: 2 });
    const slurm = {
      cluster: 'usw2-training',
      controlVia: 'usw2-trn-01',
      tokenRef: 'lab-slurm-usw2-training',
      spares: new Map([
        ['usw2-trn-spare-01', 'warm'],
        ['usw2-trn-spare-02', 'cold'],
      ] as const),
      slurm: { url: 'http://127.0.0.1:6820', user: 'root', confFile: '/tmp/slurm.conf' },
    };
    const other = { ...slurm, cluster: 'use1-training', controlVia: 'use1-trn-01', tokenRef: 'lab-slurm-use1-training', spares: new Map() };
    const file = addToInventory(base, [slurm, other], [], 3);
    const clusters = file.regions.flatMap((r) => r.clusters);
    expect(clusters.find((c) => c.name === 'usw2-training')?.scheduler?.spares).toEqual({ partition: LAB_SPARE_PARTITION, feature: LAB_SPARE_FEATURE });
    // A cluster without spare nodes keeps its scheduler as before.
    expect(clusters.find((c) => c.name === 'use1-training')?.scheduler).not.toHaveProperty('spares');

    const inv = await load(file, {}, 'slurm.yaml');
    expect(inv.nodes.find((n) => n.name === 'usw2-trn-spare-01')).not.toHaveProperty('spare');
    expect(inv.nodes.find((n) => n.name === 'usw2-trn-spare-02')?.spare).toEqual({ mode: 'cold' });
    expect(inv.nodes.filter((n) => n.spare)).toHaveLength(1);
  });
});

describe('the lab slurm.conf', () => {
  const paths: SlurmPaths = { conf: '/s/slurm.conf', mungeKey: '/s/k', mungeSocket: '/s/sock', jwtKey: '/s/jwt', state: '/s/state', spool: '/s/spool', dev: '/s/dev', jobs: '/s/jobs' };
  const conf = (nodes: Parameters<typeof slurmConf>[0]['nodes']) =>
    slurmConf({ dir: '/s', clusterName: 'c', paths, ports: { ctld: 6817, nodes: nodes.map((_, i) => 7000 + i) }, nodes, partition: 'gpu', gpuType: 'h100', slurmUser: 'root', cpus: 8 });

  it('puts spare nodes in their own partition only, with their feature; jobs without -p never go there', () => {
    const text = conf([
      { name: 'n1', gpus: 8 },
      { name: 'n2', gpus: 8 },
      { name: 's1', gpus: 8, partition: 'spare', features: ['spare'] },
      { name: 's2', gpus: 8, partition: 'spare', features: ['spare', 'ib'] },
    ]);
    expect(text).toMatch(/^NodeName=s1 .* Gres=gpu:h100:8 Features=spare$/m);
    expect(text).toMatch(/^NodeName=s2 .* Features=spare,ib$/m);
    expect(text).toMatch(/^NodeName=n1 .*Gres=gpu:h100:8$/m);
    expect(text).toContain('PartitionName=gpu Nodes=n1,n2 Default=YES MaxTime=INFINITE State=UP\n');
    expect(text).toContain('PartitionName=spare Nodes=s1,s2 Default=NO MaxTime=INFINITE State=UP\n');
  });

  it('without spares, one partition of ALL nodes as before', () => {
    const text = conf([{ name: 'n1', gpus: 8 }]);
    expect(text).toContain('PartitionName=gpu Nodes=ALL Default=YES');
    expect(text).not.toMatch(/Features=|PartitionName=spare/);
  });

  it('refuses a feature that would change the line\'s meaning, and a default partition left empty', () => {
    expect(() => conf([{ name: 'n1', gpus: 8 }, { name: 's1', gpus: 8, features: ['spare Default=YES'] }])).toThrow(/not a partition or feature name/);
    expect(() => conf([{ name: 's1', gpus: 8, partition: 'spare' }])).toThrow(/no node is left in the default partition gpu/);
  });
});
