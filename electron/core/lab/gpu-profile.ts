/**
 * What one lab GPU "is": which captured state it starts from (idle or busy), the values in which
 * it differs from that capture (identity and telemetry), and the processes it runs.
 *
 * Variation is derived from a hash of node name + GPU index, never from a random source, so a
 * lab restarted with the same node names shows the same hardware with the same readings.
 */
import { createHash } from 'node:crypto';

export type GpuActivity = 'idle' | 'busy';
export type ClusterRole = 'inference' | 'training';

export interface GpuProcess {
  pid: number;
  name: string;
  usedMiB: number;
}

export interface GpuProfile {
  activity: GpuActivity;
  /**
   * Field → value as the driver prints it with `nounits`; replaces the captured value. The
   * `csv` form gets the unit from the field's header (`power.draw [W]` → `698.12 W`).
   */
  overrides: Readonly<Record<string, string>>;
  processes: readonly GpuProcess[];
}

/** The capture's own process on the busy GPU (busy-compute-apps.csv): pid 457, python3, 1094 MiB. */
const CAPTURED_BUSY_PROCESS: GpuProcess = { pid: 457, name: 'python3', usedMiB: 1094 };

/** The captured GPU as it was: no override at all, so the driver prints the capture verbatim. */
export function referenceGpu(activity: GpuActivity): GpuProfile {
  return { activity, overrides: {}, processes: activity === 'busy' ? [CAPTURED_BUSY_PROCESS] : [] };
}

/** PCI buses of the 8 GPUs of an HGX/DGX H100 board, in enumeration order. */
const HGX_H100_BUSES = [0x1b, 0x43, 0x52, 0x61, 0x9d, 0xc3, 0xd1, 0xdf];

/** The driver's slowdown threshold on the captured board: `temperature.gpu + temperature.gpu.tlimit` = 87. */
export const SLOWDOWN_TEMPERATURE_C = 87;

const MEMORY_TOTAL_MIB = 81559;
const MEMORY_RESERVED_MIB = 480;

/**
 * A deterministic number in [0, 1) for (node, gpu, what): FNV-1a then murmur3's finalizer.
 * Cheap on purpose: a 1,000-node lab draws some 200,000 of these at start.
 */
function unit(node: string, gpu: number, what: string): number {
  const key = `${node}/${gpu}/${what}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 0x1_0000_0000;
}

function between(r: number, lo: number, hi: number): number {
  return lo + Math.floor(r * (hi - lo + 1));
}

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');

/** `00000000:1B:00.0` style bus id; GPUs past the 8th go to the next PCI domain. */
export function labBusId(gpuIndex: number): { busId: string; domain: number; bus: number } {
  const domain = Math.floor(gpuIndex / HGX_H100_BUSES.length);
  const bus = HGX_H100_BUSES[gpuIndex % HGX_H100_BUSES.length];
  return { busId: `${hex(domain, 8)}:${hex(bus, 2)}:00.0`, domain, bus };
}

function labUuid(node: string, gpu: number): string {
  const h = createHash('sha256').update(`uuid:${node}/${gpu}`).digest('hex');
  return `GPU-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function labSerial(node: string, gpu: number): string {
  // 13 digits like the captured board's (1752624018095).
  return `16522${String(between(unit(node, gpu, 'serial'), 0, 99_999_999)).padStart(8, '0')}`;
}

/**
 * How many of a node's GPUs are busy. Inference nodes serve replicas of tensor-parallel 2, so
 * their busy GPUs come in pairs; a training node runs one job on all GPUs, or sits between jobs.
 */
export function busyGpuCount(node: string, role: ClusterRole, gpuCount: number): number {
  const r = unit(node, -1, 'workload');
  if (role === 'training') return r < 1 / 6 ? 0 : gpuCount;
  return Math.min(gpuCount, 2 * between(r, 0, 4));
}

function identityOverrides(node: string, gpu: number): Record<string, string> {
  const { busId, domain, bus } = labBusId(gpu);
  return {
    index: String(gpu),
    uuid: labUuid(node, gpu),
    serial: labSerial(node, gpu),
    'pci.bus_id': busId,
    'pci.domain': `0x${hex(domain, 4)}`,
    'pci.bus': `0x${hex(bus, 2)}`,
    'pci.device': '0x00',
    'platform.module_id': String((gpu % 8) + 1),
  };
}

function telemetryOverrides(node: string, gpu: number, activity: GpuActivity, role: ClusterRole): Record<string, string> {
  const r = (what: string) => unit(node, gpu, what);
  const temp = activity === 'busy' ? between(r('temp'), 55, 69) : between(r('temp'), 31, 39);
  const memTemp = activity === 'busy' ? temp - between(r('memtemp'), 5, 9) : temp + between(r('memtemp'), 2, 5);
  // Busy GPUs run against the 700 W cap (hence the captured sw_power_cap reason); idle ones near 70 W.
  const power = activity === 'busy' ? 680 + r('power') * 20 : 66 + r('power') * 14;
  const used = activity === 'idle' ? 0 : role === 'inference' ? between(r('mem'), 71_000, 76_000) : between(r('mem'), 52_000, 79_000);
  const sm = activity === 'busy' ? 1305 + 15 * between(r('sm'), 0, 30) : 345;
  return {
    'temperature.gpu': String(temp),
    'temperature.gpu.tlimit': String(SLOWDOWN_TEMPERATURE_C - temp),
    'temperature.memory': String(memTemp),
    'utilization.gpu': activity === 'busy' ? String(between(r('util'), 88, 100)) : '0',
    'utilization.memory': activity === 'busy' ? String(between(r('memutil'), 22, 45)) : '0',
    'power.draw': power.toFixed(2),
    'power.draw.average': (power - r('avg') * 2).toFixed(2),
    'power.draw.instant': (power + r('inst') * (activity === 'busy' ? 50 : 1)).toFixed(2),
    'memory.used': String(used),
    'memory.free': String(MEMORY_TOTAL_MIB - MEMORY_RESERVED_MIB - used),
    'clocks.current.graphics': String(sm),
    'clocks.current.sm': String(sm),
  };
}

/** The GPUs of one lab node: unique identities, readings that vary plausibly per GPU. `idle`: none busy (a spare node). */
export function labNodeGpus(node: string, role: ClusterRole, gpuCount: number, opts: { idle?: boolean } = {}): GpuProfile[] {
  const busy = opts.idle ? 0 : busyGpuCount(node, role, gpuCount);
  const basePid = between(unit(node, -1, 'pid'), 2_000, 60_000);
  return Array.from({ length: gpuCount }, (_, gpu) => {
    const activity: GpuActivity = gpu < busy ? 'busy' : 'idle';
    const overrides = { ...identityOverrides(node, gpu), ...telemetryOverrides(node, gpu, activity, role) };
    // The process holds all but the context's own few MiB (captured: 1103 used, 1094 by the process).
    const processes = activity === 'busy' ? [{ pid: basePid + gpu, name: 'python3', usedMiB: Number(overrides['memory.used']) - 9 }] : [];
    return { activity, overrides, processes };
  });
}
