/**
 * The lab's inference side: OpenAI-compatible replicas on the lab's inference nodes, a real
 * HAProxy in front of them when `haproxy` is installed (else the console says there is no load
 * balancer and why), and a traffic generator through the frontend. Adds the matching
 * `replicas`, `loadBalancers` and `slo` sections to the lab's inventory.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { FleetError } from '../../../shared/errors';
import type { LabReplicaFaultKind, LabServicesInfo } from '../../../shared/services';
import { loadInventoryFile } from '../inventory/load-inventory';
import { PROBE_USER_AGENT } from '../replica/probe-request';
import { haproxyAvailable, startLabHaproxy, type LabHaproxy } from './lab-haproxy';
import type { LabFleet } from './lab-fleet';
import { startLabReplica, type LabReplica } from './lab-replica';
import { LabUnits } from './lab-units';
import { startTrafficGenerator, type TrafficGenerator, type TrafficOutcome } from './traffic-generator';

export const LAB_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
export const LAB_SERVICE = 'llama';
export const LAB_LB = 'lab-lb';
/** The systemd unit of each lab replica's inference server: the runbooks' default `service`. */
export const LAB_UNIT = 'vllm';

const DEFAULT_START_DELAY_MS = 1500;
/** Every lab server's weight: the region runbooks' default `weight`, so failing back restores it. */
export const LAB_WEIGHT = 100;

export interface LabServicesOptions {
  /** The lab's directory and inventory (from startLab). */
  dir: string;
  inventoryPath: string;
  /** At most this many replicas, one per inference node (default 6). */
  maxReplicas?: number;
  /** Replica health / completion probe and LB poll cadence written to the inventory. */
  healthIntervalSeconds?: number;
  promptIntervalSeconds?: number;
  /** Where to look for haproxy (default PATH); null forces "no load balancer". */
  haproxyPath?: string | null;
  /** The lab's nodes: each replica's service becomes unit `vllm` on its node, for `systemctl` over SSH. */
  fleet?: Pick<LabFleet, 'setUnits'>;
  /**
   * The last N replicas are cold spares (default 0): their service is stopped and HAProxy holds
   * them in maintenance, ready for `replace-replica`.
   */
  spares?: number;
  /**
   * N more replicas, just before the cold ones, are warm spares (default 0): service running and
   * model loaded, but held in maintenance by HAProxy. At least one replica always serves: spares
   * beyond that are dropped (cold ones last), and `notes` says so.
   */
  warmSpares?: number;
  /** How long a started replica service takes to listen (default 1500 ms: loading weights). */
  startDelayMs?: number;
  /**
   * What the traffic generator asks: `models` (GET /v1/models, the default: answers at once) or
   * `completion` (POST /v1/chat/completions, each taking `generationMs` to answer, so requests are
   * in flight when something changes, as real inference traffic is).
   */
  traffic?: { kind: 'models' } | { kind: 'completion'; generationMs: number };
}

export interface LabServices {
  info(): LabServicesInfo;
  /** What the lab changed from what it was asked (spares dropped to keep one replica serving), for the operator. */
  readonly notes: readonly string[];
  setReplicaFault(name: string, kind: LabReplicaFaultKind | null, opts?: { retryAfterSeconds?: number; slowMs?: number }): Promise<LabServicesInfo>;
  /** Starts, re-rates or (0) stops the traffic generator through the frontend. */
  setTrafficRate(ratePerSecond: number): Promise<LabServicesInfo>;
  onTrafficOutcome(listener: (o: TrafficOutcome, frontendUrl: string) => void): () => void;
  /** Requests that reached a replica directly, not through HAProxy (the console's probes); for tests. */
  probesSeen(name: string): number;
  onChange(listener: (info: LabServicesInfo) => void): () => void;
  stop(): Promise<void>;
}

