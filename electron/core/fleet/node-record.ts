/**
 * What the monitor knows of one node: its inventory entry, smoothed state, and the NodeStatus
 * the console shows. Building the status from a probe result lives here so the monitor stays
 * about scheduling and events.
 */
import type { ResolvedNode } from '../../../shared/inventory';
import type { NodeStatus } from '../../../shared/status';
import { createGpuFieldDialect, type GpuFieldDialect } from '../gpu/gpu-probe';
import { displayedReasons, initialState, type SmoothedState } from '../health/state-machine';
import type { NodeProbeResult } from './probe-node';

export interface NodeRecord {
  node: ResolvedNode;
  state: SmoothedState;
  dialect: GpuFieldDialect;
  status: NodeStatus;
  /** XIDs already announced as events, by "busId/code/uptime". */
  seenXids: Set<string>;
}

export function newRecord(node: ResolvedNode): NodeRecord {
  const state = initialState();
  return {
    node,
    state,
    dialect: createGpuFieldDialect(),
    seenXids: new Set(),
    status: {
      name: node.name,
      region: node.region,
      cluster: node.cluster,
      host: node.host,
      port: node.port,
      expectedGpus: node.gpus.count,
      health: state.health,
      reasons: displayedReasons(state),
      since: null,
      lastVerdict: 'unknown',
      lastProbeAt: null,
      lastProbeLatencyMs: null,
      lastError: null,
      driverVersion: null,
      gpus: [],
      xids: [],
    },
  };
}

/** A fresh status object (new identity, so the renderer can memoize by reference). */
export function statusAfterProbe(record: NodeRecord, result: NodeProbeResult): NodeStatus {
  const prev = record.status;
  // On a failed probe keep the last GPUs seen, so the operator still sees what was there;
  // lastError and lastProbeAt say how stale they are.
  const keepGpus = result.error !== null && result.gpus.length === 0;
  return {
    ...prev,
    health: record.state.health,
    reasons: displayedReasons(record.state),
    since: record.state.since,
    lastVerdict: result.health,
    lastProbeAt: result.at,
    lastProbeLatencyMs: Math.round(result.latencyMs * 10) / 10,
    lastError: result.error,
    driverVersion: result.driverVersion ?? prev.driverVersion,
    gpus: keepGpus ? prev.gpus : result.gpus,
    xids: result.error ? prev.xids : result.xids,
  };
}

/** Node moved in the inventory (new host, thresholds…): keep its history, refresh its identity. */
export function withInventoryNode(record: NodeRecord, node: ResolvedNode): NodeRecord {
  return {
    ...record,
    node,
    status: { ...record.status, region: node.region, cluster: node.cluster, host: node.host, port: node.port, expectedGpus: node.gpus.count },
  };
}

/**
 * A cold spare node (inventory `spare: { mode: cold }`) is often powered down: not answering SSH is
 * what it should be doing, not a problem (issue 13). Its verdict is then `unknown` — in no
 * unreachable total, opening no incident — with the reason; anything its probe does say (a GPU
 * fault on a powered spare) stands.
 */
export function spareVerdict(node: ResolvedNode, verdict: { health: NodeStatus['health']; reasons: string[] }): { health: NodeStatus['health']; reasons: string[]; spare: boolean } {
  if (node.spare?.mode !== 'cold' || verdict.health !== 'unreachable') return { ...verdict, spare: false };
  return { health: 'unknown', reasons: [`spare (cold): not answering, as a powered-down spare does${verdict.reasons.length ? ` (${verdict.reasons[0]})` : ''}`], spare: true };
}
