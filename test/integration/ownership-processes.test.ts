/**
 * Two real processes on one data directory: a `fleetops run` in progress (a process of its own)
 * and a console starting on the same store (the engine, in this process). The console leaves the
 * run alone, refuses a second run and a load balancer button on the same target naming the
 * holding process, follows the run's progress; once the run's process is SIGKILLed, the console
 * finds its owner dead, marks the run interrupted and rolls it back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../shared/contract';
import type { RunView } from '../../shared/runbook';
import { main } from '../../electron/cli/index';
import { FleetCore } from '../../electron/core/fleet/core';
import { LAB_LB, LAB_SERVICE } from '../../electron/core/lab/lab-services';
import { createDispatch } from '../../electron/core/rpc/dispatch';
import { spawnFleetops, type CliProcess } from './helpers/cli-process';
import { waitFor } from './helpers/free-port';
import { startHoldLab, type HoldLab } from './helpers/hold-runbook';
import { contractCall } from './helpers/contract-call';

let root: string;
let inventoryPath: string;
let dataDir: string;
let lbState: HoldLab['lbState'];
const processes: CliProcess[] = [];
let core: FleetCore | null = null;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'fleetops-ownership-'));
  dataDir = join(root, 'data');
  ({ inventoryPath, lbState } = await startHoldLab(root, processes));
}, 45_000);

afterAll(async () => {
  await core?.stop();
  for (const p of processes.reverse()) await p.stop(5_000);
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a fleetops run and a console on one data directory', () => {
  it('the console leaves the live run alone, refuses its target naming the process, and recovers the run once that process is killed', async () => {
    const before = await lbState();
    const target = before[0]!.server;
    const original = before[0]!.userWeight;
    const held = original === 7 ? 8 : 7;

    // 1. `fleetops run` in a process of its own, until it waits at step 3.
    const run = spawnFleetops([
      'run', 'hold-in-maintenance', '--inventory', inventoryPath, '--data-dir', dataDir, '--target', target,
      '--param', `weight=${held}`, '--param', `restoreWeight=${original}`, '--yes', '--confirm', target,
    ]);
    processes.push(run);
    await run.waitForOutput(/running step 3/, 30_000);
    const runPid = run.child.pid!;

    // 2. A console starts on the same data directory: its recovery must not touch the live run.
    core = new FleetCore({ dataDir, inventoryPath, inventoryEnv: { homeDir: root, defaultUser: 'ops' }, watchInventory: false, identity: { user: 'bob', host: 'console-2' }, processLabel: 'fleetops serve' });
    const pushes: RunView[] = [];
    core.subscribe((e: PushEvent) => void (e.event === 'run.updated' && pushes.push(e.payload)));
    await core.start();
    const dispatch = createDispatch(core.handlers, { validateOutput: true });
    const call = contractCall(dispatch);
    const runs = await call<RunView[]>('runs.list', {});
    expect(runs).toHaveLength(1);
    const live = runs[0]!;
    expect(live).toMatchObject({ runbook: 'hold-in-maintenance', target, status: 'running' });
    core.ownerTick();
    expect((await call<RunView[]>('runs.list', {}))[0]!.status).toBe('running');

    // 3. The same target from the console: a second run and an LB button, both refused naming the holder.
    const holder = new RegExp(`held by run ${live.id} \\(hold-in-maintenance on ${target}, running, .*\\) in fleetops run \\(pid ${runPid} on `);
    await expect(call('runbooks.run', { runbook: 'drain-replica', target, confirm: target })).rejects.toMatchObject({ code: 'RUNBOOK_LOCKED', message: expect.stringMatching(holder) });
    await expect(call('lb.setServerState', { loadBalancer: LAB_LB, backend: LAB_SERVICE, server: target, state: 'ready', confirm: target })).rejects.toMatchObject({
      code: 'RUNBOOK_LOCKED',
      message: expect.stringMatching(holder),
    });
    expect((await lbState()).find((r) => r.server === target)).toEqual({ server: target, adminFlags: ['forced-maint'], userWeight: held });
    // `fleetops run --rollback` from a third process cannot undo a run that is still executing elsewhere.
    let said = '';
    const io = { out: (t: string) => void (said += t), err: (t: string) => void (said += t) };
    expect(await main(['run', '--rollback', live.id, '--inventory', inventoryPath, '--data-dir', dataDir], io)).toBe(2);
    expect(said).toContain(`cannot roll back run ${live.id}: it is running`);
    expect((await lbState()).find((r) => r.server === target)).toEqual({ server: target, adminFlags: ['forced-maint'], userWeight: held });

    // 4. The run's process is killed: on its next tick the console sees the owner dead (its pid
    //    is gone from this host) and the run becomes interrupted at the step in flight.
    await run.killTree();
    core.ownerTick();
    expect((await call<RunView[]>('runs.list', {}))[0]).toMatchObject({ id: live.id, status: 'interrupted', interruptedStep: 2 });
    expect((await call<RunView>('runs.rollback', { runId: live.id })).status).toBe('rolling-back');
    const ended = await waitFor(() => pushes.find((v) => v.id === live.id && v.status === 'rolled-back'), { what: 'the rollback to end', timeoutMs: 15_000 });
    expect(pushes.some((v) => v.id === live.id && v.status === 'interrupted' && v.interruptedStep === 2)).toBe(true);
    expect(ended.steps.map((s) => s.status)).toEqual(['undone', 'undone', 'failed']);
    expect(ended.steps[2]!.error).toMatch(new RegExp(`fleetops run \\(pid ${runPid} .*\\) stopped while this step ran`));
    expect(await lbState()).toEqual(before);

    // 5. Nothing holds the target any more.
    const plan = await call<{ preconditions: Array<{ ok: boolean; text: string }> }>('runbooks.plan', { runbook: 'drain-replica', target });
    expect(plan.preconditions.find((p) => p.text.startsWith('no other run holds'))?.ok).toBe(true);
  }, 90_000);
});
