/**
 * The verdict of one probe of one node: each GPU judged on its own readings and recent XIDs,
 * the node on its GPU count, driver and kernel log, and the node's health the worst of all of
 * them. Every reason names the GPU (index and bus id) and says what to do. Smoothing over time
 * (rise/fall) is the state machine's job, not this one's.
 */
import { type Health, worstHealth } from '../../../shared/health';
import type { Thresholds } from '../../../shared/inventory';
import type { GpuStatus, XidEvent } from '../../../shared/status';
import { busKey } from '../gpu/bus-id';
import type { GpuReading, NodeObservation } from '../gpu/observation';
import { type Finding, byGravity } from './reason-rules';
import { GPU_RULES } from './gpu-rules';
import { driverError, kernelLogUnwatched, lostGpus, missingGpus } from './node-rules';
import { MAX_REPORTED_XIDS, type XidFinding, recentXids, xidFindings } from './xid-rules';

export interface NodeJudgement {
  health: Health;
  /** Node-level and per-GPU reasons, unhealthy ones first. */
  reasons: string[];
  gpus: GpuStatus[];
  /** XIDs inside the window, newest first (at most MAX_REPORTED_XIDS). */
  xids: XidEvent[];
}

export interface NodeJudgementInput {
  expectedGpus: number;
  thresholds: Thresholds;
}

function judgeGpu(reading: GpuReading, t: Thresholds, xids: readonly XidFinding[]): Finding[] {
  const findings = GPU_RULES.map((rule) => rule(reading, t)).filter((f): f is Finding => f !== null);
  return [...findings, ...xids].sort(byGravity);
}

export function judgeNode(obs: NodeObservation, node: NodeJudgementInput): NodeJudgement {
  const t = node.thresholds;
  const recent = recentXids(obs.xids, t);
  const unclaimedXids = xidFindings(recent, t);

  const perGpu = obs.gpus.map((reading) => {
    const bus = busKey(reading.busId);
    const mine = unclaimedXids.filter((f) => f.bus === bus);
    for (const f of mine) unclaimedXids.splice(unclaimedXids.indexOf(f), 1);
    return { reading, findings: judgeGpu(reading, t, mine) };
  });

  const nodeFindings: Finding[] = [
    driverError(obs, node.expectedGpus),
    missingGpus(obs, node.expectedGpus),
    ...lostGpus(obs),
    kernelLogUnwatched(obs, node.expectedGpus),
    // XIDs naming no visible GPU (typically one that fell off the bus) belong to the node.
    ...unclaimedXids,
  ].filter((f): f is Finding => f !== null);

  const gpus: GpuStatus[] = perGpu.map(({ reading, findings }) => ({
    ...reading,
    processes: obs.processes.filter((p) => p.gpuUuid === reading.uuid).length,
    health: worstHealth(findings.map((f) => f.health)),
    reasons: findings.map((f) => f.reason),
  }));

  // Array.prototype.sort is stable: node findings stay ahead of GPU ones of the same gravity.
  const all = [...nodeFindings, ...perGpu.flatMap((g) => g.findings)].sort(byGravity);
  return {
    health: worstHealth(all.map((f) => f.health)),
    reasons: all.map((f) => f.reason),
    gpus,
    xids: recent.slice(0, MAX_REPORTED_XIDS),
  };
}
