import * as nodePath from 'node:path';
import {
  DEFAULT_PROBE,
  DEFAULT_THRESHOLDS,
  type InventoryFile,
  type InventoryNode,
  type JumpTarget,
  type ResolvedNode,
  type Topology,
} from '../../../shared/inventory';
import { isJumpSpec, parseJumpSpec } from './jump-spec';

/** What the loader needs from the user's environment; passed in so core code never reads process.env. */
export interface InventoryEnv {
  homeDir: string;
  /** $SSH_AUTH_SOCK, used when the inventory does not say `agent:`. */
  sshAuthSock?: string;
  /** Login user when the inventory names none (normally the local user name). */
  defaultUser: string;
}

export const DEFAULT_SSH_PORT = 22;
export const DEFAULT_KNOWN_HOSTS_FILE = '~/.ssh/known_hosts';

/**
 * Applies every default to a validated, cross-checked inventory. Precedence, most specific first:
 * node, cluster (thresholds only), `defaults`, built-in defaults. Paths are made absolute:
 * `~` against the home directory, relative ones against the inventory file's directory.
 */
export function resolveInventory(file: InventoryFile, path: string, env: InventoryEnv): { nodes: ResolvedNode[]; topology: Topology } {
  const baseDir = nodePath.dirname(nodePath.resolve(path));
  const toAbsolute = (p: string) => expandPath(p, env.homeDir, baseDir);
  const defaults = file.defaults ?? {};

  const connection = (node: InventoryNode) => {
    const agent = node.agent ?? defaults.agent ?? env.sshAuthSock ?? false;
    const identityFile = node.identityFile ?? defaults.identityFile;
    return {
      host: node.host,
      port: node.port ?? defaults.port ?? DEFAULT_SSH_PORT,
      user: node.user ?? defaults.user ?? env.defaultUser,
      // No identity file means keys come from the agent only.
      ...(identityFile === undefined ? {} : { identityFile: toAbsolute(identityFile) }),
      knownHostsFile: toAbsolute(node.knownHostsFile ?? defaults.knownHostsFile ?? DEFAULT_KNOWN_HOSTS_FILE),
      agent: agent === false ? (false as const) : toAbsolute(agent),
    };
  };

  const byName = new Map<string, InventoryNode>();
  for (const region of file.regions) for (const cluster of region.clusters) for (const node of cluster.nodes) byName.set(node.name, node);

  const jumpFor = (node: InventoryNode, user: string): JumpTarget | undefined => {
    if (node.jump === undefined) return undefined;
    if (isJumpSpec(node.jump)) {
      const parsed = parseJumpSpec(node.jump);
      // Cross-checks ran before us; an unparsable spec here is a programming error.
      if (!parsed.ok) throw new Error(parsed.message);
      return { host: parsed.spec.host, port: parsed.spec.port ?? DEFAULT_SSH_PORT, user: parsed.spec.user ?? user };
    }
    const target = byName.get(node.jump);
    if (!target) throw new Error(`jump target "${node.jump}" vanished after cross-checks`);
    const via = connection(target);
    return { host: via.host, port: via.port, user: via.user, node: target.name };
  };

  const nodes: ResolvedNode[] = [];
  const topology: Topology = { path, regions: [] };
  for (const region of file.regions) {
    const regionOut: Topology['regions'][number] = { name: region.name, clusters: [] };
    topology.regions.push(regionOut);
    for (const cluster of region.clusters) {
      const isProtected = cluster.protected ?? false;
      regionOut.clusters.push({ name: cluster.name, role: cluster.role, protected: isProtected, nodes: cluster.nodes.map((n) => n.name) });
      for (const node of cluster.nodes) {
        const conn = connection(node);
        const jump = jumpFor(node, conn.user);
        nodes.push({
          name: node.name,
          region: region.name,
          cluster: cluster.name,
          role: cluster.role,
          protected: isProtected,
          ...conn,
          ...(jump === undefined ? {} : { jump }),
          gpus: node.gpus.model === undefined ? { count: node.gpus.count } : { count: node.gpus.count, model: node.gpus.model },
          probe: { ...DEFAULT_PROBE, ...defaults.probe, ...node.probe },
          thresholds: { ...DEFAULT_THRESHOLDS, ...defaults.thresholds, ...cluster.thresholds, ...node.thresholds },
          ...(node.spare ? { spare: { mode: node.spare.mode } } : {}),
        });
      }
    }
  }
  return { nodes, topology };
}

/** `~` and `~/x` → home directory; relative → against the inventory's directory; absolute stays. */
export function expandPath(p: string, homeDir: string, baseDir: string): string {
  if (p === '~') return homeDir;
  if (p.startsWith('~/') || p.startsWith('~\\')) return nodePath.join(homeDir, p.slice(2));
  return nodePath.resolve(baseDir, p);
}
