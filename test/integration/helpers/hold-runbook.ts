/** A runbook for tests that need a run to stay in flight, and a lab process to run it on: shared by the crash and ownership tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HaproxyRuntime } from '../../../electron/core/haproxy';
import { loadInventoryFile } from '../../../electron/core/inventory/load-inventory';
import { LAB_SERVICE } from '../../../electron/core/lab/lab-services';
import { spawnFleetops, type CliProcess } from './cli-process';
import { waitFor } from './free-port';

/**
 * Reliably stays in the middle: step 3 waits for a server to come UP that step 1 put in
 * maintenance, so it can only end by its (long) timeout. Both changes have an undo; the weight to
 * restore is a parameter, so the test passes the weight the server really had.
 */
export const HOLD_RUNBOOK = `name: hold-in-maintenance
description: Puts a replica in maintenance, changes its weight, then waits for it to come up (it cannot).
target: replica
params:
  weight: { pattern: "[0-9]{1,3}", description: "weight while held" }
  restoreWeight: { pattern: "[0-9]{1,3}", description: "weight its undo restores" }
onFailure: rollback
steps:
  - title: Put the replica in maintenance
    lb.set-state: { server: "{target}", state: maint }
    undo: { lb.set-state: { server: "{target}", state: ready } }
  - title: Change its weight
    lb.set-weight: { server: "{target}", weight: "{weight}" }
    undo: { lb.set-weight: { server: "{target}", weight: "{restoreWeight}" } }
  - title: Wait for it to come up
    lb.wait: { server: "{target}", until: up, timeoutSeconds: 600 }
`;


/** One server's setting in HAProxy: what a hold run changes and its rollback must restore. */
export interface ServerSetting {
  server: string;
  adminFlags: string[];
  userWeight: number;
}

export interface HoldLab {
  /** The `fleetops lab` process (stop it with the others). */
  lab: CliProcess;
  inventoryPath: string;
  runtime: HaproxyRuntime;
  /** HAProxy's administrative state and weight of every lab server. */
  lbState(): Promise<ServerSetting[]>;
}

/**
 * `fleetops lab` as a process of its own in `root/lab` (2 nodes, 2 replicas behind HAProxy),
 * with HOLD_RUNBOOK beside its inventory, once every replica serves (so a plan's capacity check
 * passes with one taken out).
 */
export async function startHoldLab(root: string, processes: CliProcess[]): Promise<HoldLab> {
  const labDir = join(root, 'lab');
  const lab = spawnFleetops(['lab', '--nodes', '2', '--replicas', '2', '--dir', labDir]);
  processes.push(lab);
  await lab.waitForOutput(/Press Ctrl\+C to stop/, 20_000);
  if (!/HAProxy: +frontend /.test(lab.output())) throw new Error(`the lab runs no HAProxy (is it installed?):\n${lab.output()}`);
  const inventoryPath = join(labDir, 'fleet.yaml');
  // Runbooks are read from <inventory dir>/runbooks when a console or `fleetops run` loads the inventory.
  mkdirSync(join(labDir, 'runbooks'));
  writeFileSync(join(labDir, 'runbooks', 'hold-in-maintenance.yaml'), HOLD_RUNBOOK);
  const inv = await loadInventoryFile(inventoryPath, { homeDir: root, defaultUser: 'ops' });
  const rt = inv.loadBalancers[0]!.runtime;
  if (rt.kind !== 'tcp') throw new Error('the lab LB runtime is on TCP');
  const runtime = new HaproxyRuntime({ kind: 'tcp', host: rt.host, port: rt.port });
  await waitFor(async () => (await runtime.showServersState(LAB_SERVICE)).every((r) => r.opState === 'running' && r.adminFlags.length === 0), {
    what: 'every lab replica UP in HAProxy',
    timeoutMs: 15_000,
  });
  const lbState = async () => (await runtime.showServersState(LAB_SERVICE)).map((r) => ({ server: r.server, adminFlags: [...r.adminFlags], userWeight: r.userWeight }));
  return { lab, inventoryPath, runtime, lbState };
}