export async function startLabServices(opts: LabServicesOptions): Promise<LabServices> {
  const inventory = await loadInventoryFile(opts.inventoryPath, { homeDir: opts.dir, defaultUser: 'ops' });
  const hosts = inventory.nodes.filter((n) => n.role === 'inference').slice(0, opts.maxReplicas ?? 6);
  const replicas: LabReplica[] = [];
  const retryAfter = new Map<string, number | null>();
  const { modeOf, notes } = spareLayout(hosts.length, opts.spares ?? 0, opts.warmSpares ?? 0);
  const startDelayMs = opts.startDelayMs ?? DEFAULT_START_DELAY_MS;
  let haproxy: LabHaproxy | null = null;
  let noLbReason: string | null = null;
  try {
    for (const [i, node] of hosts.entries()) {
      replicas.push(
        await startLabReplica({
          name: `${node.name}-llm`,
          model: LAB_MODEL,
          // A warm spare runs (its model loaded); only a cold one starts stopped.
          serviceActive: modeOf(i) !== 'cold',
          startDelayMs,
          generationMs: opts.traffic?.kind === 'completion' ? opts.traffic.generationMs : 0,
        }),
      );
    }
    const haproxyPath = opts.haproxyPath === null ? null : opts.haproxyPath ?? (await haproxyAvailable());
    if (haproxyPath === null) {
      noLbReason = opts.haproxyPath === null ? 'disabled for this lab' : 'haproxy is not on the PATH (install it, e.g. apt-get install haproxy)';
    } else if (replicas.length === 0) {
      noLbReason = 'the lab has no inference nodes to put behind it';
    } else {
      const haproxyDir = join(opts.dir, 'haproxy');
      await mkdir(haproxyDir, { recursive: true, mode: 0o700 });
      haproxy = await startLabHaproxy({
        dir: haproxyDir,
        backends: { [LAB_SERVICE]: replicas.map((r, i) => ({ name: r.name, host: '127.0.0.1', port: r.port, weight: LAB_WEIGHT, disabled: modeOf(i) !== null })) },
        tcpRuntime: ['admin'],
        haproxyPath,
      });
    }
    await appendServices(opts, labServicesSections({
      nodes: hosts.map((n) => n.name),
      replicas,
      modeOf,
      startDelayMs,
      healthIntervalSeconds: opts.healthIntervalSeconds ?? 2,
      promptIntervalSeconds: opts.promptIntervalSeconds ?? 10,
      haproxy,
    }));
  } catch (err) {
    await haproxy?.stop();
    await Promise.all(replicas.map((r) => r.stop()));
    throw err;
  }

  const completions = opts.traffic?.kind === 'completion';
  const trafficUrl = (frontend: string) => `${frontend}${completions ? '/v1/chat/completions' : '/v1/models'}`;
  const trafficRequest = completions
    ? {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: LAB_MODEL, messages: [{ role: 'user', content: 'Respond with OK' }], max_tokens: 2 }),
      }
    : undefined;
  const changeListeners = new Set<(info: LabServicesInfo) => void>();
  const trafficListeners = new Set<(o: TrafficOutcome, frontendUrl: string) => void>();
  let traffic: TrafficGenerator | null = null;
  let rate = 0;
  let ticker: NodeJS.Timeout | null = null;

  const info = (): LabServicesInfo => {
    const s = traffic?.stats();
    return {
      replicas: replicas.map((r, i) => ({
        name: r.name,
        url: r.url,
        fault: r.fault(),
        retryAfterSeconds: r.fault() === 'rate-limit' ? retryAfter.get(r.name) ?? null : null,
        service: r.serviceActive() ? ('active' as const) : ('inactive' as const),
        spare: modeOf(i) !== null,
        spareMode: modeOf(i),
      })),
      loadBalancer: { available: haproxy !== null, reason: noLbReason, frontendUrl: haproxy?.frontendUrl ?? null },
      traffic: {
        running: traffic !== null && rate > 0,
        url: haproxy ? trafficUrl(haproxy.frontendUrl) : null,
        ratePerSecond: rate,
        sent: s?.sent ?? 0,
        ok: s?.ok ?? 0,
        failed: s?.failed ?? 0,
        successRate: s?.successRate ?? null,
        byReason: s?.byReason ?? {},
      },
    };
  };
  const changed = () => {
    const i = info();
    for (const l of [...changeListeners]) l(i);
  };
  // Each inference node runs its replica as a unit runbooks can start and stop over SSH.
  hosts.forEach((node, i) => {
    const units = new LabUnits();
    units.add(LAB_UNIT, {
      isActive: () => replicas[i].serviceActive(),
      setActive: async (active) => {
        await replicas[i].setServiceActive(active);
        changed();
      },
      // `kill -STOP|-CONT` of its main PID (the drills' freeze fault): a hung server, not a stopped one.
      setFrozen: (frozen) => replicas[i].setFrozen(frozen),
    });
    opts.fleet?.setUnits(node.name, units);
  });

  return {
    info,
    notes,
    async setReplicaFault(name, kind, faultOpts = {}) {
      const replica = replicas.find((r) => r.name === name);
      if (!replica) throw new FleetError('NOT_FOUND', `the lab has no replica "${name}" (it has ${replicas.map((r) => r.name).join(', ') || 'none'})`, { subject: name });
      await replica.setFault(kind, faultOpts);
      retryAfter.set(name, kind === 'rate-limit' ? faultOpts.retryAfterSeconds ?? 30 : null);
      changed();
      return info();
    },
    async setTrafficRate(ratePerSecond) {
      if (!haproxy) throw new FleetError('BAD_REQUEST', `the lab has no load balancer to send traffic through: ${noLbReason}`);
      const frontend = haproxy.frontendUrl;
      rate = ratePerSecond;
      if (!traffic && rate > 0) {
        traffic = startTrafficGenerator({
          url: trafficUrl(frontend),
          ratePerSecond: rate,
          timeoutMs: 5000,
          request: trafficRequest,
          onOutcome: (o) => {
            for (const l of [...trafficListeners]) l(o, frontend);
          },
        });
        // The generator's counters move every request: tell the console once a second.
        ticker = setInterval(changed, 1000);
        ticker.unref();
      } else if (traffic && rate > 0) {
        traffic.setRate(rate);
      } else if (traffic && rate === 0) {
        traffic.setRate(0);
        if (ticker) clearInterval(ticker);
        ticker = null;
      }
      changed();
      return info();
    },
    probesSeen(name) {
      const r = replicas.find((x) => x.name === name);
      // HAProxy's health checks and the traffic generator reach the replica too: count the console's own.
      return r ? r.requests().filter((q) => q.headers['user-agent'] === PROBE_USER_AGENT).length : 0;
    },
    onTrafficOutcome(listener) {
      trafficListeners.add(listener);
      return () => void trafficListeners.delete(listener);
    },
    onChange(listener) {
      changeListeners.add(listener);
      return () => void changeListeners.delete(listener);
    },
    async stop() {
      if (ticker) clearInterval(ticker);
      for (const node of hosts) opts.fleet?.setUnits(node.name, null);
      await traffic?.stop();
      await haproxy?.stop();
      await Promise.all(replicas.map((r) => r.stop()));
    },
  };
}

