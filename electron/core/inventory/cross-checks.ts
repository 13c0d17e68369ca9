import { formatPath, type InventoryIssue, type PathSegment } from './inventory-issue';
import { isJumpSpec, parseJumpSpec } from './jump-spec';
import { locate, type YamlSource } from './yaml-source';

type Raw = Record<string, unknown>;
interface Located<T> {
  value: T;
  path: PathSegment[];
}

/**
 * Rules the schema cannot express: unique names, jumps that lead somewhere, hosts and paths we
 * can actually use. Works on the raw document (every access checks its type) so these errors are
 * reported together with schema errors instead of one round of fixes later.
 */
export function crossCheck(source: YamlSource): InventoryIssue[] {
  const issues: InventoryIssue[] = [];
  const report: Report = {
    add(path, message) {
      const { line, column } = locate(source, path);
      issues.push({ file: source.file, line, column, path: formatPath(path), message });
    },
    lineOf: (path) => locate(source, path).line,
    clusters: new Set(),
  };

  const root = asRecord(source.data);
  if (!root) return issues;

  const regions = children({ value: root, path: [] }, 'regions');
  checkUniqueNames(regions, 'region', report);
  const nodes: Located<Raw>[] = [];
  const clusters: Located<Raw>[] = [];
  for (const region of regions) {
    const inRegion = children(region, 'clusters');
    checkUniqueNames(inRegion, 'cluster', report);
    clusters.push(...inRegion);
    for (const c of inRegion) if (typeof c.value.name === 'string') report.clusters.add(c.value.name);
    for (const cluster of inRegion) nodes.push(...children(cluster, 'nodes'));
  }
  // Node names are unique fleet-wide: they are how runbooks, jumps and events name a machine.
  const nodesByName = checkUniqueNames(nodes, 'node', report);

  for (const node of nodes) {
    checkHost(node, report);
    checkJump(node, nodesByName, report);
    checkPaths(node, report);
  }
  const defaults = asRecord(root.defaults);
  if (defaults) checkPaths({ value: defaults, path: ['defaults'] }, report);
  checkServices(root, nodesByName, report);
  checkTraining(root, clusters, nodesByName, report);
  return issues;
}

/**
 * Schedulers and jobs name nodes and clusters: `controlVia` and a checkpoint's node must be
 * inventory nodes, a job's cluster a training cluster, and Slurm names unique within a cluster
 * (two inventory nodes answering to one Slurm node would hide one of them).
 */
function checkTraining(root: Raw, clusters: Located<Raw>[], nodesByName: Map<string, Located<Raw>>, report: Report): void {
  const roles = new Map<string, unknown>();
  for (const cluster of clusters) {
    if (typeof cluster.value.name === 'string' && !roles.has(cluster.value.name)) roles.set(cluster.value.name, cluster.value.role);
    const scheduler = asRecord(cluster.value.scheduler);
    if (scheduler && typeof scheduler.controlVia === 'string' && !nodesByName.has(scheduler.controlVia)) {
      report.add([...cluster.path, 'scheduler', 'controlVia'], `names unknown node "${scheduler.controlVia}"`);
    }
    if (!scheduler) continue;
    const slurmNames = new Map<string, string>();
    for (const node of children(cluster, 'nodes')) {
      const slurmName = typeof node.value.slurmName === 'string' ? node.value.slurmName : node.value.name;
      if (typeof slurmName !== 'string') continue;
      const other = slurmNames.get(slurmName);
      // Two nodes of one name are already a duplicate node name; only a slurmName can add a clash.
      if (other !== undefined && other !== node.value.name) report.add([...node.path, typeof node.value.slurmName === 'string' ? 'slurmName' : 'name'], `Slurm name "${slurmName}" is also node "${other}"'s in this cluster`);
      else slurmNames.set(slurmName, String(node.value.name));
    }
  }
  const jobs = children({ value: root, path: [] }, 'jobs');
  checkUniqueNames(jobs, 'job', report);
  for (const job of jobs) {
    const cluster = job.value.cluster;
    if (typeof cluster === 'string') {
      if (!roles.has(cluster)) report.add([...job.path, 'cluster'], `names unknown cluster "${cluster}"`);
      else if (roles.get(cluster) !== 'training') report.add([...job.path, 'cluster'], `cluster "${cluster}" is not a training cluster`);
    }
    const node = asRecord(job.value.checkpoint)?.node;
    if (typeof node === 'string' && !nodesByName.has(node)) report.add([...job.path, 'checkpoint', 'node'], `names unknown node "${node}"`);
  }
}

