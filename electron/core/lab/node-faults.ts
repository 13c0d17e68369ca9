/**
 * The fault state of one lab node: a small model the fake host and the SSH server read on every
 * request, so what a node prints always follows from the faults it carries right now.
 */
import { FleetError } from '../../../shared/errors';
import type { LabFaultKind } from '../../../shared/status';

/** Faults of the whole node (its SSH service); every other kind targets one GPU. */
const NODE_LEVEL: ReadonlySet<LabFaultKind> = new Set<LabFaultKind>(['node-unreachable', 'slow-ssh']);

export function isNodeLevelFault(kind: LabFaultKind): boolean {
  return NODE_LEVEL.has(kind);
}

export interface ActiveFault {
  kind: LabFaultKind;
  /** Set for GPU faults only. */
  gpuIndex?: number;
  /** Epoch ms when injected: thermal slowdown counters grow from it. */
  injectedAtMs: number;
  /** The node's uptime (µs) when injected: an XID line is stamped with it. */
  uptimeMicros: number;
}

export class NodeFaults {
  private faults: ActiveFault[] = [];

  constructor(
    readonly node: string,
    readonly gpuCount: number,
  ) {}

  /**
   * Adds a fault; GPU faults default to GPU 0. Injecting a fault the node already has changes
   * nothing (returns false), so a repeated command keeps the first injection time.
   */
  inject(kind: LabFaultKind, gpuIndex: number | undefined, at: { nowMs: number; uptimeMicros: number }): boolean {
    let gpu: number | undefined;
    if (isNodeLevelFault(kind)) {
      if (gpuIndex !== undefined) {
        throw new FleetError('BAD_REQUEST', `fault ${kind} applies to the whole node ${this.node}, not to a GPU: drop the GPU index`, {
          subject: this.node,
        });
      }
    } else {
      gpu = gpuIndex ?? 0;
      if (!Number.isInteger(gpu) || gpu < 0 || gpu >= this.gpuCount) {
        throw new FleetError('NOT_FOUND', `node ${this.node} has no GPU ${gpu} (it has GPUs 0-${this.gpuCount - 1})`, {
          subject: this.node,
        });
      }
    }
    if (this.faults.some((f) => f.kind === kind && f.gpuIndex === gpu)) return false;
    const fault: ActiveFault = { kind, injectedAtMs: at.nowMs, uptimeMicros: at.uptimeMicros };
    if (gpu !== undefined) fault.gpuIndex = gpu;
    this.faults.push(fault);
    return true;
  }

  /** Removes every fault of `kind` (all faults when omitted). Returns whether anything changed. */
  clear(kind?: LabFaultKind): boolean {
    const before = this.faults.length;
    this.faults = kind === undefined ? [] : this.faults.filter((f) => f.kind !== kind);
    return this.faults.length !== before;
  }

  list(): readonly ActiveFault[] {
    return this.faults;
  }

  has(kind: LabFaultKind): boolean {
    return this.faults.some((f) => f.kind === kind);
  }

  /** The fault of `kind` on GPU `gpuIndex`, if any. */
  onGpu(gpuIndex: number, kind: LabFaultKind): ActiveFault | undefined {
    return this.faults.find((f) => f.kind === kind && f.gpuIndex === gpuIndex);
  }
}
