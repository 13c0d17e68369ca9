/**
 * Spare capacity (issue 13) against the lab, through FleetCore: real HAProxy in front of real
 * replicas, one warm spare (running, in maintenance) and one cold (stopped, in maintenance), spare
 * nodes in the training cluster (under a real Slurm when installed and root: drained in its spare
 * partition, with the `spare` feature).
 *
 * - the spares are seen for what they are: warm (its own probes pass), cold (its unit inactive
 *   over SSH), neither a problem; the load balancer is not degraded by them;
 * - the warm spare's model failing to load turns it "warm (unverified)", counted as cold, and the
 *   service's verdict and push follow;
 * - `fleetops capacity` exits 0, 1 and 2 on lab fleets built to survive, to survive only with a
 *   cold spare, and not to survive;
 * - replace-replica promoting the warm spare: the capacity overview shows it active;
 * - with traffic, the peak rate against the declared capacity: N+k and the k/(k−1) ratio;
 * - under Slurm, promote-spare-node resumes the warm spare node, and a job waiting for GPUs lands on it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { CapacityOverview, ServiceCapacity } from '../../shared/capacity';
import type { PushEvent } from '../../shared/contract';
import type { LoadBalancerStatus, ReplicaStatus } from '../../shared/services';
import { main } from '../../electron/cli/index';
import { FleetCore } from '../../electron/core/fleet/core';
import { loadInventoryFile } from '../../electron/core/inventory/load-inventory';
import { startLab, type LabFleet } from '../../electron/core/lab/lab-fleet';
import { LAB_SERVICE, startLabServices, type LabServices } from '../../electron/core/lab/lab-services';
import { createDispatch, type Dispatch } from '../../electron/core/rpc/dispatch';
import { SlurmRestClient } from '../../electron/core/slurm/rest-client';
import { waitFor } from './helpers/free-port';
import { slurmAvailable } from './helpers/slurm';
import { contractCall } from './helpers/contract-call';

const withSlurm = slurmAvailable() && process.getuid?.() === 0;
const CLUSTER = 'usw2-training';
const WARM_NODE = 'usw2-trn-spare-01';

let dir: string;
let lab: LabFleet;
let services: LabServices;
let core: FleetCore;
let dispatch: Dispatch;
let warm: string;
let cold: string;
let active: string[];
const pushes: CapacityOverview[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-capacity-lab-'));
  lab = await startLab({ dir: join(dir, 'lab'), nodes: 12, probeIntervalSeconds: 2, spareNodes: true, training: { clusters: 1, slurm: withSlurm } });
  services = await startLabServices({ dir: lab.dir, inventoryPath: lab.inventoryPath, fleet: lab, spares: 1, warmSpares: 1, healthIntervalSeconds: 1, promptIntervalSeconds: 5 });
  const replicas = services.info().replicas;
  warm = replicas.find((r) => r.spareMode === 'warm')!.name;
  cold = replicas.find((r) => r.spareMode === 'cold')!.name;
  active = replicas.filter((r) => !r.spare).map((r) => r.name);
  core = new FleetCore({
    dataDir: join(dir, 'data'),
    inventoryPath: lab.inventoryPath,
    inventoryEnv: { homeDir: dir, defaultUser: 'ops' },
    lab,
    labServices: services,
    getSecret: async (ref) => lab.secret(ref),
    servicesCadenceMs: { frontend: 300, publish: 300 },
    training: { publishEveryMs: 200 },
  });
  core.subscribe((e: PushEvent) => {
    if (e.event === 'capacity.updated') pushes.push(e.payload);
  });
  await core.start();
  dispatch = createDispatch(core.handlers, { validateOutput: true });
}, 90_000);

afterAll(async () => {
  await core?.stop();
  await services?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const call = <T>(method: string, params: unknown): Promise<T> => contractCall(dispatch)<T>(method, params);

const overview = () => call<CapacityOverview>('capacity.overview', {});
const service = (o: CapacityOverview): ServiceCapacity => o.services.find((s) => s.service === LAB_SERVICE)!;
const member = (o: CapacityOverview, name: string) => service(o).members.find((m) => m.replica === name);
const until = <T>(pick: (o: CapacityOverview) => T | undefined | null | false, what: string, timeoutMs = 30_000): Promise<T> =>
  waitFor(async () => pick(await overview()), { what, timeoutMs, intervalMs: 200 }) as Promise<T>;

async function capacityCli(inventory: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(['capacity', '--inventory', inventory, '--data-dir', join(dir, 'no-store')], { out: (t) => void (out += `${t}\n`), err: (t) => void (out += `${t}\n`) });
  return { code, out };
}

/** A copy of the lab inventory whose backend has only `servers` (beside it, so its relative paths still hold). */
function fleetWith(name: string, servers: string[]): string {
  const doc = parse(readFileSync(lab.inventoryPath, 'utf8')) as { loadBalancers: { backends: Record<string, string[]> }[] };
  doc.loadBalancers[0]!.backends[LAB_SERVICE] = servers;
  const file = join(lab.dir, `${name}.yaml`);
  writeFileSync(file, stringify(doc));
  return file;
}

