/**
 * Every built-in runbook end to end through `fleetops run`, against the lab: real HAProxy in
 * front of real replicas, the replicas' services started and stopped over SSH (`systemctl` on the
 * lab nodes), and the traffic generator sending steady load through the frontend the whole time
 * (chat completions that each take 200 ms, so there are always requests in flight to lose).
 *
 * The lab has three inference nodes, one per region; the eu-central-1 replica is the spare
 * (service stopped, held in maintenance). The runs follow each other, each starting from where
 * the previous one left the fleet:
 *   replace-replica usw2 ← euc1 spare; drain-replica usw2 stopping its service;
 *   replace-replica euc1 ← usw2 (brings usw2 back); region-failover us-west-2 → eu-central-1;
 *   region-failback us-west-2 from eu-central-1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../electron/cli/index';
import { FleetCore } from '../../electron/core/fleet/core';
import { HaproxyRuntime } from '../../electron/core/haproxy';
import { loadInventoryFile } from '../../electron/core/inventory/load-inventory';
import { startLab, type LabFleet } from '../../electron/core/lab/lab-fleet';
import { LAB_SERVICE, LAB_WEIGHT, startLabServices, type LabServices } from '../../electron/core/lab/lab-services';
import { waitFor } from './helpers/free-port';

let lab: LabFleet;
let services: LabServices;
let runtime: HaproxyRuntime;
let dataDir: string;
let usw2: string;
let use1: string;
let euc1: string;

/** Everything the suite writes (lab, data); removed when it is done. */
let dir: string | undefined;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-runbooks-e2e-'));
  dataDir = join(dir, 'data');
  lab = await startLab({ dir: join(dir, 'lab'), nodes: 6 });
  services = await startLabServices({
    dir: join(dir, 'lab'),
    inventoryPath: lab.inventoryPath,
    maxReplicas: 3,
    spares: 1,
    fleet: lab,
    healthIntervalSeconds: 1,
    promptIntervalSeconds: 5,
    startDelayMs: 1000,
    // Chat completions that take 200 ms: requests are in flight whenever a runbook changes something.
    traffic: { kind: 'completion', generationMs: 200 },
  });
  [usw2, use1, euc1] = services.info().replicas.map((r) => r.name);
  const inv = await loadInventoryFile(lab.inventoryPath, { homeDir: dir, defaultUser: 'ops' });
  const rt = inv.loadBalancers[0].runtime;
  if (rt.kind !== 'tcp') throw new Error('lab LB runtime is TCP');
  runtime = new HaproxyRuntime({ kind: 'tcp', host: rt.host, port: rt.port });
  await services.setTrafficRate(50);
}, 60_000);

afterAll(async () => {
  await services?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * The lab's replicas are minutes old and spend part of this file stopped, so their measured
 * availability is low and the capacity-against-the-SLO precondition (tested on its own in
 * test/unit/runbooks) may refuse: every run here is overridden, with a reason, as an operator would.
 */
const OVERRIDE = ['--override', 'lab end-to-end test: availability history is minutes old'];

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['run', ...args, ...(args.includes('--dry-run') ? [] : OVERRIDE), '--inventory', lab.inventoryPath, '--data-dir', dataDir], {
    out: (t) => void (out += `${t}\n`),
    err: (t) => void (err += `${t}\n`),
  });
  return { code, out, err };
}

/** Status and weight of every server, as HAProxy says. */
async function servers(): Promise<Record<string, { status: string; weight: number }>> {
  return Object.fromEntries((await runtime.servers()).map((s) => [s.server, { status: s.status, weight: s.weight }]));
}

function service(name: string): string | undefined {
  return services.info().replicas.find((r) => r.name === name)?.service;
}

