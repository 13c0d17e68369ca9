/**
 * "Kill the process mid-run; restart; the run is shown as interrupted; rolling back restores the
 * LB state", with the real processes: `fleetops lab` (replicas behind a real HAProxy) in a process
 * of its own, `fleetops serve --inventory` driven over its WebSocket like the browser console,
 * SIGKILLed with everything below it while a run waits at its third step, then started again on
 * the same data directory.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunView } from '../../shared/runbook';
import { main } from '../../electron/cli/index';
import { LAB_SERVICE } from '../../electron/core/lab/lab-services';
import { spawnFleetops, type CliProcess } from './helpers/cli-process';
import { connectContract, type ContractClient } from './helpers/contract-client';
import { waitFor } from './helpers/free-port';
import { startHoldLab, type HoldLab } from './helpers/hold-runbook';

const ENDED = ['succeeded', 'rolled-back', 'rollback-failed'];
let root: string;
let inventoryPath: string;
let dataDir: string;
let rendererDir: string;
let runtime: HoldLab['runtime'];
const processes: CliProcess[] = [];
const clients: ContractClient[] = [];

/** What the run changes and the rollback must restore: administrative state and weight, per server. */
let lbState: HoldLab['lbState'];

async function startServe(): Promise<{ serve: CliProcess; client: ContractClient }> {
  const serve = spawnFleetops(['serve', '--inventory', inventoryPath, '--data-dir', dataDir, '--renderer-dir', rendererDir]);
  processes.push(serve);
  const [, url] = await serve.waitForOutput(/fleetops console: (\S+)/, 20_000);
  const client = await connectContract(url!);
  clients.push(client);
  return { serve, client };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'fleetops-serve-crash-'));
  dataDir = join(root, 'data');
  rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>fleetops</title>');
  ({ inventoryPath, lbState, runtime } = await startHoldLab(root, processes));
}, 45_000);

afterAll(async () => {
  for (const c of clients) c.close();
  // Whatever a failed test left running: serve (and its children) hard, the lab gracefully so HAProxy goes too.
  for (const p of processes.reverse()) await p.stop(5_000);
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('fleetops serve killed mid-run', () => {
  it('comes back with the run interrupted at its waiting step, and its rollback restores HAProxy', async () => {
    const before = await lbState();
    const target = before[0]!.server;
    const originalWeight = before[0]!.userWeight;
    const heldWeight = originalWeight === 7 ? 8 : 7;

    // 1. A run through the console's contract, until it waits at step 3 (index 2).
    const first = await startServe();
    const started = await first.client.call('runbooks.run', {
      runbook: 'hold-in-maintenance',
      target,
      params: { weight: String(heldWeight), restoreWeight: String(originalWeight) },
      confirm: target, // lab inference clusters are protected: typed confirmation
    });
    const runId = started.id;
    await first.client.waitForPush((e) => (e.event === 'run.updated' && e.payload.id === runId && e.payload.steps[2]?.status === 'running' ? true : undefined), 'the run waiting at step 3', 15_000);
    const during = await lbState();
    expect(during.find((r) => r.server === target)).toEqual({ server: target, adminFlags: ['forced-maint'], userWeight: heldWeight });
    expect(during.filter((r) => r.server !== target)).toEqual(before.filter((r) => r.server !== target));

    // 2. The crash: serve and every process below it, SIGKILLed.
    await first.serve.killTree();
    expect(await first.serve.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await lbState()).toEqual(during);

    // 3. Restarted on the same data directory and inventory: the run is interrupted at step 3.
    const second = await startServe();
    const runs = await second.client.call('runs.list', {});
    const interrupted = runs.find((r) => r.id === runId);
    expect(interrupted).toMatchObject({ status: 'interrupted', interruptedStep: 2, runbook: 'hold-in-maintenance', target });
    expect(interrupted!.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'failed']);
    expect((await second.client.call('fleet.snapshot', {})).runs.find((r) => r.id === runId)?.status).toBe('interrupted');

    // 4. Rolled back from the console: HAProxy's administrative state and weights are as before the run.
    expect((await second.client.call('runs.rollback', { runId })).id).toBe(runId);
    const ended = await second.client.waitForPush((e) => (e.event === 'run.updated' && e.payload.id === runId && ENDED.includes(e.payload.status) ? e.payload : undefined), 'the rollback to end', 15_000);
    expect(ended).toMatchObject<Partial<RunView>>({ status: 'rolled-back' });
    expect(ended.steps.map((s) => s.status)).toEqual(['undone', 'undone', 'failed']);
    expect(await lbState()).toEqual(before);
    // And the replica serves again once HAProxy's checks pass.
    await waitFor(async () => (await runtime.showServersState(LAB_SERVICE)).find((r) => r.server === target)?.opState === 'running', { what: `${target} UP again`, timeoutMs: 10_000 });

    // 5. The record survived the kill: an intact chain with the run, its steps, the rollback and its end.
    const stopped = await second.serve.stop();
    expect(stopped, second.serve.output()).toEqual({ code: 0, signal: null });
    let verify = '';
    expect(await main(['audit', 'verify', '--data-dir', dataDir], { out: (t) => void (verify += t), err: (t) => void (verify += t) }), verify).toBe(0);
    let listed = '';
    await main(['audit', 'list', '--data-dir', dataDir, '--limit', '500', '--json'], { out: (t) => void (listed += t), err: () => undefined });
    const entries = (JSON.parse(listed) as Array<{ kind: string; detail: Record<string, unknown> | null }>).filter((e) => e.detail?.run === runId);
    const kinds = entries.map((e) => e.kind);
    for (const k of ['runbook.run', 'runbook.step', 'runbook.rollback', 'runbook.end']) expect(kinds).toContain(k);
    expect(entries.find((e) => e.kind === 'runbook.end')?.detail).toMatchObject({ status: 'rolled-back' });
  }, 60_000);
});