describe('spare capacity on the lab', () => {
  it('sees the warm spare warm and the cold one cold; neither is a problem, nor degrades the load balancer', async () => {
    const o = await until((x) => member(x, warm)?.state === 'warm' && member(x, cold)?.state === 'cold' && service(x).tally.active === active.length && x, 'both spares judged');
    expect(service(o).members.filter((m) => m.state === 'active').map((m) => m.replica).sort()).toEqual([...active].sort());
    expect(member(o, cold)!.reason).toBe('vllm inactive');
    expect(member(o, cold)!.startupSeconds).toBeGreaterThan(0);
    const snap = await call<{ replicas: ReplicaStatus[]; loadBalancers: LoadBalancerStatus[] }>('fleet.snapshot', {});
    expect(snap.replicas.find((r) => r.name === cold)).toMatchObject({ health: 'standby', reasons: ['spare (cold): vllm inactive'], spare: { readiness: 'cold', unitState: 'inactive' } });
    expect(snap.replicas.find((r) => r.name === warm)).toMatchObject({ health: 'healthy', spare: { readiness: 'warm', inRotation: false } });
    await waitFor(async () => (await call<{ loadBalancers: LoadBalancerStatus[] }>('fleet.snapshot', {})).loadBalancers[0]?.health === 'healthy', { what: 'the LB healthy with its spares held out', timeoutMs: 15_000 });
    expect(core.store.listEvents({ limit: 500 }).filter((e) => (e.subject === warm || e.subject === cold) && e.severity === 'error')).toEqual([]);
    // The spare nodes: the warm one warm (its GPU probe healthy), the cold one cold.
    const nodes = await until((x) => x.spareNodes.find((n) => n.node === WARM_NODE)?.readiness === 'warm' && x, 'the warm spare node verified');
    expect(nodes.spareNodes.map((n) => [n.node, n.mode, n.readiness])).toEqual([
      [WARM_NODE, 'warm', 'warm'],
      ['usw2-trn-spare-02', 'cold', 'cold'],
    ]);
    expect(nodes.spareNodes[0]!.source).toBe(withSlurm ? 'Slurm partition spare' : 'inventory');
    // Pushed too (at most a second after what feeds it changes).
    await waitFor(() => pushes.some((p) => member(p, cold)?.state === 'cold' && member(p, warm)?.state === 'warm'), { what: 'a capacity.updated push with both spares', timeoutMs: 10_000 });
  }, 60_000);

  it("the warm spare's model failing to load makes it warm (unverified), counted as cold; it comes back when fixed", async () => {
    const pushedBefore = pushes.length;
    await call('lab.replicaFault', { replica: warm, kind: 'model-load-failed' });
    try {
      const o = await until((x) => member(x, warm)?.state === 'cold' && x, 'the warm spare unverified', 20_000);
      expect(member(o, warm)!.reason).toMatch(/model .*failed to load/);
      expect(service(o).tally).toMatchObject({ warm: 0, cold: 2 });
      const snap = await call<{ replicas: ReplicaStatus[] }>('fleet.snapshot', {});
      expect(snap.replicas.find((r) => r.name === warm)).toMatchObject({ health: 'standby', spare: { readiness: 'warm-unverified' } });
      await waitFor(() => pushes.slice(pushedBefore).some((p) => member(p, warm)?.state === 'cold'), { what: 'the change pushed', timeoutMs: 10_000 });
    } finally {
      await call('lab.replicaFault', { replica: warm, kind: null });
    }
    await until((x) => member(x, warm)?.state === 'warm', 'the warm spare warm again', 20_000);
  }, 60_000);

  it('fleetops capacity exits 0 for a fleet that survives, 1 for one that survives only with a cold spare, 2 for one that does not', async () => {
    // Two active replicas in different regions: losing either region leaves the other.
    const [a, b] = active;
    const survives = await capacityCli(fleetWith('survives', [a!, active.find((r) => r.split('-')[0] !== a!.split('-')[0])!]));
    expect(survives.code, survives.out).toBe(0);
    expect(survives.out).toMatch(new RegExp(`/${LAB_SERVICE}  SURVIVES  survives losing region`));
    // One active replica and the cold spare elsewhere: only the cold spare is left.
    const coldOnly = await capacityCli(fleetWith('cold-only', [a!, cold]));
    expect(coldOnly.code, coldOnly.out).toBe(1);
    expect(coldOnly.out).toContain('COLD-ONLY');
    expect(coldOnly.out).toMatch(/only with 1 cold spare, after about \d+ s/);
    // One active replica and nothing else: losing its cluster leaves nothing.
    const fails = await capacityCli(fleetWith('fails', [b!]));
    expect(fails.code, fails.out).toBe(2);
    expect(fails.out).toContain('FAILS');
  }, 90_000);

  it('fleetops check judges the spares alike: the cold one standing by, not unreachable; the load balancer not degraded by them', async () => {
    let out = '';
    await main(['check', '--inventory', lab.inventoryPath, '--json'], { out: (t) => void (out += t), err: () => undefined });
    const report = JSON.parse(out) as { replicas: { name: string; health: string; spare: string | null }[]; loadBalancers: { health: string; reasons: string[] }[] };
    expect(report.replicas.find((r) => r.name === cold)).toMatchObject({ health: 'standby', spare: 'cold' });
    expect(report.replicas.find((r) => r.name === warm)).toMatchObject({ health: 'healthy', spare: 'warm' });
    expect(report.replicas.filter((r) => active.includes(r.name)).every((r) => r.health === 'healthy' && r.spare === null)).toBe(true);
    expect(report.loadBalancers[0]).toMatchObject({ health: 'healthy', reasons: [] });
  }, 60_000);

  it('replace-replica promoting the warm spare: the spare serves, and the capacity overview says so', async () => {
    const target = active[0]!;
    const started = await core.runbooks().run({ runbook: 'replace-replica', target, params: { spare: warm }, confirm: target, overrideReason: 'lab test: availability history is minutes old' });
    const done = await started.done;
    expect(done.status, JSON.stringify(done.steps.map((x) => [x.title, x.status, x.output, x.error]))).toBe('succeeded');
    const o = await until((x) => member(x, warm)?.state === 'active' && member(x, target)?.state === 'failed' && x, 'the spare active, the replaced replica out', 20_000);
    expect(member(o, target)!.reason).toMatch(/held out of rotation/);
    // The run is a measured replacement now: a warm spare's, so only HAProxy's take-in is timed.
    expect(service(o).recovery).toMatchObject({ source: 'measured', runs: 1 });
    expect(service(o).recovery.warmSeconds).toBeGreaterThan(0);
    const snap = await call<{ replicas: ReplicaStatus[] }>('fleet.snapshot', {});
    expect(snap.replicas.find((r) => r.name === warm)).toMatchObject({ health: 'healthy', spare: { inRotation: true } });
  }, 90_000);

  it("with traffic through the frontend: HAProxy's peak rate against the replicas' declared capacity, N+k and the ratio", async () => {
    await call('lab.traffic', { ratePerSecond: 20 });
    try {
      const o = await until((x) => (service(x).peakRps ?? 0) >= 10 && x, 'a measured peak rate', 20_000);
      const s = service(o);
      expect(s.now.capacityRps).toBe(100 * s.tally.active);
      expect(s.now.loadOk).toBe(true);
      expect(s.needed).toBe(1);
      expect(s.k).toBe(s.tally.active - 1);
      expect(s.ratio.actual).toBeCloseTo(s.now.capacityRps! / s.peakRps!, 9);
      expect(s.ratio.needed).toBeCloseTo(s.ratio.domains / (s.ratio.domains - 1), 9);
    } finally {
      await call('lab.traffic', { ratePerSecond: 0 });
    }
  }, 60_000);

  it.skipIf(!withSlurm)('promote-spare-node resumes the warm spare node in Slurm, and a job waiting for GPUs lands on it', async () => {
    const slurm = lab.slurmOf(CLUSTER)!;
    const ids = await Promise.all([0, 1].map(() => slurm.sbatch(['-J', 'lab-wide', '-N', '1', '--gres=gpu:8', '--wrap', 'exec sleep 10000000'])));
    const s = (await loadInventoryFile(lab.inventoryPath, { homeDir: dir, defaultUser: 'ops' })).file.regions.flatMap((r) => r.clusters).find((c) => c.name === CLUSTER)!.scheduler!;
    const client = new SlurmRestClient({ url: s.restd.url, user: s.restd.user, token: lab.secret(s.restd.tokenRef)! });
    await waitFor(async () => (await client.snapshot()).jobs.some((j) => ids.map(String).includes(j.id) && j.state === 'PENDING'), { what: 'a wide job pending', timeoutMs: 15_000, intervalMs: 200 });
    const started = await core.runbooks().run({ runbook: 'promote-spare-node', target: WARM_NODE, confirm: WARM_NODE });
    const done = await started.done;
    expect(done.status, JSON.stringify(done.steps.map((x) => [x.title, x.status, x.output, x.error]))).toBe('succeeded');
    const landed = await waitFor(async () => (await client.snapshot()).jobs.find((j) => ids.map(String).includes(j.id) && j.state === 'RUNNING' && j.nodes.includes(WARM_NODE)), { what: 'a wide job on the promoted node', timeoutMs: 20_000, intervalMs: 200 });
    expect(landed.nodes).toEqual([WARM_NODE]);
    // In service now: no longer counted as a spare.
    await until((x) => !x.spareNodes.some((n) => n.node === WARM_NODE) && x, 'the promoted node out of the spares', 20_000);
  }, 90_000);
});
