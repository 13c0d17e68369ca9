import type { FleetSnapshot } from '../../../shared/contract';

/** The fleet's names, for the panels that link or offer subjects (events, lab, palette). */
export interface FleetNames {
  /** Sorted. */
  nodes: readonly string[];
  replicas: readonly string[];
  loadBalancers: readonly string[];
  services: readonly string[];
}

export interface FleetNamesCache {
  names: FleetNames;
  /** Node names in snapshot order: what the next snapshot is compared with, before any sorting. */
  nodeOrder: readonly string[];
}

const NONE: readonly string[] = [];
const EMPTY: FleetNamesCache = { names: { nodes: NONE, replicas: NONE, loadBalancers: NONE, services: NONE }, nodeOrder: NONE };

function sameNames<T>(items: readonly T[], nameOf: (item: T) => string, names: readonly string[]): boolean {
  if (items.length !== names.length) return false;
  for (let i = 0; i < items.length; i++) if (nameOf(items[i]) !== names[i]) return false;
  return true;
}

const nodeName = (n: { name: string }) => n.name;
const lbName = (lb: { name: string }) => lb.name;
const serviceName = (s: { service: string }) => s.service;

/**
 * The names of `data`, as the same arrays as in `previous` while they are the same names. Pushes
 * replace statuses every few seconds, names change only with the inventory: kept identical, the
 * panels taking them skip rendering, and 1,000 node names are not sorted again for every push.
 */
export function updateFleetNames(data: Pick<FleetSnapshot, 'nodes' | 'replicas' | 'loadBalancers' | 'services'> | undefined, previous: FleetNamesCache | null): FleetNamesCache {
  if (data === undefined) return previous ?? EMPTY;
  const prev = previous ?? EMPTY;
  const nodesSame = sameNames(data.nodes, nodeName, prev.nodeOrder);
  const replicasSame = sameNames(data.replicas, nodeName, prev.names.replicas);
  const lbsSame = sameNames(data.loadBalancers, lbName, prev.names.loadBalancers);
  const servicesSame = sameNames(data.services, serviceName, prev.names.services);
  if (previous && nodesSame && replicasSame && lbsSame && servicesSame) return previous;
  const nodeOrder = nodesSame ? prev.nodeOrder : data.nodes.map(nodeName);
  return {
    nodeOrder,
    names: {
      nodes: nodesSame ? prev.names.nodes : [...nodeOrder].sort(),
      replicas: replicasSame ? prev.names.replicas : data.replicas.map(nodeName),
      loadBalancers: lbsSame ? prev.names.loadBalancers : data.loadBalancers.map(lbName),
      services: servicesSame ? prev.names.services : data.services.map(serviceName),
    },
  };
}
