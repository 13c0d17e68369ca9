/**
 * What the lab leaves in its directory for the console (and any ssh client) to use: the client
 * key, a known_hosts pinning every node's host key, and the inventory describing the fleet;
 * the marker saying the directory is a lab, and the lab's own data directory (store, audit
 * log, run journal), so nothing done to a lab lands in the operator's real one.
 * The directory is 0700 and the key 0600, as OpenSSH itself insists for private keys.
 */
import { readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { FleetError } from '../../../shared/errors';
import { InventoryFile } from '../../../shared/inventory';
import type { LabNodePlacement } from './lab-topology';

export const LAB_USER = 'ops';
export const LAB_HOST = '127.0.0.1';
export const LAB_GPU_MODEL = 'NVIDIA H100 80GB HBM3';

export interface LabNodeEndpoint extends LabNodePlacement {
  port: number;
  /** `ssh-ed25519 AAAA…` */
  hostPublicKey: string;
  gpuCount: number;
}

export interface LabPaths {
  identityFile: string;
  knownHostsFile: string;
  inventoryPath: string;
  controlFile: string;
  /** DIR/fleetops-lab.json: says "this directory is a fleetops lab" for as long as the directory exists. */
  markerFile: string;
  /** DIR/data: the lab's data directory (store, audit log, run journal), used instead of the operator's. */
  dataDir: string;
}

/** The marker's name; written at every lab start, never removed (lab.json goes when the lab stops). */
export const LAB_MARKER_FILE = 'fleetops-lab.json';
const LAB_INVENTORY_FILE = 'fleet.yaml';
const LAB_DATA_DIR = 'data';

/** DIR/fleetops-lab.json. The layout (fleet.yaml, data/) is fixed: the marker names no paths to follow. */
export const LabMarker = z.object({ fleetops: z.literal('lab'), version: z.literal(1) });
export type LabMarker = z.infer<typeof LabMarker>;

export function labMarkerText(): string {
  return `${JSON.stringify({ fleetops: 'lab', version: 1 } satisfies LabMarker)}\n`;
}

/** True when `dir` holds a valid lab marker. Never guesses from the path or the inventory's contents. */
export function isLabDir(dir: string): boolean {
  let text: string;
  try {
    text = readFileSync(join(dir, LAB_MARKER_FILE), 'utf8');
  } catch {
    return false;
  }
  try {
    return LabMarker.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

/**
 * The lab directory whose own inventory `inventoryPath` is (DIR/fleet.yaml beside a lab
 * marker), or null: any other file, even one copied from a lab, is not the lab's.
 */
export function labDirOfInventory(inventoryPath: string): string | null {
  const file = resolve(inventoryPath);
  if (basename(file) !== LAB_INVENTORY_FILE) return null;
  const dir = dirname(file);
  return isLabDir(dir) ? dir : null;
}

/** DIR/lab.json: where a running lab's control server listens, and its token. */
export const LabControlFile = z.object({ url: z.string().url(), token: z.string().min(1), pid: z.number().int() });
export type LabControlFile = z.infer<typeof LabControlFile>;

export function labPaths(dir: string): LabPaths {
  return {
    identityFile: join(dir, 'id_ed25519'),
    knownHostsFile: join(dir, 'known_hosts'),
    inventoryPath: join(dir, LAB_INVENTORY_FILE),
    controlFile: join(dir, 'lab.json'),
    markerFile: join(dir, LAB_MARKER_FILE),
    dataDir: join(dir, LAB_DATA_DIR),
  };
}

/**
 * Creates the lab directory, or reuses one that is empty or holds a previous lab. Any other
 * directory is refused: the lab tightens its permissions and overwrites files in it.
 */
export async function prepareLabDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const entries = await readdir(dir);
  if (entries.length > 0 && !entries.includes(LAB_INVENTORY_FILE) && !entries.includes(LAB_MARKER_FILE)) {
    throw new FleetError('BAD_REQUEST', `${dir} is not empty and holds no previous lab (no fleet.yaml): give the lab an empty or new directory`, {
      subject: dir,
    });
  }
  await chmod(dir, 0o700);
}

export { writeFileAtomic } from '../util/atomic-file';

export function knownHostsText(nodes: readonly LabNodeEndpoint[]): string {
  return nodes.map((n) => `[${LAB_HOST}]:${n.port} ${n.hostPublicKey}\n`).join('');
}

export interface LabProbeSettings {
  intervalSeconds: number;
  timeoutSeconds: number;
}

export function labInventory(paths: LabPaths, nodes: readonly LabNodeEndpoint[], probe: LabProbeSettings): InventoryFile {
  const regions = new Map<string, Map<string, { role: LabNodeEndpoint['role']; protected: boolean; nodes: LabNodeEndpoint[] }>>();
  for (const n of nodes) {
    const clusters = regions.get(n.region) ?? new Map();
    regions.set(n.region, clusters);
    const cluster = clusters.get(n.cluster) ?? { role: n.role, protected: n.protected, nodes: [] };
    clusters.set(n.cluster, cluster);
    cluster.nodes.push(n);
  }
  const inventory: InventoryFile = {
    version: 1,
    defaults: {
      user: LAB_USER,
      identityFile: paths.identityFile,
      knownHostsFile: paths.knownHostsFile,
      agent: false,
      probe: { intervalSeconds: probe.intervalSeconds, timeoutSeconds: probe.timeoutSeconds, fall: 2, rise: 2 },
    },
    regions: [...regions].map(([name, clusters]) => ({
      name,
      clusters: [...clusters].map(([clusterName, c]) => ({
        name: clusterName,
        role: c.role,
        ...(c.protected ? { protected: true } : {}),
        // A spare node says so here; under Slurm the training side leaves the warm one to Slurm's spare partition.
        nodes: c.nodes.map((n) => ({ name: n.name, host: LAB_HOST, port: n.port, gpus: { count: n.gpuCount, model: LAB_GPU_MODEL }, ...(n.spare ? { spare: { mode: n.spare } } : {}) })),
      })),
    })),
  };
  // The lab must never hand the console an inventory the console would reject.
  return InventoryFile.parse(inventory);
}

export function inventoryYaml(inventory: InventoryFile): string {
  return `# fleetops lab fleet: simulated GPU nodes on loopback, regenerated at every lab start.\n${stringify(inventory)}`;
}
