import type { FleetSnapshot } from '../../../shared/contract';
import type { FleetEvent, GpuStatus, NodeStatus } from '../../../shared/status';

/** Contract-valid statuses for renderer tests; override only what a test is about. */
export function gpu(index: number, over: Partial<GpuStatus> = {}): GpuStatus {
  return {
    index,
    uuid: `GPU-${index}`,
    name: 'NVIDIA H100 80GB HBM3',
    busId: `00000000:${(0x18 + index).toString(16).toUpperCase()}:00.0`,
    pstate: 'P0',
    temperatureC: 40,
    memoryTemperatureC: 45,
    utilizationPct: 0,
    memoryUtilizationPct: 0,
    memoryTotalMiB: 81559,
    memoryUsedMiB: 0,
    powerW: 70,
    powerLimitW: 700,
    smClockMHz: 1980,
    clockEventReasons: [],
    eccMode: 'Enabled',
    eccCorrectedVolatile: 0,
    eccUncorrectedVolatile: 0,
    eccUncorrectedAggregate: 0,
    retiredPagesPending: null,
    remappedRowsPending: false,
    remappedRowsFailure: false,
    processes: 0,
    health: 'healthy',
    reasons: [],
    ...over,
  };
}

export function node(name: string, over: Partial<NodeStatus> = {}): NodeStatus {
  return {
    name,
    region: 'eu',
    cluster: 'train-a',
    host: '127.0.0.1',
    port: 2222,
    expectedGpus: 2,
    health: 'healthy',
    reasons: [],
    since: 1_700_000_000_000,
    lastVerdict: 'healthy',
    lastProbeAt: 1_700_000_000_000,
    lastProbeLatencyMs: 120,
    lastError: null,
    driverVersion: '550.54.15',
    gpus: [gpu(0), gpu(1)],
    xids: [],
    ...over,
  };
}

export function event(id: number, over: Partial<FleetEvent> = {}): FleetEvent {
  return { id, ts: 1_700_000_000_000 + id, kind: 'node.health', subject: 'n1', severity: 'info', message: `event ${id}`, ...over };
}

export function snapshot(over: Partial<FleetSnapshot> = {}): FleetSnapshot {
  const nodes = over.nodes ?? [node('n1'), node('n2'), node('n3')];
  return {
    topology: {
      path: '/etc/fleetops/inventory.yaml',
      regions: [{ name: 'eu', clusters: [{ name: 'train-a', role: 'training', protected: false, nodes: nodes.map((n) => n.name) }] }],
    },
    inventoryError: null,
    nodes,
    pendingHostKeys: [],
    lab: null,
    ...over,
  };
}
