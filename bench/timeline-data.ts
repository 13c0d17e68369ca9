/**
 * A fleet's worth of events for the timeline benchmark (bench/timeline.ts): ~1,000 nodes in 4
 * regions × 5 clusters, replicas on the inference clusters behind one load balancer per region,
 * and a realistic mix of what the console records over 30 days — verdict changes with reasons,
 * XIDs, load balancer server changes, runbook steps, drills, audit mirrors, a few fleet-wide
 * events — with severities skewed the way a fleet's are (mostly info, a few percent errors) and
 * bursts around failures. Deterministic (seeded), so two runs measure the same data.
 */
import { seededRandom } from '../electron/core/drills/seeded-random';
import type { AppendEventInput } from '../electron/core/store/event-log';
import type { TimelineInventory } from '../electron/core/timeline/timeline-scope';

export const REGIONS = ['use1', 'usw2', 'euw1', 'apse1'] as const;
export const CLUSTERS_PER_REGION = 5;
export const NODES_PER_CLUSTER = 50;
export const DAY_MS = 86_400_000;

export function benchInventory(): TimelineInventory {
  const nodes: Array<TimelineInventory['nodes'][number]> = [];
  const replicas: Array<TimelineInventory['replicas'][number]> = [];
  const loadBalancers: Array<TimelineInventory['loadBalancers'][number]> = [];
  for (const region of REGIONS) {
    const servers: string[] = [];
    for (let c = 0; c < CLUSTERS_PER_REGION; c++) {
      const cluster = `${region}-${c < 3 ? 'inf' : 'train'}-${c}`;
      for (let i = 0; i < NODES_PER_CLUSTER; i++) {
        const name = `${cluster}-n${String(i).padStart(3, '0')}`;
        nodes.push({ name, region, cluster });
        // Inference clusters: one replica per node, each a server of the region's load balancer.
        if (c < 3) {
          const replica = `llama-${name}`;
          replicas.push({ name: replica, node: name, region, cluster });
          servers.push(replica);
        }
      }
    }
    loadBalancers.push({ name: `lb-${region}`, runtime: { kind: 'ssh-unix', via: { name: `${region}-inf-0-n000` } }, backends: [{ name: `chat-${region}`, servers }] });
  }
  return { nodes, replicas, loadBalancers };
}

const HEALTH_REASONS = [
  'GPU 3 temperature 91 °C ≥ 90 °C',
  'ECC uncorrectable errors on GPU 5',
  'nvidia-smi timed out after 5 s',
  'probe failed: connection refused',
  'GPU 1 power draw 710 W over the 700 W cap',
  'fan speed at 100 % on GPU 6',
  'all checks passed',
];
const XIDS = [
  { code: 79, meaning: 'GPU has fallen off the bus', action: 'reset the GPU or reboot the node' },
  { code: 48, meaning: 'double-bit ECC error', action: 'drain and reset the GPU' },
  { code: 63, meaning: 'ECC page retirement', action: 'none, watch for repeats' },
  { code: 13, meaning: 'graphics engine exception', action: 'check the application' },
];
const AUDIT_KINDS = ['change', 'change.refused', 'runbook.run', 'runbook.step', 'incident.note', 'trust'] as const;

/**
 * `count` events, oldest first, spread over [end − days, end). Fleet-wide events (no subject)
 * are rare; a tenth of the time the fleet is in a burst where failures dominate.
 */
