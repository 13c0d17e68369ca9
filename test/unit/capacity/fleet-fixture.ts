/**
 * Hand-made fleets for the capacity model: regions a, b, c, one inference cluster each (ca, cb,
 * cc) with one serving replica per region (ra, rb, rc, 30 req/s each) behind lb1 backend llama
 * (SLO 99.9 %), plus spares as a test asks for them, and the facts as the engines would report.
 */
import type { SpareView } from '../../../shared/capacity';
import type { ReplicaStatus } from '../../../shared/services';
import type { CapacityFacts } from '../../../electron/core/capacity/capacity-facts';
import { parseInventory, type LoadedInventory } from '../../../electron/core/inventory/load-inventory';

export interface SpareSpec {
  name: string;
  region: 'a' | 'b' | 'c';
  mode: 'warm' | 'cold';
  startup?: string;
  capacity?: number;
}

export function fleetInventory(opts: { capacities?: Partial<Record<'ra' | 'rb' | 'rc', number | null>>; spares?: SpareSpec[]; slo?: boolean } = {}): LoadedInventory {
  const cap = (n: 'ra' | 'rb' | 'rc') => {
    const c = opts.capacities?.[n] === undefined ? 30 : opts.capacities[n];
    return c === null ? '' : `, capacity: { requestsPerSecond: ${c} }`;
  };
  const spares = opts.spares ?? [];
  const node = (name: string, i: number) => `          - { name: ${name}, host: 10.0.0.${i}, gpus: { count: 8 } }\n`;
  const region = (r: string, i: number) =>
    `  - name: ${r}\n    clusters:\n      - name: c${r}\n        role: inference\n        nodes:\n${node(`n${r}`, i)}${spares.filter((s) => s.region === r).map((s, j) => node(`n${s.name}`, 100 + i * 10 + j)).join('')}`;
  const replica = (name: string, n: string, extra: string) => `  - { name: ${name}, node: ${n}, url: "http://${n}.example:8000", model: m, health: { path: /health, intervalSeconds: 5 }${extra} }\n`;
  const text = `version: 1
regions:
${region('a', 1)}${region('b', 2)}${region('c', 3)}replicas:
${replica('ra', 'na', cap('ra'))}${replica('rb', 'nb', cap('rb'))}${replica('rc', 'nc', cap('rc'))}${spares
    .map((s) => replica(s.name, `n${s.name}`, `, role: spare, mode: ${s.mode}${s.startup ? `, startup: ${s.startup}` : ''}, capacity: { requestsPerSecond: ${s.capacity ?? 30} }`))
    .join('')}loadBalancers:
  - name: lb1
    kind: haproxy
    runtime: { tcp: "10.0.0.9:9999" }
    frontend: { url: "http://10.0.0.9:8080" }
    backends:
      llama: [ra, rb, rc${spares.map((s) => `, ${s.name}`).join('')}]
${opts.slo === false ? '' : 'slo:\n  - { service: llama, target: 99.9, probe: frontend }\n'}`;
  return parseInventory(text, '/srv/fleet.yaml', { homeDir: '/home/me', defaultUser: 'me' });
}

export interface FleetState {
  /** Replica health by name (default healthy; spares: standby unless `readiness` says warm). */
  health?: Record<string, ReplicaStatus['health']>;
  readiness?: Record<string, SpareView['readiness']>;
  availability?: Record<string, number | null>;
  rate?: number | null;
  weights?: Record<string, number>;
  nodeHealth?: Record<string, 'healthy' | 'unhealthy' | 'unreachable' | 'degraded' | 'unknown'>;
  recovery?: { spareModelLoadSeconds: number | null; riseTimesInterSeconds: number | null }[];
}

export function factsFor(inventory: LoadedInventory, state: FleetState = {}): CapacityFacts {
  const replicas = new Map(inventory.replicas.map((r) => [r.name, r]));
  return {
    inventory,
    nodeHealth: (n) => ({ health: state.nodeHealth?.[n] ?? 'healthy', reasons: state.nodeHealth?.[n] && state.nodeHealth[n] !== 'healthy' ? ['XID 79 on GPU 3'] : [] }),
    replica: (name) => {
      const r = replicas.get(name);
      if (!r) return undefined;
      const readiness = state.readiness?.[name] ?? (r.spare?.mode === 'warm' ? 'warm' : 'cold');
      const health = state.health?.[name] ?? (r.spare ? (readiness === 'warm' ? 'healthy' : 'standby') : 'healthy');
      const spare: SpareView | null = r.spare
        ? { mode: r.spare.mode, readiness, reason: readiness === 'warm' ? null : readiness === 'cold' ? 'vllm inactive' : 'http-5xx: model failed to load', startupSeconds: r.spare.startupSeconds, unit: 'vllm', unitState: null, inRotation: false, replaces: [] }
        : null;
      return { name, node: r.node, region: r.region, url: r.url, model: r.model, api: 'openai', secretRef: null, health, reasons: [], since: 1, latency: { health: { p50Ms: null, p95Ms: null, samples: 0 }, completion: { p50Ms: null, p95Ms: null, samples: 0 } }, lastHealth: null, lastCompletion: null, retryAfterSeconds: null, throttledUntil: null, breaker: { state: 'closed', consecutiveFailures: 0, openedAt: null, retryAt: null }, tokensPerDay: null, spare };
    },
    lbServer: (_lb, _b, server) => (replicas.get(server)?.spare ? { ready: false, weight: state.weights?.[server] ?? 1, up: true } : { ready: true, weight: state.weights?.[server] ?? 1, up: true }),
    replicaAvailability: (name) => state.availability?.[name] ?? null,
    backendRate: () => (state.rate === undefined ? 40 : state.rate),
    trainingNodes: () => [],
    recoveryRuns: () => state.recovery ?? [],
    now: () => 1_000,
  };
}
