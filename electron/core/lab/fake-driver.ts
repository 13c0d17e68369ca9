/**
 * `nvidia-smi --query-gpu=… / --query-compute-apps=… --format=csv[,noheader][,nounits] [-i ID]`
 * for one lab node, answered from the captured H100 data so every byte matches the real driver
 * (580.159.04): `, `-joined values, the driver's headers, its error texts and exit codes.
 */
import type { CapturedData } from './captured-data';
import { loadCapturedData } from './captured-data';
import type { GpuProfile, GpuProcess } from './gpu-profile';
import type { FieldValue, GpuReading } from './gpu-reading';
import { driverTimestamp, profileField, readGpu } from './gpu-reading';
import type { NodeFaults } from './node-faults';
import type { CommandResult } from './shell-result';

/** NVML_ERROR_GPU_IS_LOST: nvidia-smi's exit status when a GPU it enumerates stopped answering. */
export const EXIT_GPU_IS_LOST = 15;
/** NVML_ERROR_INVALID_ARGUMENT: an unknown field. */
export const EXIT_INVALID_ARGUMENT = 2;
/** NVML_ERROR_NOT_FOUND: `-i` named no device. */
export const EXIT_NOT_FOUND = 6;

export interface DriverView {
  /** The GPUs on the board, in PCI order. */
  gpus: readonly GpuProfile[];
  faults: NodeFaults;
  nowMs: number;
}

interface SmiRequest {
  query: 'gpu' | 'apps';
  fields: string[];
  header: boolean;
  units: boolean;
  ids: string[] | null;
}

/** `--query-compute-apps` headers that carry a unit; the others print the field name. */
const APP_HEADERS: Record<string, string> = { used_gpu_memory: 'used_gpu_memory [MiB]' };

export function gpuLostMessage(busId: string): string {
  // The handle error names the bus id with a 4-digit domain: 00000000:3B:00.0 → GPU0000:3B:00.0.
  return `Unable to determine the device handle for GPU${busId.slice(4)}: GPU is lost.  Reboot the system to recover this GPU`;
}

function parseArgs(args: readonly string[]): SmiRequest | null {
  const req: Partial<SmiRequest> & { ids: string[] | null } = { ids: null };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    const [opt, val] = eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    if ((opt === '--query-gpu' || opt === '--query-compute-apps') && val !== undefined && req.query === undefined) {
      req.query = opt === '--query-gpu' ? 'gpu' : 'apps';
      req.fields = val.split(',');
    } else if (opt === '--format' && val !== undefined && req.header === undefined) {
      const parts = val.split(',');
      if (parts[0] !== 'csv' || parts.slice(1).some((p) => p !== 'noheader' && p !== 'nounits')) return null;
      req.header = !parts.includes('noheader');
      req.units = !parts.includes('nounits');
    } else if ((opt === '-i' && val === undefined && i + 1 < args.length) || (opt === '--id' && val !== undefined)) {
      req.ids = (val ?? args[++i]).split(',');
    } else {
      return null;
    }
  }
  if (req.query === undefined || req.header === undefined) return null;
  return req as SmiRequest;
}

interface Enumerated {
  profile: GpuProfile;
  reading: GpuReading;
  lost: boolean;
}

/** The GPUs the driver enumerates: a `gpu-missing` GPU is absent and the others shift down. */
function enumerate(view: DriverView, data: CapturedData): Enumerated[] {
  const present = view.gpus
    .map((profile, physicalIndex) => ({ profile, physicalIndex }))
    .filter((g) => !view.faults.onGpu(g.physicalIndex, 'gpu-missing'));
  return present.map((g, enumeratedIndex) => ({
    profile: g.profile,
    lost: view.faults.onGpu(g.physicalIndex, 'gpu-lost') !== undefined,
    reading: readGpu({ ...g, enumeratedIndex, enumeratedCount: present.length, faults: view.faults, nowMs: view.nowMs }, data),
  }));
}

function select(gpus: Enumerated[], ids: string[] | null): Enumerated[] | null {
  if (ids === null) return gpus;
  const chosen: Enumerated[] = [];
  for (const id of ids) {
    const found = gpus.find((g) => {
      const f = (name: string) => g.reading.field(name)?.nounits;
      return f('index') === id || f('uuid') === id || f('pci.bus_id') === id;
    });
    if (!found) return null;
    chosen.push(found);
  }
  return chosen;
}

function unsupported(args: readonly string[]): CommandResult {
  return {
    stdout: '',
    stderr: `fleetops lab: "nvidia-smi ${args.join(' ')}" is not simulated (only --query-gpu / --query-compute-apps with --format=csv[,noheader][,nounits] and -i)\n`,
    code: EXIT_INVALID_ARGUMENT,
  };
}

