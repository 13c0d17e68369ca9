import type { FleetSnapshot } from '../../../shared/contract';
import type {
  LabServicesInfo,
  LbServerStatus,
  LoadBalancerStatus,
  ReplicaProbeView,
  ReplicaStatus,
  ServiceAvailability,
} from '../../../shared/services';
import { nodeSummary } from '../../../shared/node-summary';
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
  // As the server sends them: each node's summary (its GPUs' faces).
  const nodes = (over.nodes ?? [node('n1'), node('n2'), node('n3')]).map(nodeSummary);
  return {
    topology: {
      path: '/etc/fleetops/inventory.yaml',
      regions: [{ name: 'eu', clusters: [{ name: 'train-a', role: 'training', protected: false, nodes: nodes.map((n) => n.name) }] }],
    },
    inventoryError: null,
    pendingHostKeys: [],
    lab: null,
    replicas: [],
    loadBalancers: [],
    services: [],
    labServices: null,
    runs: [],
    readOnly: { global: false, clusters: [] },
    nodesSeq: 0,
    ...over,
    nodes,
  };
}

export function probe(kind: ReplicaProbeView['kind'], over: Partial<ReplicaProbeView> = {}): ReplicaProbeView {
  return { kind, at: 1_700_000_000_000, ok: true, latencyMs: 12, failure: null, status: 200, detail: '', ...over };
}

export function replica(name: string, over: Partial<ReplicaStatus> = {}): ReplicaStatus {
  return {
    name,
    node: 'n1',
    region: 'eu',
    url: `http://127.0.0.1:8000/${name}`,
    model: 'llama-3-8b',
    api: 'openai',
    secretRef: null,
    health: 'healthy',
    reasons: [],
    since: 1_700_000_000_000,
    latency: { health: { p50Ms: 3, p95Ms: 9, samples: 20 }, completion: { p50Ms: 410, p95Ms: 900, samples: 5 } },
    lastHealth: probe('health'),
    lastCompletion: probe('completion', { latencyMs: 420 }),
    retryAfterSeconds: null,
    throttledUntil: null,
    breaker: { state: 'closed', consecutiveFailures: 0, openedAt: null, retryAt: null },
    tokensPerDay: 14_400,
    ...over,
  };
}

export function lbServer(backend: string, server: string, over: Partial<LbServerStatus> = {}): LbServerStatus {
  return {
    backend,
    server,
    status: 'UP',
    checkStatus: 'L7OK',
    lastCheck: null,
    weight: 100,
    sessions: 0,
    downtimeSeconds: 0,
    replica: server,
    disagreement: null,
    ...over,
  };
}

export function loadBalancer(name: string, over: Partial<LoadBalancerStatus> = {}): LoadBalancerStatus {
  return {
    name,
    frontendUrl: 'http://127.0.0.1:8080',
    health: 'healthy',
    reasons: [],
    lastPollAt: 1_700_000_000_000,
    lastError: null,
    servers: [lbServer('llama', 'r1'), lbServer('llama', 'r2')],
    ...over,
  };
}

export function service(name: string, over: Partial<ServiceAvailability> = {}): ServiceAvailability {
  const window = { successRatio: 0.9995, requests: 20_000, failed: 10 };
  return {
    service: name,
    loadBalancer: 'lb1',
    target: 99.9,
    hour: window,
    day: window,
    month: window,
    downtimeMinutes30d: 21.6,
    budget: { allowedFailures: 20, failed: 10, remainingRatio: 0.5, remainingMinutes: 21.9 },
    burnRate1h: 0.5,
    burnRate24h: 0.5,
    exhaustionHours: null,
    redundancy: [{ backend: name, replicas: 2, single: 0.99, estimate: 0.9999 }],
    ...over,
  };
}

export function labServices(over: Partial<LabServicesInfo> = {}): LabServicesInfo {
  return {
    replicas: [
      { name: 'r1', url: 'http://127.0.0.1:8001', fault: null, retryAfterSeconds: null, service: 'active', spare: false },
      { name: 'r2', url: 'http://127.0.0.1:8002', fault: null, retryAfterSeconds: null, service: 'active', spare: false },
    ],
    loadBalancer: { available: true, reason: null, frontendUrl: 'http://127.0.0.1:8080' },
    traffic: { running: false, url: null, ratePerSecond: 0, sent: 0, ok: 0, failed: 0, successRate: null, byReason: {} },
    ...over,
  };
}
