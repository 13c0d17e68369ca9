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
  /** False when the kernel log could not be read or aged: "no XIDs" then means "unknown". */
  kernelLogAvailable: boolean;
}
