/**
 * "SIGKILL the console mid-drill; start it again; the fault is restored by itself": `fleetops lab`
 * in a process of its own (replicas behind a real HAProxy), `fleetops serve --inventory` driven
 * over its WebSocket, SIGKILLed with everything below it while a drill holds a replica at weight
 * 0; started again on the same data directory, it restores the weight without anyone asking, the
 * drill run ends `aborted` (owner-died), and `fleetops audit verify` passes. And `fleetops drill
 * stop-all` from another process aborts and restores the drill serve is running.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../electron/cli/index';
import type { DrillRunView } from '../../shared/drill-run';
import { runFleetops, spawnFleetops, type CliProcess } from './helpers/cli-process';
import { connectContract, type ContractClient } from './helpers/contract-client';
import { waitFor } from './helpers/free-port';
import { startHoldLab, type HoldLab } from './helpers/hold-runbook';

/** Weight 0 on one replica, observed far longer than the test takes (no detection comes for a weight). */
const HOLD_DRILL = `name: weight-hold
description: One llama replica at weight 0, observed for minutes.
targets:
  replicasOf: llama
  count: 1
  seed: crash
  maxTargets: 1
  allowProtected: true
fault:
  kind: lb-weight-zero
hypothesis:
  minSuccessPct: 50
  maxP95LatencyMs: 5000
  window: 60s
  probeRatePerSecond: 2
  grace: 5m
response: none
expectations:
  mitigatedWithin: 5m
`;

const FINAL = ['passed', 'failed', 'aborted', 'skipped', 'restore-failed'];
let root: string;
let inventoryPath: string;
let dataDir: string;
let rendererDir: string;
let lbState: HoldLab['lbState'];
const processes: CliProcess[] = [];
const clients: ContractClient[] = [];

async function startServe(): Promise<{ serve: CliProcess; client: ContractClient }> {
  const serve = spawnFleetops(['serve', '--inventory', inventoryPath, '--data-dir', dataDir, '--renderer-dir', rendererDir]);
  processes.push(serve);
  const [, url] = await serve.waitForOutput(/fleetops console: (\S+)/, 20_000);
  const client = await connectContract(url!);
  clients.push(client);
  return { serve, client };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'fleetops-drill-crash-'));
  dataDir = join(root, 'data');
  rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>fleetops</title>');
  ({ inventoryPath, lbState } = await startHoldLab(root, processes));
  mkdirSync(join(root, 'lab', 'drills'));
  writeFileSync(join(root, 'lab', 'drills', 'weight-hold.yaml'), HOLD_DRILL);
}, 45_000);

afterAll(async () => {
  for (const c of clients) c.close();
  for (const p of processes.reverse()) await p.stop(5_000);
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('fleetops serve killed mid-drill', () => {
  it('restores the fault by itself when it comes back; the audit chain is intact', async () => {
    const before = await lbState();
    const first = await startServe();
    // The plan's preconditions want every target healthy: wait for the console's first verdicts.
    await waitFor(async () => (await first.client.call('drills.plan', { name: 'weight-hold' })).preconditions.every((p) => p.ok), { what: 'the drill plannable', timeoutMs: 30_000, intervalMs: 500 });
    const started = await first.client.call('drills.start', { name: 'weight-hold', confirm: 'weight-hold' });
    expect(started.status, started.reason ?? '').toBe('pre-checks');
    await first.client.waitForPush((e) => (e.event === 'drill.updated' && e.payload.id === started.id && e.payload.status === 'observing' ? true : undefined), 'the drill observing', 20_000);
    const target = started.plan.targets[0]!.name;
    const during = await lbState();
    expect(during.find((r) => r.server === target)?.userWeight).toBe(0);

    await first.serve.killTree();
    expect(await first.serve.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await lbState()).toEqual(during);

    // Nobody asks: starting again is enough.
    const second = await startServe();
    let view: DrillRunView | null = null;
    await waitFor(
      async () => {
        view = await second.client.call('drills.run', { runId: started.id });
        return FINAL.includes(view.status);
      },
      { what: 'the orphaned drill to end', timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(view).toMatchObject({ status: 'aborted', reasonCode: 'owner-died', phase: 'observing' });
    expect(view!.milestones.map((m) => m.name)).toEqual(expect.arrayContaining(['injected', 'restored', 'aborted']));
    expect(await lbState()).toEqual(before);
    const fault = (await second.client.call('runs.list', {})).find((r) => r.id === view!.faultRunId);
    expect(fault).toMatchObject({ status: 'rolled-back', runbook: 'drill weight-hold' });

    const stopped = await second.serve.stop();
    expect(stopped, second.serve.output()).toEqual({ code: 0, signal: null });
    let verify = '';
    expect(await main(['audit', 'verify', '--data-dir', dataDir], { out: (t) => void (verify += t), err: (t) => void (verify += t) }), verify).toBe(0);
    let listed = '';
    await main(['audit', 'list', '--data-dir', dataDir, '--limit', '500', '--json'], { out: (t) => void (listed += t), err: () => undefined });
    const kinds = (JSON.parse(listed) as Array<{ kind: string; detail: Record<string, unknown> | null }>).filter((e) => e.detail?.drillRun === started.id).map((e) => e.kind);
    for (const k of ['drill.start', 'drill.inject', 'drill.restore', 'drill.abort']) expect(kinds).toContain(k);
  }, 90_000);

  it('`fleetops drill stop-all` from another process aborts and restores the drill serve runs, and refuses new ones until released', async () => {
    const before = await lbState();
    const { serve, client } = await startServe();
    await waitFor(async () => (await client.call('drills.plan', { name: 'weight-hold' })).preconditions.every((p) => p.ok), { what: 'the drill plannable', timeoutMs: 30_000, intervalMs: 500 });
    const started = await client.call('drills.start', { name: 'weight-hold', confirm: 'weight-hold' });
    await client.waitForPush((e) => (e.event === 'drill.updated' && e.payload.id === started.id && e.payload.status === 'observing' ? true : undefined), 'the drill observing', 20_000);
    const stop = await runFleetops(['drill', 'stop-all', '--inventory', inventoryPath, '--data-dir', dataDir]);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toContain(`aborting ${started.id}`);
    const ended = await client.waitForPush((e) => (e.event === 'drill.updated' && e.payload.id === started.id && FINAL.includes(e.payload.status) ? e.payload : undefined), 'the drill to end', 20_000);
    expect(ended).toMatchObject({ status: 'aborted', reasonCode: 'stop-all' });
    expect(await lbState()).toEqual(before);
    expect(await client.call('drills.start', { name: 'weight-hold', confirm: 'weight-hold' })).toMatchObject({ status: 'skipped', reasonCode: 'stop-all' });
    expect((await runFleetops(['drill', 'stop-all', '--release', '--inventory', inventoryPath, '--data-dir', dataDir])).code).toBe(0);
    expect((await client.call('drills.list', {})).stopAll.engaged).toBe(false);
    expect(await serve.stop(), serve.output()).toEqual({ code: 0, signal: null });
  }, 90_000);
});
