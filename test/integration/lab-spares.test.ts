/**
 * The lab's spares, running (issue 13): a 12-node lab with `spareNodes` and one warm and one cold
 * spare replica behind the real HAProxy, its first training cluster under a real Slurm when Slurm
 * is installed and this runs as root (skipped otherwise, as training-lab.test.ts is).
 *
 * - the inventory the lab wrote loads, with the spares as the console reads them;
 * - both spare replicas are in maintenance; the warm one runs with its model loaded, the cold one
 *   is stopped (its port refuses, its unit inactive over SSH); `model-load-failed` breaks the warm
 *   one while HAProxy keeps it out of rotation;
 * - the warm spare node probes healthy and idle over SSH, and XID 79 on it is seen as on any node;
 * - Slurm has both spare nodes drained ("fleetops spare") in the default partition and in partition
 *   `spare`, and lab jobs never run there,
 *   even when they wait for GPUs the spare nodes have free.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpuFieldDialect } from '../../electron/core/gpu/gpu-probe';
import { probeNode, sshTargetFor } from '../../electron/core/fleet/probe-node';
import { exchange } from '../../electron/core/haproxy/runtime-exchange';
import { parseShowStat } from '../../electron/core/haproxy/parse-stat';
import { loadInventoryFile, type LoadedInventory } from '../../electron/core/inventory/load-inventory';
import { startLab, type LabFleet } from '../../electron/core/lab/lab-fleet';
import { LAB_SERVICE, startLabServices, type LabServices } from '../../electron/core/lab/lab-services';
import { LAB_PRETRAIN_JOB } from '../../electron/core/lab/lab-training';
import { SlurmRestClient } from '../../electron/core/slurm/rest-client';
import { SshPool } from '../../electron/core/ssh/pool';
import { waitFor } from './helpers/free-port';
import { slurmAvailable } from './helpers/slurm';

const withSlurm = slurmAvailable() && process.getuid?.() === 0;
const CLUSTER = 'usw2-training';
const WARM_NODE = 'usw2-trn-spare-01';
const COLD_NODE = 'usw2-trn-spare-02';
const WORKING = ['usw2-trn-01', 'usw2-trn-02'];
const WARM = 'euc1-inf-01-llm';
const COLD = 'euc1-inf-02-llm';
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';

let dir: string;
let lab: LabFleet;
let services: LabServices;
let inventory: LoadedInventory;
let pool: SshPool;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-lab-spares-'));
  lab = await startLab({ dir: join(dir, 'lab'), nodes: 12, spareNodes: true, training: { clusters: 1, slurm: withSlurm } });
  services = await startLabServices({ dir: lab.dir, inventoryPath: lab.inventoryPath, fleet: lab, spares: 1, warmSpares: 1 });
  inventory = await loadInventoryFile(lab.inventoryPath, { homeDir: dir, defaultUser: 'ops' });
  pool = new SshPool({ connectTimeoutMs: 5000 });
}, 60_000);

afterAll(async () => {
  await pool?.closeAll();
  await services?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const node = (name: string) => inventory.nodes.find((n) => n.name === name)!;
const exec = (name: string, command: string) => pool.exec(sshTargetFor(node(name)), command, { timeoutMs: 5000 });
const probe = (name: string) => probeNode(pool, node(name), createGpuFieldDialect(), Date.now);

async function servers(): Promise<Map<string, string>> {
  const lb = inventory.loadBalancers[0];
  if (lb.runtime.kind !== 'tcp') throw new Error('the lab LB runtime is TCP');
  const reply = await exchange({ kind: 'tcp', host: lb.runtime.host, port: lb.runtime.port }, 'show stat', { timeoutMs: 5000, maxReplyBytes: 1 << 20 });
  return new Map(parseShowStat(reply).filter((r) => r.type === 'server' && r.proxy === LAB_SERVICE).map((r) => [r.name, r.status]));
}

/** Status and body of a request on a fresh connection; `refused` when nothing listens. */
async function http(url: string, init: RequestInit = {}): Promise<{ status: number; body: string } | 'refused'> {
  try {
    const res = await fetch(url, { ...init, headers: { connection: 'close', ...init.headers } });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') return 'refused';
    throw err;
  }
}
const completion = (url: string) =>
  http(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Respond with OK' }], max_tokens: 2 }) });
const urlOf = (replica: string) => services.info().replicas.find((r) => r.name === replica)!.url;

describe('the lab with spares', () => {
  it('writes an inventory the console loads, with warm and cold spare replicas and spare nodes', () => {
    expect(lab.spareNodes()).toEqual([
      { node: WARM_NODE, cluster: CLUSTER, mode: 'warm' },
      { node: COLD_NODE, cluster: CLUSTER, mode: 'cold' },
    ]);
    expect(inventory.nodes).toHaveLength(14);
    expect(services.info().replicas.map((r) => [r.name, r.spare, r.spareMode, r.service])).toEqual([
      ['usw2-inf-01-llm', false, null, 'active'],
      ['usw2-inf-02-llm', false, null, 'active'],
      ['use1-inf-01-llm', false, null, 'active'],
      ['use1-inf-02-llm', false, null, 'active'],
      [WARM, true, 'warm', 'active'],
      [COLD, true, 'cold', 'inactive'],
    ]);
    expect(services.notes).toEqual([]);
    const replica = (name: string) => inventory.replicas.find((r) => r.name === name)!;
    expect(replica(WARM).spare).toEqual({ mode: 'warm', startupSeconds: 2, unit: 'vllm', replaces: [] });
    expect(replica(COLD).spare).toEqual({ mode: 'cold', startupSeconds: 2, unit: 'vllm', replaces: [] });
    expect(replica('usw2-inf-01-llm').spare).toBeNull();
    expect(node(COLD_NODE).spare).toEqual({ mode: 'cold' });
    // Under Slurm its spare partition says the warm one is a spare; without, the inventory does.
    expect(node(WARM_NODE).spare).toEqual(withSlurm ? undefined : { mode: 'warm' });
  });

  it('holds both spares in maintenance: the warm one running with its model loaded, the cold one stopped', async () => {
    const states = await waitFor(
      async () => {
        const s = await servers();
        return [...s].filter(([name]) => name !== WARM && name !== COLD).every(([, st]) => st.startsWith('UP')) ? s : undefined;
      },
      { what: 'the active servers UP', timeoutMs: 15_000 },
    );
    expect(states.get(WARM)).toMatch(/^MAINT/);
    expect(states.get(COLD)).toMatch(/^MAINT/);
    expect(await http(`${urlOf(WARM)}/health`)).toEqual({ status: 200, body: '' });
    expect(await completion(urlOf(WARM))).toMatchObject({ status: 200, body: expect.stringContaining('"content":"OK"') });
    expect(await http(`${urlOf(COLD)}/health`)).toBe('refused');
    // What the console checks of a cold spare: its unit on its node, over SSH.
    expect((await exec('euc1-inf-01', 'systemctl is-active vllm')).stdout.trim()).toBe('active');
    const cold = await exec('euc1-inf-02', 'systemctl is-active vllm');
    expect([cold.stdout.trim(), cold.code]).toEqual(['inactive', 3]);
  });

  it('model-load-failed breaks the warm spare (health and completions 503) while it stays out of rotation', async () => {
    await services.setReplicaFault(WARM, 'model-load-failed');
    try {
      expect(services.info().replicas.find((r) => r.name === WARM)?.fault).toBe('model-load-failed');
      const health = await http(`${urlOf(WARM)}/health`);
      expect(health).toMatchObject({ status: 503, body: expect.stringContaining('failed to load') });
      expect(await completion(urlOf(WARM))).toMatchObject({ status: 503 });
      // HAProxy would mark it DOWN, but it is in maintenance: nothing there says it broke.
      expect((await servers()).get(WARM)).toMatch(/^MAINT/);
    } finally {
      await services.setReplicaFault(WARM, null);
    }
    expect(await http(`${urlOf(WARM)}/health`)).toEqual({ status: 200, body: '' });
  });

  it('the warm spare node probes healthy and idle; XID 79 on it makes it unhealthy like any node', async () => {
    const before = await probe(WARM_NODE);
    expect(before.health).toBe('healthy');
    expect(before.gpus).toHaveLength(8);
    expect(before.gpus.every((g) => g.utilizationPct === 0)).toBe(true);
    lab.inject({ node: WARM_NODE, kind: 'xid-79', gpuIndex: 3 });
    try {
      const after = await probe(WARM_NODE);
      expect(after.health).toBe('unhealthy');
      expect(after.reasons.join(' ')).toMatch(/XID 79|fallen off the bus/i);
    } finally {
      lab.clear(WARM_NODE, 'xid-79');
    }
    expect((await probe(WARM_NODE)).health).toBe('healthy');
  });
});

describe.skipIf(!withSlurm)('the lab Slurm with spare nodes', () => {
  const scheduler = () => inventory.file.regions.flatMap((r) => r.clusters).find((c) => c.name === CLUSTER)?.scheduler;
  const client = () => {
    const s = scheduler();
    if (!s) throw new Error(`${CLUSTER} has no scheduler in the lab inventory`);
    return new SlurmRestClient({ url: s.restd.url, user: s.restd.user, token: lab.secret(s.restd.tokenRef)! });
  };

  it('the inventory names the spare partition and feature', () => {
    expect(scheduler()).toMatchObject({ spares: { partition: 'spare', feature: 'spare' } });
  });

  it('has both spare nodes drained in the default and the spare partition, features "spare", and the lab jobs on the working nodes only', async () => {
    const snap = await waitFor(
      async () => {
        const s = await client().snapshot();
        const running = s.jobs.filter((j) => j.state === 'RUNNING').map((j) => j.name);
        return running.includes(LAB_PRETRAIN_JOB) && running.includes('lab-finetune') ? s : undefined;
      },
      { what: 'the lab jobs running', timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(snap.partitions.map((p) => [p.name, p.nodes])).toEqual([
      ['gpu', [...WORKING, WARM_NODE, COLD_NODE]],
      ['spare', [WARM_NODE, COLD_NODE]],
    ]);
    for (const name of [WARM_NODE, COLD_NODE]) {
      expect(snap.nodes.find((n) => n.name === name)).toMatchObject({ state: 'IDLE', flags: ['DRAIN'], drain: 'drained', schedulable: false, reason: 'fleetops spare', gpusTotal: 8, gpusUsed: 0, partitions: ['gpu', 'spare'], features: ['spare'], activeFeatures: ['spare'] });
    }
    expect(snap.nodes.find((n) => n.name === WORKING[0])).toMatchObject({ partitions: ['gpu'], features: [] });
    for (const j of snap.jobs) expect(j.nodes.filter((n) => !WORKING.includes(n)), `${j.name} ${j.nodes.join(',')}`).toEqual([]);
  }, 30_000);

  it('a lab job that wants more GPUs than the working nodes have free waits; it never takes a spare node', async () => {
    const slurm = lab.slurmOf(CLUSTER)!;
    const ids = [await slurm.sbatch(['-J', 'lab-wide', '-N', '1', '--gres=gpu:8', '--wrap', 'exec sleep 10000000']), await slurm.sbatch(['-J', 'lab-wide', '-N', '1', '--gres=gpu:8', '--wrap', 'exec sleep 10000000'])].map(String);
    // The scheduler has had its passes (batch_sched_delay=0, a pass per submit); a spare node would have been taken by now.
    const pending = await waitFor(
      async () => {
        const s = await client().snapshot();
        const wide = s.jobs.filter((j) => ids.includes(j.id));
        return wide.length === 2 && wide.every((j) => j.state === 'PENDING' && j.stateReason !== null && j.stateReason !== 'None') ? s : undefined;
      },
      { what: 'the wide jobs pending with a reason', timeoutMs: 15_000, intervalMs: 200 },
    );
    for (const j of pending.jobs.filter((x) => ids.includes(x.id))) expect(['Resources', 'Priority']).toContain(j.stateReason);
    await new Promise((r) => setTimeout(r, 2000));
    const later = await client().snapshot();
    expect(later.jobs.filter((j) => ids.includes(j.id)).map((j) => [j.state, j.nodes])).toEqual([
      ['PENDING', []],
      ['PENDING', []],
    ]);
    for (const name of [WARM_NODE, COLD_NODE]) expect(later.nodes.find((n) => n.name === name)).toMatchObject({ state: 'IDLE', gpusUsed: 0 });
  }, 30_000);
});
