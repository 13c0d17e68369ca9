/**
 * `fleetops lab`: runs the simulated lab fleet in the foreground, and steers a running one from
 * another terminal (`fault`, `clear`, `status`) through its control server (DIR/lab.json).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FleetError } from '../../shared/errors';
import { LabFaultKind, type LabFault, type LabInfo } from '../../shared/status';
import { labControlClient, startLabControl } from '../core/lab/lab-control';
import { labPaths } from '../core/lab/lab-files';
import { startLab } from '../core/lab/lab-fleet';
import { startLabServices, type LabServices } from '../core/lab/lab-services';

export interface LabCommandIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export interface LabCommandOptions {
  /** Foreground mode stops when this settles instead of on SIGINT/SIGTERM (tests). */
  until?: Promise<unknown>;
}

const KINDS = LabFaultKind.options.join(', ');

export const LAB_USAGE = `Usage:
  fleetops lab [--nodes N] [--replicas N] [--spares N] [--warm-spares N] [--spare-nodes] [--dir DIR]
      run the lab until Ctrl+C (default: 12 nodes, 6 replicas behind HAProxy, no spare, new temp dir);
      the last --spares replicas are cold spares (stopped, in maintenance) for the replace-replica
      runbook; the --warm-spares (0-5) before them are warm spares (running, model loaded, in
      maintenance); at least one replica serves. --spare-nodes adds two spare nodes (one warm,
      one cold) to the first training cluster, marked so in the inventory
  fleetops lab fault --dir DIR --node NAME --kind KIND [--gpu I]
  fleetops lab clear --dir DIR --node NAME [--kind KIND]
  fleetops lab status --dir DIR [--json]
Fault kinds: ${KINDS}`;

class UsageError extends Error {}

/** Every option each form of `lab` parses (the usage texts and the README list each: test/unit/readme.test.ts). */
export const LAB_OPTIONS = {
  run: {
    nodes: { type: 'string' },
    dir: { type: 'string' },
    replicas: { type: 'string' },
    spares: { type: 'string' },
    'warm-spares': { type: 'string' },
    'spare-nodes': { type: 'boolean' },
  },
  status: { dir: { type: 'string' }, json: { type: 'boolean' } },
  fault: { dir: { type: 'string' }, node: { type: 'string' }, kind: { type: 'string' }, gpu: { type: 'string' } },
  clear: { dir: { type: 'string' }, node: { type: 'string' }, kind: { type: 'string' }, gpu: { type: 'string' } },
} as const;

function parse<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values;
  } catch (err) {
    // parseArgs' own messages name the offending option ("Unknown option '--nodez'").
    throw new UsageError((err as Error).message);
  }
}

function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

function kindOf(value: string): LabFaultKind {
  const r = LabFaultKind.safeParse(value);
  if (!r.success) throw new UsageError(`unknown fault kind "${value}" (expected one of ${KINDS})`);
  return r.data;
}

