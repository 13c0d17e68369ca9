import { z } from 'zod';
import { FleetErrorData } from './errors';
import { Health } from './health';
import { LAB_FAULT_KINDS, LAB_JOB_FAULT_KINDS } from './lab-fault-kinds';

/** One GPU as the last probe saw it. `null` is "the driver said [N/A] / [Not Supported]". */
export const GpuStatus = z.object({
  index: z.number().int(),
  uuid: z.string(),
  name: z.string(),
  busId: z.string(),
  pstate: z.string().nullable(),
  temperatureC: z.number().nullable(),
  memoryTemperatureC: z.number().nullable(),
  utilizationPct: z.number().nullable(),
  memoryUtilizationPct: z.number().nullable(),
  memoryTotalMiB: z.number().nullable(),
  memoryUsedMiB: z.number().nullable(),
  powerW: z.number().nullable(),
  powerLimitW: z.number().nullable(),
  smClockMHz: z.number().nullable(),
  /** Names of the active clock event reasons (`sw_power_cap`, `hw_thermal_slowdown`, …). */
  clockEventReasons: z.array(z.string()),
  eccMode: z.string().nullable(),
  eccCorrectedVolatile: z.number().nullable(),
  eccUncorrectedVolatile: z.number().nullable(),
  eccUncorrectedAggregate: z.number().nullable(),
  retiredPagesPending: z.boolean().nullable(),
  remappedRowsPending: z.boolean().nullable(),
  remappedRowsFailure: z.boolean().nullable(),
  processes: z.number().int(),
  health: Health,
  reasons: z.array(z.string()),
});
export type GpuStatus = z.infer<typeof GpuStatus>;

/** One XID line from the kernel log, decoded. */
export const XidEvent = z.object({
  code: z.number().int(),
  busId: z.string(),
  /** Seconds since boot when the kernel logged it. */
  uptimeSeconds: z.number(),
  /** Seconds between the line and the probe. */
  ageSeconds: z.number(),
  text: z.string(),
  meaning: z.string(),
  action: z.string(),
  severity: z.enum(['degraded', 'unhealthy']),
});
export type XidEvent = z.infer<typeof XidEvent>;

export const NodeStatus = z.object({
  name: z.string(),
  region: z.string(),
  cluster: z.string(),
  host: z.string(),
  port: z.number().int(),
  expectedGpus: z.number().int(),
  /** Smoothed verdict (rise/fall). */
  health: Health,
  reasons: z.array(z.string()),
  /** Epoch ms when `health` took its current value. */
  since: z.number().nullable(),
  /** Verdict of the last probe alone. */
  lastVerdict: Health,
  lastProbeAt: z.number().nullable(),
  lastProbeLatencyMs: z.number().nullable(),
  lastError: FleetErrorData.nullable(),
  driverVersion: z.string().nullable(),
  gpus: z.array(GpuStatus),
  xids: z.array(XidEvent),
});
export type NodeStatus = z.infer<typeof NodeStatus>;

/**
 * What the fleet-wide views show of a GPU: its square on a node's tile (colour and tooltip) and
 * the summary's counts. The rest of it (identity, memory, power, clocks, ECC…) is the node's
 * detail, read with `node.get` when the node is opened.
 */
export const GpuFace = GpuStatus.pick({ index: true, health: true, reasons: true, temperatureC: true, utilizationPct: true });
export type GpuFace = z.infer<typeof GpuFace>;

/**
 * A node as `fleet.snapshot` carries it: its status with each GPU's face only. Eight GPUs of 26
 * fields were four fifths of the snapshot (5.0 MB at 1,000 nodes; 1.0 MB with faces), and the
 * page reads a WebSocket's bytes on its main thread, between everything else it does as it
 * loads, then parses and checks them: parse and check went from ~60 to ~20 ms (bench:ui).
 */
export const NodeSummary = NodeStatus.extend({ gpus: z.array(GpuFace) });
export type NodeSummary = z.infer<typeof NodeSummary>;


export const Severity = z.enum(['info', 'warning', 'error']);

/** A row of the event store. */
export const FleetEvent = z.object({
  id: z.number().int(),
  ts: z.number(),
  kind: z.string(),
  subject: z.string().nullable(),
  severity: Severity,
  message: z.string(),
  data: z.unknown().optional(),
});
export type FleetEvent = z.infer<typeof FleetEvent>;

/** A host whose key is not in known_hosts yet: shown to the operator, trusted only on their word. */
export const HostKeyPrompt = z.object({
  node: z.string(),
  host: z.string(),
  port: z.number().int(),
  keyType: z.string(),
  fingerprint: z.string(),
  knownHostsFile: z.string(),
});
export type HostKeyPrompt = z.infer<typeof HostKeyPrompt>;

export const LabFaultKind = z.enum(LAB_FAULT_KINDS);
export type LabFaultKind = z.infer<typeof LabFaultKind>;

export const LabFault = z.object({ node: z.string(), kind: LabFaultKind, gpuIndex: z.number().int().min(0).optional() });
export type LabFault = z.infer<typeof LabFault>;

/** Faults of a lab training job's checkpoint writer (electron/core/checkpoints/lab-writer.ts). */
export const LabJobFaultKind = z.enum(LAB_JOB_FAULT_KINDS);
export type LabJobFaultKind = z.infer<typeof LabJobFaultKind>;

/** One lab training cluster's real Slurm (slurmrestd on loopback). */
export const LabScheduler = z.object({ cluster: z.string(), url: z.string(), controlVia: z.string(), nodes: z.array(z.string()) });
export type LabScheduler = z.infer<typeof LabScheduler>;

/** A lab training job: a Slurm job (`sbatch` of a long sleep) and the checkpoint writer that stands for it. */
export const LabTrainingJob = z.object({
  name: z.string(),
  cluster: z.string(),
  directory: z.string(),
  /** The inventory's policy, in seconds; the writer saves a few times per policy interval. */
  everySeconds: z.number(),
  writerIntervalSeconds: z.number(),
  faults: z.array(LabJobFaultKind),
  lastComplete: z.string().nullable(),
  saves: z.number().int(),
  failures: z.number().int(),
  lastError: z.string().nullable(),
});
export type LabTrainingJob = z.infer<typeof LabTrainingJob>;

/** The lab's training side: its schedulers, or why it has none (Slurm not installed, not root, disabled). */
export const LabTraining = z.object({
  schedulers: z.array(LabScheduler),
  reason: z.string().nullable(),
  jobs: z.array(LabTrainingJob),
});
export type LabTraining = z.infer<typeof LabTraining>;

export const LabInfo = z.object({
  dir: z.string(),
  inventoryPath: z.string(),
  nodes: z.number().int(),
  faults: z.array(LabFault),
  /** Absent from labs of older builds. */
  training: LabTraining.optional(),
});
export type LabInfo = z.infer<typeof LabInfo>;