/**
 * Which replica is which kind of spare: the last `cold` are cold, the `warm` before them warm, and
 * at least the first one serves. Asked for more than that, the lab drops warm spares first (the
 * cold ones are the older meaning of `--spares`, which drills and runbooks rely on) and says so.
 */
export function spareLayout(replicas: number, cold: number, warm: number): { modeOf: (i: number) => 'warm' | 'cold' | null; cold: number; warm: number; notes: string[] } {
  const room = Math.max(0, replicas - 1);
  const coldKept = Math.min(cold, room);
  const warmKept = Math.min(warm, room - coldKept);
  const notes: string[] = [];
  if (coldKept < cold || warmKept < warm) {
    notes.push(
      `asked for ${cold} cold and ${warm} warm spare replicas, but the lab has ${replicas} replica${replicas === 1 ? '' : 's'} and keeps at least one serving: ` +
        `it keeps ${coldKept} cold and ${warmKept} warm`,
    );
  }
  const modeOf = (i: number) => (i >= replicas - coldKept ? 'cold' : i >= replicas - coldKept - warmKept ? 'warm' : null);
  return { modeOf, cold: coldKept, warm: warmKept, notes };
}

export interface LabServicesSectionsInput {
  /** The node of each replica, in order. */
  nodes: readonly string[];
  replicas: ReadonlyArray<Pick<LabReplica, 'name' | 'url'>>;
  modeOf: (i: number) => 'warm' | 'cold' | null;
  /** How long a replica's service takes to listen once started: its `startup`. */
  startDelayMs: number;
  healthIntervalSeconds: number;
  promptIntervalSeconds: number;
  haproxy: Pick<LabHaproxy, 'tcpRuntime' | 'frontendUrl'> | null;
}

