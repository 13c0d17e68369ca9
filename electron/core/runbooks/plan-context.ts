import { FleetError } from '../../../shared/errors';
import type { ResolvedNode } from '../../../shared/inventory';
import type { LoadedInventory } from '../inventory/load-inventory';
import type { ResolvedLoadBalancer, ResolvedReplica } from '../inventory/resolve-services';
import { compilePattern } from './check-runbook';
import { validateParam } from './shell-quote';
import { PLACEHOLDER, type RunbookFile } from './runbook-schema';

export type PlanInventory = Pick<LoadedInventory, 'nodes' | 'replicas' | 'loadBalancers' | 'slos' | 'topology'>;

/** Where an LB server lives: which load balancer, which backend. */
export interface Placement {
  lb: ResolvedLoadBalancer;
  backend: string;
  server: string;
}

/** The inventory with the lookups planning needs: all that the capacity and read-only checks (and drills) take. */
export interface FleetView {
  inventory: PlanInventory;
  replica(name: string): ResolvedReplica | undefined;
  node(name: string): ResolvedNode | undefined;
  /** Every (LB, backend) that lists `server`, in inventory order. */
  placements(server: string): Placement[];
}

/**
 * How changes reach one training cluster's Slurm, as its last read says (the OpenAPI version
 * decides REST or scontrol), and who runs on a node now. Given by the training feature.
 */
export interface SlurmRoute {
  cluster: string;
  controlVia: string;
  slurmName(node: string): string;
  /** Slurm's ids of the jobs running on the node at the last read. */
  jobsOn(slurmName: string): string[];
  /** Exactly what a change sends: the HTTP request, or the scontrol command line. */
  render(change: SlurmChange): { via: 'rest' | 'scontrol'; request: string };
}

export type SlurmChange = { kind: 'drain'; slurmName: string; reason: string } | { kind: 'resume'; slurmName: string } | { kind: 'requeue'; jobs: readonly string[] };

/** The target and parameters resolved against the inventory, with lookups the renderer needs. */
export interface PlanContext extends FleetView {
  runbook: RunbookFile;
  target: string;
  /** Operator parameters with defaults applied, all validated. */
  params: Record<string, string>;
  /** HAProxy's weight for the server now (null: not known, e.g. the LB could not be polled). */
  weightNow(lb: string, backend: string, server: string): number | null;
  /** The Slurm of a cluster; undefined when it has none (or it was never read). */
  slurm(cluster: string): SlurmRoute | undefined;
}

export function fleetView(inventory: PlanInventory): FleetView {
  const replicas = new Map(inventory.replicas.map((r) => [r.name, r]));
  const nodes = new Map(inventory.nodes.map((n) => [n.name, n]));
  return {
    inventory,
    replica: (name) => replicas.get(name),
    node: (name) => nodes.get(name),
    placements: (server) =>
      inventory.loadBalancers.flatMap((lb) => lb.backends.filter((b) => b.servers.includes(server)).map((b) => ({ lb, backend: b.name, server }))),
  };
}

export type WeightLookup = (lb: string, backend: string, server: string) => number | null;

export type SlurmLookup = (cluster: string) => SlurmRoute | undefined;

