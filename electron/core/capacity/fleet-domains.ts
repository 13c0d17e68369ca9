/**
 * Per failure domain (each region and each cluster): nodes, GPUs and replicas that are active,
 * warm spares, cold spares (unverified warm ones included) or failed. Nodes not yet probed count
 * nowhere until they are (the tally says what is known).
 *
 * Spare nodes: listed in the inventory (`spare: {mode}`), or marked by their Slurm scheduler —
 * in its spare partition or with its spare feature (default both `spare`). A warm one is warm
 * only while its GPU probe (the console's node verdict) says healthy and Slurm, when read, has
 * it idle and powered; otherwise "warm (unverified)" with the reason, counted as cold. A Slurm-
 * marked node without an inventory mode is warm unless Slurm has it powered down. A spare Slurm
 * schedules in another partition (resumed by promote-spare-node) is in service: not a spare now.
 */
import type { DomainCapacity, SpareNode, Tally } from '../../../shared/capacity';
import type { ResolvedNode } from '../../../shared/inventory';
import type { TrainingNode } from '../../../shared/training';
import type { CapacityFacts } from './capacity-facts';

const POWERED_OFF = ['POWERED_DOWN', 'POWERING_DOWN', 'POWER_DOWN', 'POWERING_UP'];

export function spareNodes(facts: CapacityFacts): SpareNode[] {
  const slurm = new Map(facts.trainingNodes().map((n) => [n.node, n]));
  const marks = new Map((facts.schedulers ?? []).map((s) => [s.cluster, s]));
  const out: SpareNode[] = [];
  for (const node of facts.inventory.nodes) {
    const s = slurm.get(node.name);
    const mark = marks.get(node.cluster);
    let source: string | null = node.spare ? 'inventory' : null;
    if (!source && s && mark) {
      if ((s.partitions ?? []).includes(mark.partition)) source = `Slurm partition ${mark.partition}`;
      else if ((s.features ?? []).includes(mark.feature)) source = `Slurm feature ${mark.feature}`;
    }
    if (!source) continue;
    // Slurm may place jobs on it in a partition that is not its spare one: it was promoted, and serves.
    if (s && s.schedulable && (s.partitions ?? []).some((p) => p !== (mark?.partition ?? 'spare'))) continue;
    const poweredOff = s ? s.flags.some((f) => POWERED_OFF.includes(f)) : false;
    const mode = node.spare?.mode ?? (poweredOff ? 'cold' : 'warm');
    const { readiness, reason } = judgeSpareNode(node, mode, facts.nodeHealth(node.name), s);
    out.push({ node: node.name, cluster: node.cluster, region: node.region, mode, readiness, source, gpus: node.gpus.count, reason });
  }
  return out;
}

function judgeSpareNode(node: ResolvedNode, mode: 'warm' | 'cold', verdict: ReturnType<CapacityFacts['nodeHealth']>, slurm: TrainingNode | undefined): Pick<SpareNode, 'readiness' | 'reason'> {
  if (mode === 'cold') return { readiness: 'cold', reason: verdict ? `console: ${verdict.health}` : null };
  if (!verdict || verdict.health === 'unknown') return { readiness: 'warm-unverified', reason: 'its GPU probe has not answered yet' };
  if (verdict.health !== 'healthy') return { readiness: 'warm-unverified', reason: `GPU probe: ${verdict.health}${verdict.reasons.length ? `: ${verdict.reasons.join('; ')}` : ''}` };
  if (slurm && slurm.jobs.length > 0) return { readiness: 'warm-unverified', reason: `Slurm runs job${slurm.jobs.length === 1 ? '' : 's'} ${slurm.jobs.join(', ')} on it: not idle` };
  if (slurm && (slurm.state === 'DOWN' || slurm.flags.includes('NOT_RESPONDING'))) return { readiness: 'warm-unverified', reason: `Slurm has ${node.name} ${slurm.state.toLowerCase()}${slurm.reason ? ` (${slurm.reason})` : ''}` };
  return { readiness: 'warm', reason: null };
}

const zero = (): Tally => ({ active: 0, warm: 0, cold: 0, failed: 0 });

type Bucket = keyof Tally;

export function fleetDomains(facts: CapacityFacts, spares: readonly SpareNode[]): DomainCapacity[] {
  const spareOf = new Map(spares.map((s) => [s.node, s]));
  const domains = new Map<string, DomainCapacity>();
  const roles = new Map<string, Set<string>>();
  const domain = (kind: 'region' | 'cluster', name: string, region: string | null) => {
    const key = `${kind}\u0000${name}`;
    let d = domains.get(key);
    if (!d) {
      d = { kind, name, region, role: 'inference', nodes: zero(), gpus: zero(), replicas: zero() };
      domains.set(key, d);
      roles.set(key, new Set());
    }
    return { d, roles: roles.get(key)! };
  };
  for (const r of facts.inventory.topology.regions) {
    domain('region', r.name, null);
    for (const c of r.clusters) domain('cluster', c.name, r.name);
  }

  for (const node of facts.inventory.nodes) {
    const spare = spareOf.get(node.name);
    const verdict = facts.nodeHealth(node.name)?.health;
    let bucket: Bucket | null;
    if (spare) bucket = spare.readiness === 'warm' ? 'warm' : 'cold';
    else if (verdict === 'healthy' || verdict === 'degraded') bucket = 'active';
    else if (verdict === 'unhealthy' || verdict === 'unreachable') bucket = 'failed';
    else bucket = null;
    for (const [kind, name, region] of [['region', node.region, null], ['cluster', node.cluster, node.region]] as const) {
      const { d, roles: r } = domain(kind, name, region);
      r.add(node.role);
      if (bucket === null) continue;
      d.nodes[bucket]++;
      d.gpus[bucket] += node.gpus.count;
    }
  }

  for (const replica of facts.inventory.replicas) {
    if (replica.region === null || replica.cluster === null) continue;
    const status = facts.replica(replica.name);
    let bucket: Bucket | null;
    if (status?.spare && !status.spare.inRotation) bucket = status.spare.readiness === 'warm' ? 'warm' : 'cold';
    else if (!status || status.health === 'unknown') bucket = null;
    else if (status.health === 'unhealthy' || status.health === 'unreachable') bucket = 'failed';
    else bucket = 'active';
    if (bucket === null) continue;
    domain('region', replica.region, null).d.replicas[bucket]++;
    domain('cluster', replica.cluster, replica.region).d.replicas[bucket]++;
  }

  for (const [key, d] of domains) {
    const r = roles.get(key)!;
    d.role = r.size > 1 ? 'mixed' : r.has('training') ? 'training' : 'inference';
  }
  return [...domains.values()];
}
