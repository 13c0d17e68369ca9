/**
 * The freeze fault for real in the lab: the built-in replica-freeze drill's planned command line,
 * sent over the lab node's SSH by the runbook step executor, stops the replica's server (its port
 * still accepts, nothing answers); HAProxy's checks time out and mark it DOWN, the others carry the
 * frontend's traffic; the restore's line thaws it and HAProxy brings it back UP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillPlan } from '../../shared/drill';
import { readLbServers } from '../../electron/core/drills/lb-reader';
import { loadDrills } from '../../electron/core/drills/load-drills';
import { planDrill } from '../../electron/core/drills/plan-drill';
import { sshTargetFor } from '../../electron/core/fleet/probe-node';
import { HaproxyRuntime } from '../../electron/core/haproxy';
import { loadInventoryFile, type LoadedInventory } from '../../electron/core/inventory/load-inventory';
import { startLab, type LabFleet } from '../../electron/core/lab/lab-fleet';
import { LAB_LB, LAB_SERVICE, startLabServices, type LabServices } from '../../electron/core/lab/lab-services';
import { createStepActions, type StepActions } from '../../electron/core/runbook-exec/step-actions';
import { loadRunbooks } from '../../electron/core/runbooks/load-runbooks';
import { SshPool } from '../../electron/core/ssh/pool';
import { rejection } from '../unit/runbook-exec/step-test-helpers';
import { waitFor } from './helpers/free-port';

let dir: string;
let lab: LabFleet | undefined;
let services: LabServices | undefined;
let inventory: LoadedInventory;
let runtime: HaproxyRuntime;
const pool = new SshPool();
let actions: StepActions;
let plan: DrillPlan;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-drill-freeze-'));
  lab = await startLab({ dir: join(dir, 'lab'), nodes: 3 });
  // `fleet: lab` makes each replica unit vllm on its node, for systemctl and kill over SSH.
  services = await startLabServices({ dir: lab.dir, inventoryPath: lab.inventoryPath, maxReplicas: 3, fleet: lab, healthIntervalSeconds: 1, startDelayMs: 200 });
  inventory = await loadInventoryFile(lab.inventoryPath, { homeDir: dir, defaultUser: 'ops' });
  const rt = inventory.loadBalancers[0]!.runtime;
  if (rt.kind !== 'tcp') throw new Error('the lab LB runtime is on TCP');
  runtime = new HaproxyRuntime({ kind: 'tcp', host: rt.host, port: rt.port });
  await waitFor(async () => (await runtime.servers()).every((s) => s.status === 'UP'), { what: 'every lab server UP', timeoutMs: 20_000 });
  actions = createStepActions({
    runtimeFor: () => runtime,
    ssh: { pool, nodeFor: (name) => inventory.nodes.find((n) => n.name === name)! },
  });
  const drill = (await loadDrills(lab.inventoryPath)).drills.get('replica-freeze')!.drill;
  plan = planDrill(drill, {
    inventory,
    labDir: lab.dir,
    // The console's verdicts are the monitor's business (its own tests); here every subject was just seen UP by HAProxy.
    nodeHealth: () => 'healthy',
    replicaHealth: () => 'healthy',
    lbServer: await readLbServers(new Map([[LAB_LB, runtime]])),
    readOnly: { global: false, clusters: [] },
    runbooks: new Map([...(await loadRunbooks(lab.inventoryPath)).runbooks].map(([k, v]) => [k, v.runbook])),
    seed: 'freeze-it',
  });
}, 60_000);

afterAll(async () => {
  await pool.closeAll();
  await services?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** GET /health on a fresh connection: its status, or how it failed. */
function health(url: string, timeoutMs: number): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = get(`${url}/health`, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

const server = async (name: string) => (await runtime.servers()).find((s) => s.backend === LAB_SERVICE && s.server === name)!;
const signal = () => new AbortController().signal;

describe('freeze in the lab', () => {
  it('the planned freeze hangs the replica (timeouts, not refusals), HAProxy marks it DOWN by check timeouts, and the thaw brings it back', async () => {
    expect(plan.preconditions.filter((p) => !p.ok)).toEqual([]);
    const target = plan.targets[0]!.name;
    const url = services!.info().replicas.find((r) => r.name === target)!.url;
    const [inject] = plan.inject;
    expect(inject!.action).toMatchObject({ type: 'ssh.run', commandName: 'freeze-service' });

    const t0 = performance.now();
    expect(await actions.run(inject!.action, signal())).toEqual({ output: '' });
    expect(await health(url, 500)).toEqual({ error: 'timeout' });
    // Frozen is not stopped: systemd still has the unit active.
    expect(services!.info().replicas.find((r) => r.name === target)!.service).toBe('active');

    const down = await waitFor(async () => {
      const s = await server(target);
      return s.status === 'DOWN' ? s : null;
    }, { what: `${target} DOWN on HAProxy`, timeoutMs: 15_000 });
    const detectedMs = performance.now() - t0;
    // HAProxy saw timeouts (L4TOUT / L7TOUT), not a refused connection (L4CON).
    expect(down.checkStatus).toMatch(/^L[47]TOUT$/);
    // inter 1s, fall 2 in the lab's HAProxy: two checks that each time out after inter.
    expect(detectedMs).toBeLessThan(6_000);
    console.log(`freeze: ${target} DOWN on HAProxy ${Math.round(detectedMs)} ms after the freeze (${down.checkStatus}; inter 1s × fall 2)`);

    // The others carry the frontend's traffic.
    for (let i = 0; i < 6; i++) expect(await health(inventory.loadBalancers[0]!.frontendUrl, 5000)).toEqual({ status: 200 });

    const t1 = performance.now();
    expect(await actions.run(plan.restore[0]!.action, signal())).toEqual({ output: '' });
    expect(await health(url, 2000)).toEqual({ status: 200 });
    await waitFor(async () => (await server(target)).status === 'UP', { what: `${target} UP again`, timeoutMs: 15_000 });
    console.log(`thaw: ${target} UP on HAProxy ${Math.round(performance.now() - t1)} ms after the thaw (rise 2)`);
  });

  it('refuses to freeze a unit that is not running, saying so, and signals nothing', async () => {
    const target = plan.targets[0]!.name;
    const node = inventory.replicas.find((r) => r.name === target)!.node!;
    const exec = (command: string) => pool.exec(sshTargetFor(inventory.nodes.find((n) => n.name === node)!), command, { timeoutMs: 10_000 });
    expect((await exec("systemctl stop 'vllm'")).code).toBe(0);
    try {
      const err = await rejection(actions.run(plan.inject[0]!.action, signal()));
      expect(err).toMatchObject({ code: 'COMMAND_FAILED', message: `freeze-service on ${node} exited 1: no main process for unit vllm` });
    } finally {
      expect((await exec("systemctl start 'vllm'")).code).toBe(0);
    }
    const url = services!.info().replicas.find((r) => r.name === target)!.url;
    await waitFor(async () => {
      const r = await health(url, 1000);
      return 'status' in r && r.status === 200;
    }, { what: `${target} serving again`, timeoutMs: 10_000 });
  });
});
