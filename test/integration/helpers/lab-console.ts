/**
 * A console (FleetCore, in this process) on an in-process lab: 6 nodes, 3 replicas behind a real
 * HAProxy, short probe cadences; the engine's handlers called through the dispatcher with output
 * validation, as every transport calls them. Shared by the services, runbook and gate suites.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditIdentity } from '../../../electron/core/audit/identity';
import { FleetCore, type CoreDeps } from '../../../electron/core/fleet/core';
import { HaproxyRuntime } from '../../../electron/core/haproxy';
import { loadInventoryFile } from '../../../electron/core/inventory/load-inventory';
import { startLab, type LabFleet } from '../../../electron/core/lab/lab-fleet';
import { startLabServices, type LabServices } from '../../../electron/core/lab/lab-services';
import { createDispatch } from '../../../electron/core/rpc/dispatch';
import type { PushEvent } from '../../../shared/contract';
import { waitFor } from './free-port';
import { contractCall } from './contract-call';

export interface LabConsole {
  /** Everything the suite writes: `lab/` and `data/`. */
  dir: string;
  dataDir: string;
  lab: LabFleet;
  services: LabServices;
  core: FleetCore;
  /** The lab HAProxy's runtime API, to see what it says itself. */
  runtime: HaproxyRuntime;
  replicas: string[];
  /** A contract call; a refusal rejects with an Error carrying its code and detail. */
  call<T>(method: string, params: unknown): Promise<T>;
  stop(): Promise<void>;
}

export interface LabConsoleOptions {
  /** Temp dir prefix. */
  name: string;
  identity?: AuditIdentity;
  /** Runs before the console starts, with the lab directory (e.g. to add runbooks beside its inventory) and the replicas' names. */
  beforeStart?: (labDir: string, replicas: string[]) => void;
  onPush?: (e: PushEvent) => void;
  /** The drill runner's cadence (drill suites shorten it). */
  drills?: CoreDeps['drills'];
  /** Each replica also a systemd unit of its node (systemctl over SSH), as `fleetops lab` runs them. */
  units?: boolean;
  /** The last N replicas are stopped spares in maintenance (lab-services.ts), with units. */
  spares?: number;
  /** The incident rule's cadence (incidents-feature.ts). */
  incidents?: CoreDeps['incidents'];
}

export async function startLabConsole(opts: LabConsoleOptions): Promise<LabConsole> {
  const dir = mkdtempSync(join(tmpdir(), `fleetops-${opts.name}-`));
  const labDir = join(dir, 'lab');
  const dataDir = join(dir, 'data');
  let lab: LabFleet | undefined;
  let services: LabServices | undefined;
  let core: FleetCore | undefined;
  const stop = async () => {
    await core?.stop();
    await services?.stop();
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    lab = await startLab({ dir: labDir, nodes: 6, probeIntervalSeconds: 5 });
    services = await startLabServices({
      dir: labDir,
      inventoryPath: lab.inventoryPath,
      maxReplicas: 3,
      healthIntervalSeconds: 1,
      promptIntervalSeconds: 5,
      ...(opts.units || opts.spares ? { fleet: lab } : {}),
      ...(opts.spares ? { spares: opts.spares } : {}),
    });
    opts.beforeStart?.(labDir, services.info().replicas.map((r) => r.name));
    core = new FleetCore({
      dataDir,
      inventoryPath: lab.inventoryPath,
      inventoryEnv: { homeDir: dir, defaultUser: 'ops' },
      lab,
      labServices: services,
      servicesCadenceMs: { frontend: 300, publish: 300 },
      identity: opts.identity,
      drills: opts.drills,
      incidents: opts.incidents,
    });
    if (opts.onPush) core.subscribe(opts.onPush);
    await core.start();
    const inv = await loadInventoryFile(lab.inventoryPath, { homeDir: dir, defaultUser: 'ops' });
    const rt = inv.loadBalancers[0]!.runtime;
    if (rt.kind !== 'tcp') throw new Error('the lab LB runtime is on TCP');
    const runtime = new HaproxyRuntime({ kind: 'tcp', host: rt.host, port: rt.port });
    const call = contractCall(createDispatch(core.handlers, { validateOutput: true }));
    return { dir, dataDir, lab, services, core, runtime, replicas: services.info().replicas.map((r) => r.name), call, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Waits until HAProxy says every lab server is UP (what plans' capacity checks need). */
export async function allServersUp(c: LabConsole, timeoutMs = 20_000): Promise<void> {
  await waitFor(async () => (await c.runtime.servers()).every((s) => s.status === 'UP'), { what: 'LB all UP', timeoutMs });
}
