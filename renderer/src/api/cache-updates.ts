import type { FleetSnapshot, PushEventPayload } from '../../../shared/contract';
import type { FleetEvent, HostKeyPrompt, LabInfo, NodeStatus } from '../../../shared/status';

/**
 * Pure folds of pushed events into cached data. They keep the identity of every object they do
 * not change, because the topology memoizes node tiles by status object: a batch that touches 3
 * nodes of 1,000 must re-render 3 tiles.
 */

/** Replaces statuses by name, keeping order; a name the snapshot did not have is appended. */
export function mergeNodeStatuses(snapshot: FleetSnapshot, updated: readonly NodeStatus[]): FleetSnapshot {
  if (updated.length === 0) return snapshot;
  const byName = new Map<string, NodeStatus>();
  for (const node of updated) byName.set(node.name, node);
  const nodes = snapshot.nodes.map((node) => {
    const next = byName.get(node.name);
    if (next === undefined) return node;
    byName.delete(node.name);
    return next;
  });
  for (const added of byName.values()) nodes.push(added);
  return { ...snapshot, nodes };
}

/**
 * Inserts an event into a list ordered newest first (by id, the store's append order), at most
 * `cap` long. The same id twice (a push that raced a fetch) is kept once. `undefined` (list not
 * loaded) stays `undefined`: the fetch will bring the event.
 */
export function insertEvent(list: FleetEvent[] | undefined, event: FleetEvent, cap: number): FleetEvent[] | undefined {
  if (list === undefined) return undefined;
  let at = 0;
  while (at < list.length && list[at].id > event.id) at++;
  if (at < list.length && list[at].id === event.id) return list;
  if (at >= cap) return list;
  const next = [...list.slice(0, at), event, ...list.slice(at)];
  return next.length > cap ? next.slice(0, cap) : next;
}

/**
 * A new inventory: its topology and error replace the old ones. While the file is invalid the
 * server keeps sending the last good topology, so a non-null error does not empty the console.
 * Nodes no longer in the topology are dropped so the summary counts what is shown.
 */
export function applyInventoryChange(snapshot: FleetSnapshot, change: PushEventPayload<'inventory.changed'>): FleetSnapshot {
  const next: FleetSnapshot = { ...snapshot, topology: change.topology, inventoryError: change.error };
  if (change.topology === null) return next;
  const names = new Set<string>();
  for (const region of change.topology.regions) for (const cluster of region.clusters) for (const n of cluster.nodes) names.add(n);
  const kept = snapshot.nodes.filter((node) => names.has(node.name));
  return kept.length === snapshot.nodes.length ? next : { ...next, nodes: kept };
}

export function applyPendingHostKeys(snapshot: FleetSnapshot, pending: HostKeyPrompt[]): FleetSnapshot {
  return { ...snapshot, pendingHostKeys: pending };
}

/** After a successful trust, the prompt goes away at once instead of waiting for hostKeys.changed. */
export function withoutPendingHostKey(snapshot: FleetSnapshot, node: string, fingerprint: string): FleetSnapshot {
  const pending = snapshot.pendingHostKeys.filter((p) => !(p.node === node && p.fingerprint === fingerprint));
  return pending.length === snapshot.pendingHostKeys.length ? snapshot : { ...snapshot, pendingHostKeys: pending };
}

export function applyLab(snapshot: FleetSnapshot, lab: LabInfo | null): FleetSnapshot {
  return { ...snapshot, lab };
}

/** The newer of two statuses for a cached node detail: the pushed one if it names this node. */
export function pickNodeUpdate(current: NodeStatus | undefined, updatedByName: ReadonlyMap<string, NodeStatus>): NodeStatus | undefined {
  if (current === undefined) return undefined;
  return updatedByName.get(current.name) ?? current;
}