/**
 * What a lab replica declares it serves (inventory `capacity`): well above the traffic generator's
 * usual rates, so the capacity view and the planner's load check have numbers without refusing
 * the lab's runbooks; turn the lab traffic up past it to see them say no.
 */
export const LAB_REPLICA_CAPACITY_RPS = 100;

/**
 * The lab's `replicas`, `loadBalancers` and `slo` sections. A spare says what it is (`role:
 * spare`, `mode`), its unit, and how long it takes to start and load the model (`startup`, whole
 * seconds, rounded up from the lab's real delay): the capacity view counts a cold spare by it.
 */
export function labServicesSections(input: LabServicesSectionsInput): Record<string, unknown> {
  const health = input.healthIntervalSeconds;
  const startup = `${Math.max(1, Math.ceil(input.startDelayMs / 1000))}s`;
  const sections: Record<string, unknown> = {
    replicas: input.replicas.map((r, i) => {
      const mode = input.modeOf(i);
      return {
        name: r.name,
        node: input.nodes[i],
        url: r.url,
        model: LAB_MODEL,
        api: 'openai',
        health: { path: '/health', intervalSeconds: health, timeoutSeconds: 2 },
        prompt: { text: 'Respond with OK', expect: 'OK', maxTokens: 2, intervalSeconds: input.promptIntervalSeconds },
        capacity: { requestsPerSecond: LAB_REPLICA_CAPACITY_RPS },
        ...(mode ? { role: 'spare', mode, startup, unit: LAB_UNIT } : {}),
      };
    }),
  };
  if (input.haproxy) {
    const runtime = input.haproxy.tcpRuntime.find((t) => t.level === 'admin')!;
    sections.loadBalancers = [
      {
        name: LAB_LB,
        kind: 'haproxy',
        runtime: { tcp: `${runtime.host}:${runtime.port}` },
        frontend: { url: input.haproxy.frontendUrl },
        backends: { [LAB_SERVICE]: input.replicas.map((r) => r.name) },
        intervalSeconds: health,
      },
    ];
    sections.slo = [{ service: LAB_SERVICE, target: 99.9, probe: 'frontend' }];
  }
  return sections;
}

async function appendServices(opts: LabServicesOptions, sections: Record<string, unknown>): Promise<void> {
  if ((sections.replicas as unknown[]).length === 0) return;
  const text = await readFile(opts.inventoryPath, 'utf8');
  const tmp = `${opts.inventoryPath}.tmp`;
  await writeFile(tmp, `${text.trimEnd()}\n${stringify(sections)}`, { mode: 0o600 });
  // Prove the result loads before it replaces the lab's inventory (throws INVENTORY_INVALID with file:line otherwise).
  await loadInventoryFile(tmp, { homeDir: opts.dir, defaultUser: 'ops' });
  await rename(tmp, opts.inventoryPath);
}