/** Connection refused on the replica's own port: nothing listens. */
function refused(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/health`, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(false);
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
    req.end();
  });
}

/**
 * `fleetops run ARGS` while the traffic generator's load goes on: the run's outcome, and the
 * requests sent and lost from just before it to 50 requests after it (those in flight finish,
 * and traffic lands on the new layout).
 */
async function runUnderLoad(args: string[]): Promise<{ r: { code: number; out: string; err: string }; sent: number; failed: number }> {
  const before = services.info().traffic;
  await waitFor(() => services.info().traffic.sent >= before.sent + 50, { what: 'steady traffic before the run', timeoutMs: 10_000 });
  const r = await run(args);
  const sentAtEnd = services.info().traffic.sent;
  await waitFor(() => services.info().traffic.sent >= sentAtEnd + 50, { what: 'traffic after the run', timeoutMs: 10_000 });
  const after = services.info().traffic;
  return { r, sent: after.sent - before.sent, failed: after.failed - before.failed };
}

describe('built-in runbooks against the lab, under load', () => {
  it('the spare starts stopped and in maintenance', async () => {
    expect(service(euc1)).toBe('inactive');
    expect(await refused(services.info().replicas[2].url)).toBe(true);
    expect((await servers())[euc1].status).toBe('MAINT');
    expect((await servers())[usw2]).toEqual({ status: 'UP', weight: LAB_WEIGHT });
  });

  it('replace-replica: starts the spare over SSH, waits until healthy, swaps it in; ≤ 0.1% of requests lost', async () => {
    const { r, ...load } = await runUnderLoad(['replace-replica', '--target', usw2, '--param', `spare=${euc1}`, '--yes', '--confirm', usw2]);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/systemctl start 'vllm'|systemctl start vllm/);
    expect(r.code, r.out).toBe(0);
    expect(service(euc1)).toBe('active');
    const s = await servers();
    expect(s[euc1].status).toBe('UP');
    expect(s[usw2].status).toBe('MAINT');
    expect(load.sent).toBeGreaterThanOrEqual(100);
    expect(load.failed / load.sent).toBeLessThanOrEqual(0.001);
  }, 120_000);

  it('drain-replica with stopService=yes stops the service over SSH once it is in maintenance', async () => {
    const r = await run(['drain-replica', '--target', usw2, '--param', 'stopService=yes', '--yes', '--confirm', usw2]);
    expect(r.err).toBe('');
    expect(r.code, r.out).toBe(0);
    expect(service(usw2)).toBe('inactive');
    expect(await refused(services.info().replicas[0].url)).toBe(true);
    expect((await servers())[usw2].status).toBe('MAINT');
  }, 60_000);

  it('replace-replica brings the stopped replica back in place of the spare', async () => {
    const { r, ...load } = await runUnderLoad(['replace-replica', '--target', euc1, '--param', `spare=${usw2}`, '--yes', '--confirm', euc1]);
    expect(r.err).toBe('');
    expect(r.code, r.out).toBe(0);
    expect(service(usw2)).toBe('active');
    const s = await servers();
    expect(s[usw2].status).toBe('UP');
    expect(s[euc1].status).toBe('MAINT');
    expect(load.failed / load.sent).toBeLessThanOrEqual(0.001);
  }, 120_000);

  it('region-failover moves us-west-2 traffic to eu-central-1 and verifies it through the frontend', async () => {
    const { r, ...load } = await runUnderLoad(['region-failover', '--target', 'us-west-2', '--param', 'to=eu-central-1', '--yes', '--confirm', 'us-west-2']);
    expect(r.err).toBe('');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/verify/i);
    const s = await servers();
    expect(s[euc1]).toEqual({ status: 'UP', weight: LAB_WEIGHT });
    expect(s[usw2]).toEqual({ status: 'DRAIN', weight: 0 });
    expect(s[use1].status).toBe('UP');
    expect(load.failed / load.sent).toBeLessThanOrEqual(0.001);
  }, 120_000);

  it('region-failback returns us-west-2 in steps and puts eu-central-1 back in maintenance', async () => {
    const { r, ...load } = await runUnderLoad(['region-failback', '--target', 'us-west-2', '--param', 'from=eu-central-1', '--yes', '--confirm', 'us-west-2']);
    expect(r.err).toBe('');
    expect(r.code, r.out).toBe(0);
    const s = await servers();
    expect(s[usw2]).toEqual({ status: 'UP', weight: LAB_WEIGHT });
    expect(s[euc1].status).toBe('MAINT');
    expect(s[use1]).toEqual({ status: 'UP', weight: LAB_WEIGHT });
    expect(load.failed / load.sent).toBeLessThanOrEqual(0.001);
  }, 120_000);

  it('a failing SSH step rolls back with systemd\'s own words (exit 1), and nothing is left changed', async () => {
    const before = await servers();
    const r = await run(['replace-replica', '--target', use1, '--param', `spare=${euc1}`, '--param', 'service=nosuch', '--yes', '--confirm', use1]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/rolled-back/);
    expect(r.out).toContain('Unit nosuch.service not found.');
    expect(await servers()).toEqual(before);
  }, 60_000);

  it('abort while waiting for the spare: the undo stops its service again over SSH and HAProxy is as before', async () => {
    // Take the spare back to what a spare is: stopped, in maintenance.
    expect((await run(['drain-replica', '--target', euc1, '--param', 'stopService=yes', '--yes', '--confirm', euc1])).code).toBe(0);
    expect(service(euc1)).toBe('inactive');
    // Started, it answers its health check but gives wrong answers: it never becomes healthy.
    await services.setReplicaFault(euc1, 'wrong-answer');
    const state = async () => (await runtime.showServersState(LAB_SERVICE)).map((s) => ({ server: s.server, adminFlags: s.adminFlags, userWeight: s.userWeight }));
    const before = await state();
    const core = new FleetCore({ dataDir, inventoryPath: lab.inventoryPath, inventoryEnv: { homeDir: dataDir, defaultUser: 'ops' }, identity: { user: 'alice', host: 'console-1' } });
    await core.start();
    try {
      const started = await core.runbooks().run({ runbook: 'replace-replica', target: use1, params: { spare: euc1 }, confirm: use1, overrideReason: OVERRIDE[1] });
      await waitFor(() => service(euc1) === 'active', { what: 'the spare started over SSH', timeoutMs: 20_000 });
      const waiting = () => core.runbooks().runs().find((v) => v.id === started.view.id)!.steps.find((s) => s.status === 'running')?.title ?? '';
      await waitFor(() => /healthy/.test(waiting()), { what: 'the run waiting for the spare to be healthy', timeoutMs: 20_000 });
      core.runbooks().abort(started.view.id);
      const end = await started.done;
      expect(end.status).toBe('rolled-back');
      expect(end.steps[1].status).toBe('undone');
      expect(service(euc1)).toBe('inactive');
      expect(await state()).toEqual(before);
    } finally {
      await core.stop();
      await services.setReplicaFault(euc1, null);
    }
  }, 90_000);
});
