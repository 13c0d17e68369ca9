/**
 * The built-in lab fleet: N simulated GPU nodes on loopback, each a real SSH server with its own
 * host key, answering the console's probe through a fake host, with faults injected and cleared
 * while it runs. Its directory holds everything the console needs to watch it: inventory,
 * client key, known_hosts.
 */
import { createHash } from 'node:crypto';
import { FleetError } from '../../../shared/errors';
import { InventoryFile } from '../../../shared/inventory';
import { LabFault, LabFaultKind, LabJobFaultKind, type LabInfo, type LabTraining } from '../../../shared/status';
import { FakeHost } from './fake-host';
import { labNodeGpus } from './gpu-profile';
import {
  LAB_HOST,
  LAB_USER,
  inventoryYaml,
  knownHostsText,
  labInventory,
  labMarkerText,
  labPaths,
  prepareLabDir,
  writeFileAtomic,
  type LabNodeEndpoint,
} from './lab-files';
import { generateEd25519 } from './lab-keys';
import { labTopology, type LabNodePlacement } from './lab-topology';
import type { LabSlurm } from './lab-slurm';
import { startLabTraining, type LabTrainingOptions, type LabTrainingSide } from './lab-training';
import type { LabUnits } from './lab-units';
import { NodeFaults } from './node-faults';
import { LabSshNode } from './ssh-node';

export interface LabOptions {
  dir: string;
  /** Default 12. */
  nodes?: number;
  /** Default 8. */
  gpusPerNode?: number;
  /** Written into the inventory's probe defaults. Default 3. */
  probeIntervalSeconds?: number;
  /** Default 2. */
  probeTimeoutSeconds?: number;
  /** How long a `slow-ssh` node holds each exec reply; default 2500, longer than the probe timeout. */
  slowSshDelayMs?: number;
  /** Epoch ms; node uptimes and driver timestamps follow it. */
  clock?: () => number;
  /**
   * The training side (lab-training.ts): training clusters under a real Slurm when it is
   * installed, running lab jobs, a checkpoint writer. Absent: the lab runs no scheduler.
   */
  training?: LabTrainingOptions;
  /**
   * Two spare nodes in the first training cluster, beyond `nodes` (lab-topology.ts): one warm
   * (powered, healthy, idle), one cold. Default false, so a lab of N nodes has N nodes.
   */
  spareNodes?: boolean;
}

/** A spare node of the lab: where it is and how ready it is kept. */
export interface LabSpareNode {
  node: string;
  cluster: string;
  mode: 'warm' | 'cold';
}

export interface LabFleet {
  readonly dir: string;
  readonly inventoryPath: string;
  info(): LabInfo;
  /** Throws FleetError NOT_FOUND for an unknown node or GPU index, BAD_REQUEST for a malformed fault. */
  inject(fault: LabFault): LabInfo;
  clear(node: string, kind?: LabFaultKind): LabInfo;
  onChange(listener: (info: LabInfo) => void): () => void;
  /** Gives a node the services `systemctl` manages on it (null: none); NOT_FOUND for an unknown node. */
  setUnits(node: string, units: LabUnits | null): void;
  /** A lab training job's checkpoint writer fault on or off; NOT_FOUND for a job the lab does not run. */
  setJobFault(job: string, kind: LabJobFaultKind, active: boolean): Promise<LabInfo>;
  /** A secret the lab made for the console (its Slurm REST tokens), never written to the inventory. */
  secret(ref: string): string | undefined;
  /** The real Slurm a training cluster runs under, if any. */
  slurmOf(cluster: string): LabSlurm | undefined;
  /** Its spare nodes (none unless started with `spareNodes`). */
  spareNodes(): LabSpareNode[];
  stop(): Promise<void>;
}

interface LabNode {
  placement: LabNodePlacement;
  faults: NodeFaults;
  host: FakeHost;
  ssh: LabSshNode;
}