export function* benchEvents(count: number, opts: { end: number; days?: number; seed?: number; inventory?: TimelineInventory }): Generator<AppendEventInput> {
  const inv = opts.inventory ?? benchInventory();
  const rnd = seededRandom(`timeline-bench-${opts.seed ?? 11}`);
  const span = (opts.days ?? 30) * DAY_MS;
  const start = opts.end - span;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  for (let i = 0; i < count; i++) {
    // Evenly spread with a little jitter (ties on ts happen: the cursor must handle them).
    const ts = Math.floor(start + (i / count) * span + rnd() * 5);
    const burst = Math.floor(ts / 3_600_000) % 10 === 0;
    const r = rnd();
    const node = pick(inv.nodes);
    if (r < 0.3) {
      const to = burst ? pick(['unhealthy', 'unreachable', 'degraded', 'healthy']) : pick(['healthy', 'healthy', 'healthy', 'degraded', 'degraded', 'unhealthy', 'unreachable']);
      const from = to === 'healthy' ? pick(['degraded', 'unhealthy']) : 'healthy';
      const reason = to === 'healthy' ? 'all checks passed' : pick(HEALTH_REASONS.slice(0, -1));
      const severity = to === 'healthy' ? 'info' : to === 'degraded' ? 'warning' : 'error';
      yield { ts, kind: 'node.health', subject: node.name, severity, message: `${node.name} ${from} → ${to}: ${reason}`, data: { from, to, reasons: [reason] } };
    } else if (r < 0.34) {
      const x = pick(XIDS);
      yield { ts, kind: 'node.xid', subject: node.name, severity: x.code === 79 || x.code === 48 ? 'error' : 'warning', message: `${node.name}: XID ${x.code} on 0000:3b:00.0: ${x.meaning} (${x.action})`, data: { code: x.code } };
    } else if (r < 0.56) {
      const rep = pick(inv.replicas);
      const to = pick(['healthy', 'healthy', 'degraded', 'unhealthy']);
      const severity = to === 'healthy' ? 'info' : to === 'degraded' ? 'warning' : 'error';
      yield { ts, kind: 'replica.health', subject: rep.name, severity, message: `${rep.name} ${to === 'healthy' ? 'unhealthy' : 'healthy'} → ${to}: ${to === 'healthy' ? 'completion ok in 840 ms' : 'HTTP 503 from /health'}`, data: { to } };
    } else if (r < 0.78) {
      const rep = pick(inv.replicas);
      const lb = `lb-${rep.region}`;
      const down = rnd() < 0.3;
      yield { ts, kind: 'lb.server.status', subject: rep.name, severity: down ? 'error' : 'info', message: `${lb}: chat-${rep.region}/${rep.name} ${down ? 'UP → DOWN (L7STS 503)' : 'DOWN → UP'}` };
    } else if (r < 0.8) {
      const lb = pick(inv.loadBalancers);
      yield { ts, kind: 'lb.health', subject: lb.name, severity: rnd() < 0.5 ? 'info' : 'warning', message: `${lb.name}: healthy → degraded: 2 of 80 servers down` };
    } else if (r < 0.87) {
      const step = 1 + Math.floor(rnd() * 6);
      yield { ts, kind: 'runbook.step', subject: node.name, severity: rnd() < 0.05 ? 'error' : 'info', message: `runbook drain-node step ${step}/6 "${pick(['cordon', 'drain', 'stop replica', 'swap spare', 'verify', 'uncordon'])}" on ${node.name} succeeded` };
    } else if (r < 0.9) {
      const region = pick(REGIONS);
      yield { ts, kind: pick(['drill.started', 'drill.detected', 'drill.recovered', 'drill.restored']), subject: `kill-replica-${region}`, severity: rnd() < 0.2 ? 'warning' : 'info', message: `drill kill-replica-${region}: fault injected, detection 14 s, recovery 52 s` };
    } else if (r < 0.99) {
      const kind = pick(AUDIT_KINDS);
      const subject = kind === 'incident.note' ? '0b6e6a8e-4f0e-4c59-9a57-6f3c5d1f9e21' : node.name;
      yield { ts, kind: `audit.${kind}`, subject, severity: kind.endsWith('refused') ? 'warning' : 'info', message: `alice@ops-laptop ${kind} ${subject}: ${kind === 'change.refused' ? 'read-only switch is on' : 'drain'}`, data: { auditId: i, actor: 'alice@ops-laptop' } };
    } else {
      const k = pick(['inventory.loaded', 'lab.traffic', 'history.write.failed', 'hostkey.unknown']);
      yield { ts, kind: k, subject: null, severity: k === 'history.write.failed' ? 'warning' : 'info', message: k === 'inventory.loaded' ? 'reloaded fleet.yaml: 1000 nodes in 4 regions' : `${k.replace('.', ' ')} (fleet-wide)` };
    }
  }
}