/**
 * Replicas, load balancers and SLOs refer to each other by name: every reference must land, or a
 * typo would silently leave a replica out of its backend or an SLO unmeasured.
 */
function checkServices(root: Raw, nodesByName: Map<string, Located<Raw>>, report: Report): void {
  const rootLocated = { value: root, path: [] as PathSegment[] };
  const replicas = children(rootLocated, 'replicas');
  const replicasByName = checkUniqueNames(replicas, 'replica', report);
  for (const replica of replicas) {
    const node = replica.value.node;
    if (typeof node === 'string' && !nodesByName.has(node)) report.add([...replica.path, 'node'], `names unknown node "${node}"`);
  }
  const lbs = children(rootLocated, 'loadBalancers');
  checkUniqueNames(lbs, 'load balancer', report);
  const backendNames = new Set<string>();
  for (const lb of lbs) {
    const runtime = asRecord(lb.value.runtime);
    if (runtime && typeof runtime.via === 'string' && !nodesByName.has(runtime.via)) {
      report.add([...lb.path, 'runtime', 'via'], `names unknown node "${runtime.via}"`);
    }
    const backends = asRecord(lb.value.backends);
    if (!backends) continue;
    for (const [backend, servers] of Object.entries(backends)) {
      backendNames.add(backend);
      if (!Array.isArray(servers)) continue;
      servers.forEach((server, i) => {
        if (typeof server === 'string' && !replicasByName.has(server)) {
          report.add([...lb.path, 'backends', backend, i], `names unknown replica "${server}"`);
        }
      });
    }
  }
  checkSpares(replicas, backendNames, report);
  const slos = children(rootLocated, 'slo');
  const services = new Set<string>();
  for (const slo of slos) {
    const service = slo.value.service;
    if (typeof service !== 'string') continue;
    if (services.has(service)) report.add([...slo.path, 'service'], `duplicate SLO for service "${service}"`);
    services.add(service);
    if (!backendNames.has(service)) report.add([...slo.path, 'service'], `names no load balancer backend ("${service}" must be a key of some loadBalancers[].backends)`);
  }
}

/**
 * A spare replica says how ready it is (`mode`), and only a spare has a mode, a start-up time or
 * somewhere it replaces into; `replaces` names backends (or clusters: a spare may stand in for a
 * replica of any backend whose servers run there). Clusters are checked by the caller's schema.
 */
function checkSpares(replicas: Located<Raw>[], backendNames: Set<string>, report: Report): void {
  for (const replica of replicas) {
    const spare = replica.value.role === 'spare';
    if (spare && replica.value.mode === undefined) report.add([...replica.path, 'role'], 'a spare needs a mode: warm (running, held out of rotation) or cold (stopped)');
    for (const key of ['mode', 'startup', 'replaces'] as const) {
      if (!spare && replica.value[key] !== undefined) report.add([...replica.path, key], `only a spare (role: spare) has "${key}"`);
    }
    // A warm spare may declare `startup` too: one that fails its probes counts as cold, and then it matters.
    const replaces = replica.value.replaces;
    if (Array.isArray(replaces)) {
      replaces.forEach((target, i) => {
        if (typeof target === 'string' && !backendNames.has(target) && !report.clusters.has(target)) {
          report.add([...replica.path, 'replaces', i], `names neither a load balancer backend nor a cluster ("${target}")`);
        }
      });
    }
  }
}