/** Listeners opened at once: enough to start 1,000 nodes in well under a second, few enough to stay polite. */
const LISTEN_CONCURRENCY = 64;

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function requireInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new FleetError('BAD_REQUEST', `lab option ${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function requireNumber(name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new FleetError('BAD_REQUEST', `lab option ${name} must be a number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** Nodes have been up for 2-45 days when the lab starts, different per node, the same every start. */
function initialUptimeMs(node: string): number {
  const r = createHash('sha256').update(`uptime:${node}`).digest().readUInt32BE(0) / 0x1_0000_0000;
  return Math.round((2 + r * 43) * 86_400_000);
}

export async function startLab(opts: LabOptions): Promise<LabFleet> {
  const nodeCount = requireInt('nodes', opts.nodes ?? 12, 1, 5000);
  const gpusPerNode = requireInt('gpusPerNode', opts.gpusPerNode ?? 8, 1, 64);
  const probe = {
    intervalSeconds: requireNumber('probeIntervalSeconds', opts.probeIntervalSeconds ?? 3, 1, 3600),
    timeoutSeconds: requireNumber('probeTimeoutSeconds', opts.probeTimeoutSeconds ?? 2, 0.1, 600),
  };
  const slowSshDelayMs = requireInt('slowSshDelayMs', opts.slowSshDelayMs ?? 2500, 0, 600_000);
  const clock = opts.clock ?? Date.now;
  const paths = labPaths(opts.dir);
  await prepareLabDir(opts.dir);
  // First, so a CLI given this lab's inventory uses the lab's data directory, never the operator's.
  await writeFileAtomic(paths.markerFile, labMarkerText(), 0o600);

  const clientKeys = generateEd25519();
  const startedAt = clock();

  const nodes: LabNode[] = [];
  const hostPublicKeys = new Map<string, string>();
  for (const placement of labTopology(nodeCount, { spareNodes: opts.spareNodes === true })) {
    const hostKeys = generateEd25519();
    hostPublicKeys.set(placement.name, hostKeys.public);
    const faults = new NodeFaults(placement.name, gpusPerNode);
    const host = new FakeHost({
      hostname: placement.name,
      gpus: labNodeGpus(placement.name, placement.role, gpusPerNode, { idle: placement.spare !== undefined }),
      faults,
      bootedAtMs: startedAt - initialUptimeMs(placement.name),
      clock,
    });
    const ssh = new LabSshNode({
      name: placement.name,
      hostKey: hostKeys.private,
      clientKey: clientKeys.parsedPublic,
      user: LAB_USER,
      exec: (command) => host.run(command),
      replyDelayMs: () => (faults.has('slow-ssh') ? slowSshDelayMs : 0),
    });
    nodes.push({ placement, faults, host, ssh });
  }

  let training: LabTrainingSide | null = null;
  try {
    await eachLimited(nodes, LISTEN_CONCURRENCY, async (n) => {
      await n.ssh.listen(LAB_HOST);
    });
    const endpoints: LabNodeEndpoint[] = nodes.map((n) => ({
      ...n.placement,
      port: n.ssh.port,
      hostPublicKey: hostPublicKeys.get(n.placement.name) as string,
      gpuCount: gpusPerNode,
    }));
    await writeFileAtomic(paths.identityFile, clientKeys.private, 0o600);
    await writeFileAtomic(`${paths.identityFile}.pub`, `${clientKeys.public} fleetops-lab\n`, 0o644);
    await writeFileAtomic(paths.knownHostsFile, knownHostsText(endpoints), 0o600);
    let inventory = labInventory(paths, endpoints, probe);
    if (opts.training) {
      const hosts = new Map(nodes.map((n) => [n.placement.name, n.host]));
      training = await startLabTraining({ dir: opts.dir, endpoints, hosts, schedulerIntervalSeconds: probe.intervalSeconds, options: opts.training });
      inventory = InventoryFile.parse(training.addToInventory(inventory));
    }
    await writeFileAtomic(paths.inventoryPath, inventoryYaml(inventory), 0o600);
  } catch (err) {
    await training?.stop();
    await eachLimited(nodes, LISTEN_CONCURRENCY, (n) => n.ssh.close());
    throw err;
  }
  return new RunningLab(opts.dir, paths.inventoryPath, nodes, clock, training);
}

class RunningLab implements LabFleet {
  private readonly byName: Map<string, LabNode>;
  private readonly listeners = new Set<(info: LabInfo) => void>();
  private stopped: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    readonly inventoryPath: string,
    private readonly nodes: readonly LabNode[],
    private readonly clock: () => number,
    private readonly training: LabTrainingSide | null,
  ) {
    this.byName = new Map(nodes.map((n) => [n.placement.name, n]));
  }

  info(): LabInfo {
    const faults: LabFault[] = [];
    for (const n of this.nodes) {
      for (const f of n.faults.list()) {
        faults.push(f.gpuIndex === undefined ? { node: n.placement.name, kind: f.kind } : { node: n.placement.name, kind: f.kind, gpuIndex: f.gpuIndex });
      }
    }
    return { dir: this.dir, inventoryPath: this.inventoryPath, nodes: this.nodes.length, faults, training: this.trainingInfo() };
  }

  private trainingInfo(): LabTraining {
    return this.training?.info() ?? { schedulers: [], reason: 'this lab was started without a training side (no scheduler)', jobs: [] };
  }

  async setJobFault(job: string, kind: LabJobFaultKind, active: boolean): Promise<LabInfo> {
    if (!LabJobFaultKind.safeParse(kind).success) {
      throw new FleetError('BAD_REQUEST', `unknown lab job fault kind "${kind}" (expected one of ${LabJobFaultKind.options.join(', ')})`);
    }
    if (!this.training) throw new FleetError('NOT_FOUND', `the lab runs no training job "${job}": ${this.trainingInfo().reason}`, { subject: job });
    return this.changed(await this.training.setJobFault(job, kind, active));
  }

  secret(ref: string): string | undefined {
    return this.training?.secret(ref);
  }

  slurmOf(cluster: string): LabSlurm | undefined {
    return this.training?.slurmOf(cluster);
  }

  spareNodes(): LabSpareNode[] {
    return this.nodes.flatMap(({ placement: p }) => (p.spare ? [{ node: p.name, cluster: p.cluster, mode: p.spare }] : []));
  }

  inject(fault: LabFault): LabInfo {
    const parsed = LabFault.safeParse(fault);
    if (!parsed.success) throw new FleetError('BAD_REQUEST', `invalid lab fault: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'fault'}: ${i.message}`).join('; ')}`);
    const { node: name, kind, gpuIndex } = parsed.data;
    const node = this.node(name);
    const changed = node.faults.inject(kind, gpuIndex, { nowMs: this.clock(), uptimeMicros: node.host.uptimeMicros() });
    if (kind === 'node-unreachable') node.ssh.setReachable(false);
    return this.changed(changed);
  }

  clear(name: string, kind?: LabFaultKind): LabInfo {
    if (kind !== undefined && !LabFaultKind.safeParse(kind).success) {
      throw new FleetError('BAD_REQUEST', `unknown lab fault kind "${kind}" (expected one of ${LabFaultKind.options.join(', ')})`);
    }
    const node = this.node(name);
    const changed = node.faults.clear(kind);
    if (!node.faults.has('node-unreachable')) node.ssh.setReachable(true);
    return this.changed(changed);
  }

  setUnits(name: string, units: LabUnits | null): void {
    this.node(name).host.setUnits(units);
  }

  onChange(listener: (info: LabInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.listeners.clear();
      // Slurm and the writer first: the daemons are stopped with deadlines and waited for.
      await this.training?.stop();
      await eachLimited(this.nodes, LISTEN_CONCURRENCY, (n) => n.ssh.close());
    })();
    return this.stopped;
  }

  private node(name: string): LabNode {
    const node = this.byName.get(name);
    if (!node) throw new FleetError('NOT_FOUND', `the lab has no node named "${name}"`, { subject: name });
    return node;
  }

  private changed(changed: boolean): LabInfo {
    const info = this.info();
    if (!changed) return info;
    // Every listener hears about the change even if an earlier one throws; the first error then surfaces.
    let failure: unknown;
    for (const l of this.listeners) {
      try {
        l(info);
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
    return info;
  }
}