export function runNvidiaSmi(args: readonly string[], view: DriverView, data: CapturedData = loadCapturedData()): CommandResult {
  const req = parseArgs(args);
  if (!req) return unsupported(args);
  const names = req.query === 'gpu' ? data.gpuFieldNames : data.computeAppFieldNames;
  const canonical: string[] = [];
  for (const f of req.fields) {
    const c = names.get(f);
    if (c === undefined) return { stdout: `Field "${f}" is not a valid field to query.\n\n`, stderr: '', code: EXIT_INVALID_ARGUMENT };
    canonical.push(c);
  }
  const gpus = select(enumerate(view, data), req.ids);
  if (!gpus) return { stdout: 'No devices were found\n', stderr: '', code: EXIT_NOT_FOUND };

  const pick = (v: FieldValue) => (req.units ? v.csv : v.nounits);
  const rowKey = `${req.units ? 'csv' : 'nounits'} ${canonical.join(',')}`;
  const lines: string[] = [];
  let code = 0;
  if (req.header) {
    const reference = data.idle;
    lines.push(canonical.map((c) => (req.query === 'gpu' ? (reference.get(c)?.header ?? c) : (APP_HEADERS[c] ?? c))).join(', '));
  }
  for (const g of gpus) {
    if (g.lost) {
      lines.push(gpuLostMessage(g.reading.field('pci.bus_id')?.nounits ?? ''));
      code = EXIT_GPU_IS_LOST;
      continue;
    }
    if (req.query === 'gpu') {
      const row = profileRow(data, g.profile, canonical, req.units, rowKey);
      lines.push(canonical.map((c, i) => (g.reading.instant(c) === undefined ? row[i] : pick(g.reading.field(c) as FieldValue))).join(', '));
    } else {
      for (const p of g.profile.processes) lines.push(canonical.map((c) => pick(appValue(c, p, g.reading, view.nowMs))).join(', '));
    }
  }
  return { stdout: lines.map((l) => `${l}\n`).join(''), stderr: '', code };
}

/**
 * Each GPU's values for one request as its profile and the captured data set them: neither
 * changes while the lab runs, and at 1,000 nodes the lab answers some 330 probes a second in the
 * console's own process. What the instant sets (GpuReading.instant) is read each time.
 */
const profileRows = new WeakMap<CapturedData, WeakMap<GpuProfile, Map<string, readonly string[]>>>();
/** Requests kept per GPU: the console asks a handful; past that the cache starts again rather than grow. */
export const MAX_ROWS_PER_GPU = 8;

function profileRow(data: CapturedData, profile: GpuProfile, canonical: readonly string[], units: boolean, key: string): readonly string[] {
  let byProfile = profileRows.get(data);
  if (!byProfile) profileRows.set(data, (byProfile = new WeakMap()));
  let rows = byProfile.get(profile);
  if (!rows) byProfile.set(profile, (rows = new Map()));
  let row = rows.get(key);
  if (!row) {
    if (rows.size >= MAX_ROWS_PER_GPU) rows.clear();
    row = canonical.map((c) => {
      const v = profileField(profile, data, c) as FieldValue;
      return units ? v.csv : v.nounits;
    });
    rows.set(key, row);
  }
  return row;
}

/** How many request rows the lab keeps for one GPU now (what MAX_ROWS_PER_GPU bounds; for tests). */
export function profileRowsKept(profile: GpuProfile, data: CapturedData = loadCapturedData()): number {
  return profileRows.get(data)?.get(profile)?.size ?? 0;
}

function appValue(field: string, p: GpuProcess, gpu: GpuReading, nowMs: number): FieldValue {
  const same = (v: string): FieldValue => ({ csv: v, nounits: v });
  switch (field) {
    case 'timestamp':
      return same(driverTimestamp(nowMs));
    case 'gpu_name':
      return gpu.field('name') as FieldValue;
    case 'gpu_bus_id':
      return gpu.field('pci.bus_id') as FieldValue;
    case 'gpu_serial':
      return gpu.field('serial') as FieldValue;
    case 'gpu_uuid':
      return gpu.field('uuid') as FieldValue;
    case 'pid':
      return same(String(p.pid));
    case 'process_name':
      return same(p.name);
    case 'used_gpu_memory':
      return { csv: `${p.usedMiB} MiB`, nounits: String(p.usedMiB) };
    default:
      throw new Error(`compute-apps field without a value: ${field}`);
  }
}