interface Report {
  /** Every cluster name of the inventory. */
  clusters: Set<string>;
  add(path: PathSegment[], message: string): void;
  lineOf(path: PathSegment[]): number;
}

function checkUniqueNames(items: Located<Raw>[], what: string, report: Report): Map<string, Located<Raw>> {
  const seen = new Map<string, Located<Raw>>();
  for (const item of items) {
    const name = item.value.name;
    if (typeof name !== 'string') continue;
    const first = seen.get(name);
    if (first) {
      const firstLine = report.lineOf([...first.path, 'name']);
      report.add([...item.path, 'name'], `duplicate ${what} name "${name}" (first defined at ${formatPath(first.path)}, line ${firstLine})`);
    }
    else seen.set(name, item);
  }
  return seen;
}

function checkHost(node: Located<Raw>, report: Report): void {
  const host = node.value.host;
  // An empty string is already a schema error; here we catch what only looks like a value.
  if (typeof host !== 'string' || host === '') return;
  if (host.trim() === '') report.add([...node.path, 'host'], 'must not be blank');
  else if (/\s/.test(host)) report.add([...node.path, 'host'], 'must not contain whitespace');
}

function checkJump(node: Located<Raw>, nodesByName: Map<string, Located<Raw>>, report: Report): void {
  const jump = node.value.jump;
  const name = node.value.name;
  if (typeof jump !== 'string' || jump === '') return;
  const where = [...node.path, 'jump'];

  if (isJumpSpec(jump)) {
    const parsed = parseJumpSpec(jump);
    if (!parsed.ok) report.add(where, parsed.message);
    return;
  }
  if (jump === name) {
    report.add(where, `node "${jump}" cannot jump through itself`);
    return;
  }
  const target = nodesByName.get(jump);
  if (!target) {
    report.add(where, `jump names unknown node "${jump}" (for a host outside the inventory write [user@]host[:port])`);
    return;
  }
  if (typeof target.value.jump !== 'string') return;

  const chain = jumpChain(String(name), nodesByName);
  if (chain.cycle) report.add(where, `jump cycle: ${chain.names.join(' → ')}`);
  else {
    // ResolvedNode carries a single JumpTarget; a second hop would be silently skipped at connect time.
    report.add(where, `jumps through "${jump}", which itself has a jump ("${String(target.value.jump)}"): only one jump hop is supported`);
  }
}

/** Follows node-name jumps from `start`; `cycle` is true when the chain comes back to `start`. */
function jumpChain(start: string, nodesByName: Map<string, Located<Raw>>): { names: string[]; cycle: boolean } {
  const names = [start];
  const visited = new Set(names);
  let current = start;
  for (;;) {
    const jump = nodesByName.get(current)?.value.jump;
    if (typeof jump !== 'string' || isJumpSpec(jump) || !nodesByName.has(jump)) return { names, cycle: false };
    names.push(jump);
    if (jump === start) return { names, cycle: true };
    if (visited.has(jump)) return { names, cycle: false }; // a loop further down: its members report it
    visited.add(jump);
    current = jump;
  }
}

const PATH_KEYS = ['identityFile', 'knownHostsFile', 'agent'] as const;

/** `~bob/...` would need a passwd lookup; refusing it beats resolving it to a wrong relative path. */
function checkPaths(owner: Located<Raw>, report: Report): void {
  for (const key of PATH_KEYS) {
    const value = owner.value[key];
    if (typeof value === 'string' && /^~[^/\\]/.test(value)) {
      report.add([...owner.path, key], 'only "~" or "~/" are expanded; write the full path for another user\'s home');
    }
  }
}

function children(parent: Located<Raw>, key: string): Located<Raw>[] {
  const list = parent.value[key];
  if (!Array.isArray(list)) return [];
  const out: Located<Raw>[] = [];
  list.forEach((item, index) => {
    const record = asRecord(item);
    if (record) out.push({ value: record, path: [...parent.path, key, index] });
  });
  return out;
}

function asRecord(value: unknown): Raw | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : undefined;
}