function integer(name: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

function describeFault(f: LabFault): string {
  return `${f.node}  ${f.kind}${f.gpuIndex === undefined ? '' : `  GPU ${f.gpuIndex}`}`;
}

function describeInfo(info: LabInfo): string {
  const faults = info.faults.length === 0 ? 'faults: none' : `faults (${info.faults.length}):\n${info.faults.map((f) => `  ${describeFault(f)}`).join('\n')}`;
  return `lab in ${info.dir}: ${info.nodes} nodes, inventory ${info.inventoryPath}\n${faults}`;
}

/** Resolves on the first SIGINT/SIGTERM; dispose() removes the handlers. */
function signalWaiter(): { stopped: Promise<void>; dispose: () => void } {
  let stop = () => {};
  const stopped = new Promise<void>((resolveStop) => {
    stop = () => resolveStop();
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    stopped,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

async function runForeground(argv: string[], io: LabCommandIo, opts: LabCommandOptions): Promise<number> {
  const values = parse(argv, LAB_OPTIONS.run);
  if (values.help) return (io.out(LAB_USAGE), 0);
  const nodes = values.nodes === undefined ? 12 : integer('nodes', values.nodes, 1, 5000);
  const replicaCount = values.replicas === undefined ? 6 : integer('replicas', values.replicas, 0, 100);
  const spares = values.spares === undefined ? 0 : integer('spares', values.spares, 0, Math.max(0, replicaCount - 1));
  // Warm spares come on top of the cold ones, and one replica still serves.
  const warmSpares = values['warm-spares'] === undefined ? 0 : integer('warm-spares', values['warm-spares'], 0, Math.min(5, Math.max(0, replicaCount - 1 - spares)));
  const dir = values.dir ? resolve(values.dir) : await mkdtemp(join(tmpdir(), 'fleetops-lab-'));
  // A second lab in the same directory would replace the first one's key and inventory under it.
  const alreadyRunning = await labControlClient(dir).status().then(
    () => true,
    () => false,
  );
  if (alreadyRunning) throw new FleetError('BAD_REQUEST', `a lab is already running in ${dir}: stop it first (Ctrl+C in its terminal) or choose another --dir`);
  // Listen for signals before the (possibly long) start, so Ctrl+C during start still stops cleanly.
  const signals = opts.until ? null : signalWaiter();
  try {
    const lab = await startLab({ dir, nodes, spareNodes: values['spare-nodes'] === true });
    let services: LabServices | null = null;
    const control = await (async () => {
      // Inference replicas on the inference nodes, behind a real HAProxy when it is installed.
      if (replicaCount > 0) services = await startLabServices({ dir, inventoryPath: lab.inventoryPath, maxReplicas: replicaCount, fleet: lab, spares, warmSpares });
      return startLabControl(lab, services);
    })().catch(async (err: unknown) => {
      await services?.stop();
      await lab.stop();
      throw err;
    });
    const servicesInfo = (services as LabServices | null)?.info();
    const spareNodes = lab.spareNodes();
    const spareText = { warm: ' (warm spare: running, in maintenance)', cold: ' (cold spare: stopped, in maintenance)' };
    io.out(
      [
        `fleetops lab: ${nodes + spareNodes.length} simulated GPU nodes listening on 127.0.0.1`,
        ...(spareNodes.length ? [`  spare nodes: ${spareNodes.map((n) => `${n.node} (${n.mode}, ${n.cluster})`).join(', ')}`] : []),
        `  dir:       ${dir}`,
        `  inventory: ${lab.inventoryPath}`,
        `  data:      ${labPaths(dir).dataDir} (the lab's own store and audit log: fleetops run/serve/audit given this inventory use it)`,
        ...(servicesInfo
          ? [
              `  replicas:  ${servicesInfo.replicas.map((r) => `${r.name} ${r.url}${r.spareMode ? spareText[r.spareMode] : ''}`).join(', ')}`,
              ...(services as LabServices | null)!.notes.map((n) => `  note:      ${n}`),
              servicesInfo.loadBalancer.available ? `  HAProxy:   frontend ${servicesInfo.loadBalancer.frontendUrl}` : `  no load balancer: ${servicesInfo.loadBalancer.reason}`,
            ]
          : []),
        'Watch it with:',
        `  fleetops check --inventory ${lab.inventoryPath}`,
        'Break something from another terminal:',
        `  fleetops lab fault --dir ${dir} --node <name> --kind <${KINDS.replaceAll(', ', '|')}>`,
        'Press Ctrl+C to stop.',
      ].join('\n'),
    );
    await (opts.until ?? signals?.stopped);
    io.out('fleetops lab: stopping…');
    await control.close();
    await (services as LabServices | null)?.stop();
    await lab.stop();
    return 0;
  } finally {
    signals?.dispose();
  }
}

async function runClientCommand(sub: 'fault' | 'clear' | 'status', argv: string[], io: LabCommandIo): Promise<number> {
  if (sub === 'status') {
    const values = parse(argv, LAB_OPTIONS.status);
    if (values.help) return (io.out(LAB_USAGE), 0);
    const info = await labControlClient(resolve(required(values, 'dir'))).status();
    io.out(values.json ? JSON.stringify(info, null, 2) : describeInfo(info));
    return 0;
  }
  const values = parse(argv, LAB_OPTIONS[sub]);
  if (values.help) return (io.out(LAB_USAGE), 0);
  const client = labControlClient(resolve(required(values, 'dir')));
  const node = required(values, 'node');
  if (sub === 'fault') {
    const fault: LabFault = { node, kind: kindOf(required(values, 'kind')) };
    if (values.gpu !== undefined) fault.gpuIndex = integer('gpu', values.gpu, 0, 63);
    await client.inject(fault);
    io.out(`injected ${describeFault(fault)}`);
    return 0;
  }
  if (values.gpu !== undefined) throw new UsageError('--gpu does not apply to clear: clear removes every fault of the kind on the node');
  const kind = values.kind === undefined ? undefined : kindOf(values.kind);
  await client.clear(node, kind);
  io.out(`cleared ${kind ?? 'all faults'} on ${node}`);
  return 0;
}

/** Returns the exit status: 0 done, 1 the lab refused or is not running, 2 usage error. */
export async function runLabCommand(argv: string[], io: LabCommandIo, opts: LabCommandOptions = {}): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === 'fault' || first === 'clear' || first === 'status') return await runClientCommand(first, rest, io);
    if (first !== undefined && !first.startsWith('-')) throw new UsageError(`unknown lab command "${first}"`);
    return await runForeground(argv, io, opts);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`fleetops lab: ${err.message}\n${LAB_USAGE}`);
      return 2;
    }
    if (err instanceof FleetError) {
      io.err(`fleetops lab: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
