/**
 * `fleetops run` end to end against the lab: real HAProxy in front of real replicas, the
 * built-in drain-replica runbook planned, refused, confirmed and run; exit statuses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../electron/cli/index';
import { HaproxyRuntime } from '../../electron/core/haproxy';
import { loadInventoryFile } from '../../electron/core/inventory/load-inventory';
import { startLab, type LabFleet } from '../../electron/core/lab/lab-fleet';
import { LAB_SERVICE, startLabServices, type LabServices } from '../../electron/core/lab/lab-services';
import { waitFor } from './helpers/free-port';

let lab: LabFleet;
let services: LabServices;
let runtime: HaproxyRuntime;
let dataDir: string;
let replicas: string[];

/** Everything the suite writes (lab, data); removed when it is done. */
let dir: string | undefined;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-run-'));
  dataDir = join(dir, 'data');
  lab = await startLab({ dir: join(dir, 'lab'), nodes: 6 });
  services = await startLabServices({ dir: join(dir, 'lab'), inventoryPath: lab.inventoryPath, maxReplicas: 3, healthIntervalSeconds: 1 });
  replicas = services.info().replicas.map((r) => r.name);
  const inv = await loadInventoryFile(lab.inventoryPath, { homeDir: dir, defaultUser: 'ops' });
  const rt = inv.loadBalancers[0].runtime;
  if (rt.kind !== 'tcp') throw new Error('lab LB runtime is TCP');
  runtime = new HaproxyRuntime({ kind: 'tcp', host: rt.host, port: rt.port });
}, 60_000);

afterAll(async () => {
  await services?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['run', ...args, '--inventory', lab.inventoryPath, '--data-dir', dataDir], {
    out: (t) => void (out += `${t}\n`),
    err: (t) => void (err += `${t}\n`),
  });
  return { code, out, err };
}

const statusOf = async (server: string) => (await runtime.servers()).find((s) => s.server === server)?.status;

describe('fleetops run drain-replica', () => {
  it('--dry-run prints every HAProxy command exactly and sends nothing', async () => {
    const target = replicas[0];
    const r = await run(['drain-replica', '--target', target, '--dry-run']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`set server ${LAB_SERVICE}/${target} state drain`);
    expect(r.out).toContain(`set server ${LAB_SERVICE}/${target} state maint`);
    expect(await statusOf(target)).toBe('UP');
  });

  it('refuses a protected target without the typed confirmation (exit 2), and a bad parameter', async () => {
    const target = replicas[0];
    const refused = await run(['drain-replica', '--target', target, '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/CONFIRMATION_REQUIRED.*--confirm/);
    const wrong = await run(['drain-replica', '--target', target, '--yes', '--confirm', 'someone-else']);
    expect(wrong.code).toBe(2);
    const hostile = await run(['drain-replica', '--target', target, '--yes', '--confirm', target, '--param', 'service=vllm; rm -rf /']);
    expect(hostile.code).toBe(2);
    expect(hostile.err).toMatch(/service/);
    expect(await statusOf(target)).toBe('UP');
  });

  it('runs with --confirm: drained, then in maintenance (exit 0); read-only refuses it', async () => {
    const target = replicas[1];
    const ro = await run(['drain-replica', '--target', target, '--yes', '--confirm', target, '--read-only']);
    expect(ro.code).toBe(2);
    expect(await statusOf(target)).toBe('UP');

    const r = await run(['drain-replica', '--target', target, '--yes', '--confirm', target]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/: succeeded/);
    expect(await statusOf(target)).toBe('MAINT');
    await runtime.setServerState(LAB_SERVICE, target, 'ready');

    // On the record, with an intact chain: plan, confirmation, run, each step, end.
    let out = '';
    expect(await main(['audit', 'verify', '--data-dir', dataDir], { out: (t) => void (out += t), err: () => undefined })).toBe(0);
    let list = '';
    await main(['audit', 'list', '--data-dir', dataDir, '--limit', '200', '--json'], { out: (t) => void (list += t), err: () => undefined });
    const kinds = (JSON.parse(list) as { kind: string }[]).map((e) => e.kind);
    for (const k of ['runbook.dry-run', 'runbook.refused', 'runbook.plan', 'runbook.confirmation', 'runbook.run', 'runbook.step', 'runbook.end']) expect(kinds).toContain(k);
  });

  it('drains a replica under steady load through the frontend losing no more than 0.1% of requests', async () => {
    const target = replicas[0];
    await services.setTrafficRate(50);
    try {
      const before = services.info().traffic;
      // Load already flowing through every replica when the drain starts.
      await waitFor(() => services.info().traffic.sent >= before.sent + 100, { what: 'steady traffic before the drain', timeoutMs: 10_000 });
      const r = await run(['drain-replica', '--target', target, '--yes', '--confirm', target]);
      expect(r.code).toBe(0);
      expect(await statusOf(target)).toBe('MAINT');
      // Keep the load going a little after the drain: requests that were in flight finish too.
      const sentAtEnd = services.info().traffic.sent;
      await waitFor(() => services.info().traffic.sent >= sentAtEnd + 100, { what: 'more traffic after the drain', timeoutMs: 10_000 });
      await services.setTrafficRate(0);
      const after = services.info().traffic;
      const sent = after.sent - before.sent;
      const failed = after.failed - before.failed;
      expect(sent).toBeGreaterThanOrEqual(200);
      expect(failed / sent).toBeLessThanOrEqual(0.001);
    } finally {
      await services.setTrafficRate(0);
      await runtime.setServerState(LAB_SERVICE, target, 'ready');
    }
  });

  it('--rollback / --continue name a run; an unknown one is refused (exit 2)', async () => {
    let err = '';
    const code = await main(['run', '--rollback', 'no-such-run', '--inventory', lab.inventoryPath, '--data-dir', dataDir], { out: () => undefined, err: (t) => void (err += t) });
    expect(code).toBe(2);
    expect(err).toMatch(/no-such-run/);
    expect(await main(['run', '--rollback', 'a', '--continue', 'b', '--inventory', lab.inventoryPath], { out: () => undefined, err: () => undefined })).toBe(2);
  });

  it('refuses draining the last serving replica unless overridden with a reason', async () => {
    // Two of three in maintenance: draining the third would leave the backend empty.
    await runtime.setServerState(LAB_SERVICE, replicas[0], 'maint');
    await runtime.setServerState(LAB_SERVICE, replicas[1], 'maint');
    try {
      const r = await run(['drain-replica', '--target', replicas[2], '--dry-run']);
      expect(r.code).toBe(2);
      expect(r.out).toMatch(/\[FAILED\] after step 2 no server of lab-lb backend llama serves/);
      const overridden = await run(['drain-replica', '--target', replicas[2], '--dry-run', '--override', 'planned maintenance window']);
      expect(overridden.code).toBe(0);
      expect(overridden.out).toMatch(/planned maintenance window/);
    } finally {
      await runtime.setServerState(LAB_SERVICE, replicas[0], 'ready');
      await runtime.setServerState(LAB_SERVICE, replicas[1], 'ready');
    }
  });
});