export function resolveContext(runbook: RunbookFile, inventory: PlanInventory, target: string, given: Record<string, string>, weightNow: WeightLookup = () => null, slurm: SlurmLookup = () => undefined): PlanContext {
  const view = fleetView(inventory);
  const replicas = new Map(inventory.replicas.map((r) => [r.name, r]));
  const regions = inventory.topology.regions.map((r) => r.name);

  if (runbook.target === 'replica' && !replicas.has(target)) {
    throw new FleetError('NOT_FOUND', `runbook ${runbook.name} targets a replica, and "${target}" is not one (replicas: ${list([...replicas.keys()])})`, { subject: target });
  }
  if (runbook.target === 'node' && !view.node(target)) {
    throw new FleetError('NOT_FOUND', `runbook ${runbook.name} targets a node, and "${target}" is not one (nodes: ${list(inventory.nodes.map((n) => n.name))})`, { subject: target });
  }
  if (runbook.target === 'region' && !regions.includes(target)) {
    throw new FleetError('NOT_FOUND', `runbook ${runbook.name} targets a region, and "${target}" is not one (regions: ${list(regions)})`, { subject: target });
  }

  const declared = runbook.params ?? {};
  for (const key of Object.keys(given)) {
    if (declared[key] === undefined) {
      throw new FleetError('BAD_REQUEST', `runbook ${runbook.name} has no parameter "${key}" (parameters: ${list(Object.keys(declared))})`, { subject: key });
    }
  }
  const params: Record<string, string> = {};
  for (const [key, spec] of Object.entries(declared)) {
    const value = given[key] ?? spec.default;
    if (value === undefined) throw new FleetError('BAD_REQUEST', `runbook ${runbook.name} needs --param ${key}=…${spec.description ? ` (${spec.description})` : ''}`, { subject: key });
    if (spec.pattern !== undefined) validateParam(key, value, spec.pattern);
    if (spec.kind === 'replica' && !replicas.has(value)) throw new FleetError('NOT_FOUND', `parameter "${key}": "${value}" is not a replica (replicas: ${list([...replicas.keys()])})`, { subject: value });
    if (spec.kind === 'node' && !view.node(value)) throw new FleetError('NOT_FOUND', `parameter "${key}": "${value}" is not a node`, { subject: value });
    if (spec.kind === 'region' && !regions.includes(value)) throw new FleetError('NOT_FOUND', `parameter "${key}": "${value}" is not a region (regions: ${list(regions)})`, { subject: value });
    // A spare that is the failed replica, a standby region that is the failed one: nothing would move.
    if (spec.kind === runbook.target && value === target) {
      throw new FleetError('BAD_REQUEST', `parameter "${key}" names the target itself (${target}): choose another ${spec.kind}`, { subject: key });
    }
    params[key] = value;
  }

  return { ...view, runbook, target, params, weightNow, slurm };
}

/**
 * Renders a name-valued template (`{target.node}`, `{server}`). No quoting: these values are
 * inventory names or validated parameters, and the result is looked up, not sent to a shell.
 */
export function renderTemplate(ctx: PlanContext, tpl: string, bound: Record<string, string>): string {
  return tpl.replace(PLACEHOLDER, (_, body: string) => {
    const [base, field] = body.split('.');
    const value = base === 'target' ? ctx.target : (bound[base] ?? ctx.params[base]);
    if (value === undefined) throw new FleetError('BAD_REQUEST', `{${body}} has no value`, { detail: { template: tpl } });
    if (field !== 'node') return value;
    const node = ctx.replica(value)?.node;
    if (!node) throw new FleetError('BAD_REQUEST', `{${body}}: replica "${value}" runs on no inventory node (an external provider?)`, { subject: value });
    return node;
  });
}

/** A number field: a literal, or `{param}` whose value must be a number in [min, max]. */
export function renderNumber(ctx: PlanContext, value: number | string, what: string, min: number, max: number, integer = false): number {
  const n = typeof value === 'number' ? value : Number(renderTemplate(ctx, value, {}));
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new FleetError('BAD_REQUEST', `${what} ${JSON.stringify(typeof value === 'number' ? value : renderTemplate(ctx, value, {}))} is not ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return n;
}

/** Servers of any load balancer whose replica runs in `region`, each once, in inventory order. */
export function serversInRegion(ctx: FleetView, region: string): string[] {
  const out: string[] = [];
  for (const lb of ctx.inventory.loadBalancers) {
    for (const b of lb.backends) for (const s of b.servers) if (ctx.replica(s)?.region === region && !out.includes(s)) out.push(s);
  }
  return out;
}

/** Patterns of the text parameters, for renderCommand (inventory names need none). */
export function paramPatterns(runbook: RunbookFile): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, p] of Object.entries(runbook.params ?? {})) if (p.pattern !== undefined && compilePattern(p.pattern)) out[k] = p.pattern;
  return out;
}

function list(names: string[]): string {
  if (names.length === 0) return 'none';
  return names.length > 20 ? `${names.slice(0, 20).join(', ')}, …` : names.join(', ');
}
