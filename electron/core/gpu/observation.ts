import type { GpuStatus, XidEvent } from '../../../shared/status';
import type { DriverError, LostGpu } from './driver-messages';

/** One GPU as one probe read it: every GpuStatus field except the verdict and the process count. */
export type GpuReading = Omit<GpuStatus, 'health' | 'reasons' | 'processes'>;

export interface ComputeProcess {
  gpuUuid: string;
  pid: number;
  name: string;
  usedMemoryMiB: number | null;
}

/**
 * Why this cycle's kernel log says nothing about XIDs. With any of these, "no XIDs" means
 * "unknown", and an operator must hear it: otherwise XID monitoring is lost silently.
 */
export type KernelLogProblem =
  /** Neither dmesg nor journalctl could be read (dmesg_restrict=1 without journal access). */
  | { kind: 'unreadable' }
  /** /proc/uptime could not be read, so XID lines cannot be aged (an unaged XID would count forever). */
  | { kind: 'no-uptime' }
  /** The kernel pipeline itself exited non-zero (grep or tail missing or killed). */
  | { kind: 'failed'; rc: number };

/** Everything one probe cycle learned about a node, before any judgement. */
export interface NodeObservation {
  driverVersion: string | null;
  gpus: GpuReading[];
  lostGpus: LostGpu[];
  /** nvidia-smi failed as a whole (rc 6 no devices, 9 driver not loaded, 127 not installed, …). */
  driverError: DriverError | null;
  processes: ComputeProcess[];
  /** XID lines of the kernel log, oldest first, aged against the node's uptime. */
  xids: XidEvent[];
  /** Null when the kernel log was read and aged; otherwise why `xids` is empty for want of data. */
  kernelLogProblem: KernelLogProblem | null;
}
