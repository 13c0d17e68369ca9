/**
 * From a drill's targets to the subjects a fault changes: a node target stands for the replicas
 * it hosts, a region for every node and replica in it, a replica for its node when the fault is a
 * node's. Each list is in inventory order, each subject once.
 */
import type { ChosenTarget } from '../../../shared/drill';
import { FleetError } from '../../../shared/errors';
import type { FleetView } from '../runbooks/plan-context';

/** Replicas the targets stand for: the replica, the node's replicas, the region's replicas. */
export function affectedReplicas(targets: readonly ChosenTarget[], fleet: FleetView): string[] {
  const out = new Set<string>();
  for (const t of targets) {
    if (t.kind === 'replica') {
      out.add(t.name);
    } else {
      for (const r of fleet.inventory.replicas) if ((t.kind === 'node' ? r.node : r.region) === t.name) out.add(r.name);
    }
  }
  return inInventoryOrder(fleet, [...out]);
}

/** Nodes the targets stand for: the replica's node, the node, the region's nodes. */
export function affectedNodes(targets: readonly ChosenTarget[], fleet: FleetView): string[] {
  const out = new Set<string>();
  for (const t of targets) {
    if (t.kind === 'node') {
      out.add(t.name);
    } else if (t.kind === 'region') {
      for (const n of fleet.inventory.nodes) if (n.region === t.name) out.add(n.name);
    } else {
      const node = fleet.replica(t.name)?.node;
      if (!node) throw new FleetError('BAD_REQUEST', `replica ${t.name} runs on no inventory node (an external provider?), so a node fault cannot reach it`, { subject: t.name });
      out.add(node);
    }
  }
  return fleet.inventory.nodes.map((n) => n.name).filter((n) => out.has(n));
}

/** Replicas running on any of `nodes`. */
export function replicasOnNodes(fleet: FleetView, nodes: readonly string[]): string[] {
  return fleet.inventory.replicas.filter((r) => r.node !== null && nodes.includes(r.node)).map((r) => r.name);
}

/** The targets' replicas that are servers of some load-balancer backend. */
export function servingServers(targets: readonly ChosenTarget[], fleet: FleetView): string[] {
  return affectedReplicas(targets, fleet).filter((r) => fleet.placements(r).length > 0);
}

function inInventoryOrder(fleet: FleetView, names: string[]): string[] {
  const order = new Map(fleet.inventory.replicas.map((r, i) => [r.name, i]));
  return names.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}
