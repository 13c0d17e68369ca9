import { replaceEqualDeep } from '@tanstack/react-query';
import type { FleetSnapshot, PushEventPayload } from '../../../shared/contract';
import type { RunView } from '../../../shared/runbook';
import type { LabServicesInfo, LoadBalancerStatus, ReplicaStatus, ServiceAvailability } from '../../../shared/services';
import { applyNodeStatusChange, applyNodeSummaryChange } from '../../../shared/node-delta';
import { nodeSummary } from '../../../shared/node-summary';
import type { FleetEvent, HostKeyPrompt, LabInfo, NodeStatus } from '../../../shared/status';

/**
 * Pure folds of pushed events into cached data. They keep the identity of every object they do
 * not change, because the topology memoizes node tiles by status object: a batch that touches 3
 * nodes of 1,000 must re-render 3 tiles. Pushed objects are always new (they crossed JSON); the
 * cache's structural sharing (setQueryData runs TanStack's replaceEqualDeep) then gives back the
 * old object wherever the content did not change, e.g. the untouched servers of a re-polled load
 * balancer, so their rows skip rendering too.
 */

/**
 * Replaces items by key, keeping order; a key the list did not have is appended. Returns the
 * same array when nothing was pushed, so memoized views of it skip their work.
 */
function mergeByKey<T>(list: T[], updated: readonly T[], key: (item: T) => string): T[] {
  if (updated.length === 0) return list;
  const byKey = new Map<string, T>();
  for (const item of updated) byKey.set(key(item), item);
  const merged = list.map((item) => {
    const next = byKey.get(key(item));
    if (next === undefined) return item;
    byKey.delete(key(item));
    return next;
  });
  for (const added of byKey.values()) merged.push(added);
  return merged;
}

/**
 * Replaces nodes by name with the summaries of the pushed statuses (the snapshot holds each
 * GPU's face only: NodeSummary), keeping order; a name the snapshot did not have is appended.
 */
export function mergeNodeStatuses(snapshot: FleetSnapshot, updated: readonly NodeStatus[]): FleetSnapshot {
  if (updated.length === 0) return snapshot;
  return { ...snapshot, nodes: mergeByKey(snapshot.nodes, updated.map(nodeSummary), (n) => n.name) };
}

/**
 * A `nodes.updated` push folded into the snapshot: each change applied to the node's status (a
 * new object for it, and for each GPU that changed; the rest keep their identity), each whole
 * status put in place (a new name is appended), and `nodesSeq` advanced. Null when the push
 * does not follow the snapshot — its `seq` is not the next one (a push was missed, or the
 * snapshot is older or newer than the stream), or a change names a node or a GPU the snapshot
 * does not have — so the snapshot cannot be trusted any more and must be fetched again.
 */
export function applyNodesUpdate(snapshot: FleetSnapshot, update: PushEventPayload<'nodes.updated'>): FleetSnapshot | null {
  if (update.seq !== snapshot.nodesSeq + 1) return null;
  let nodes = snapshot.nodes;
  if (update.changes.length > 0) {
    const at = new Map<string, number>();
    nodes.forEach((n, i) => at.set(n.name, i));
    nodes = nodes.slice();
    for (const change of update.changes) {
      const i = at.get(change.name);
      const next = i === undefined ? null : applyNodeSummaryChange(nodes[i], change);
      if (i === undefined || next === null) return null;
      nodes[i] = next;
    }
  }
  return { ...mergeNodeStatuses({ ...snapshot, nodes }, update.nodes), nodesSeq: update.seq };
}

/** `replicas.updated` carries only the replicas that changed: merge them by name. */
export function mergeReplicas(snapshot: FleetSnapshot, updated: readonly ReplicaStatus[]): FleetSnapshot {
  if (updated.length === 0) return snapshot;
  return { ...snapshot, replicas: mergeByKey(snapshot.replicas, updated, (r) => r.name) };
}

/** `loadBalancers.updated`, and the reply of lb.setServerState / lb.setWeight: merge by name. */
export function mergeLoadBalancers(snapshot: FleetSnapshot, updated: readonly LoadBalancerStatus[]): FleetSnapshot {
  if (updated.length === 0) return snapshot;
  return { ...snapshot, loadBalancers: mergeByKey(snapshot.loadBalancers, updated, (lb) => lb.name) };
}

/**
 * `services.updated`: each pushed service replaces the one with its service name whole (its
 * figures are recomputed together, never patched); services not in the push are kept.
 */
export function replaceServices(snapshot: FleetSnapshot, updated: readonly ServiceAvailability[]): FleetSnapshot {
  if (updated.length === 0) return snapshot;
  return { ...snapshot, services: mergeByKey(snapshot.services, updated, (s) => s.service) };
}

/** `labServices.changed` and the replies of lab.replicaFault / lab.traffic replace the lab's inference side whole. */
export function applyLabServices(snapshot: FleetSnapshot, labServices: LabServicesInfo | null): FleetSnapshot {
  return { ...snapshot, labServices };
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
 * The events lists' structural sharing (queries/events.ts): the cache's event objects, matched
 * by id, stand in for equal new ones, so a row memoized on its event (EventList) renders once.
 * TanStack's default matches array items by position: an event inserted at the top shifts every
 * other one, so it copied them all and every row of the list rendered again on each pushed event
 * (200 rows, about 2 ms, per event while the fleet is changing). An id whose event differs (a
 * store started afresh behind an open page) takes the new one.
 */
export function shareEventsById(old: unknown, next: unknown): unknown {
  if (!Array.isArray(old) || !Array.isArray(next)) return next;
  const before = new Map((old as FleetEvent[]).map((e) => [e.id, e]));
  let same = old.length === next.length;
  const shared = (next as FleetEvent[]).map((e, i) => {
    const kept = before.get(e.id);
    const use = kept !== undefined && sameEvent(kept, e) ? kept : e;
    if (use !== old[i]) same = false;
    return use;
  });
  return same ? old : shared;
}

function sameEvent(a: FleetEvent, b: FleetEvent): boolean {
  return a === b || (a.ts === b.ts && a.kind === b.kind && a.subject === b.subject && a.severity === b.severity && a.message === b.message);
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

/**
 * A `nodes.updated` push folded into a node's detail (the whole status `node.get` gave): its
 * whole status when the push carries one, else its changes applied in order. The detail's reply
 * and the pushes come in the order the server sent them, so the detail is the status the next
 * change was made against — as long as no push was missed (`inStep`: the snapshot took this
 * push). The same object when the push does not name the node; null when the detail cannot
 * be brought up to date (a missed push, a change that does not fit): it must be fetched again.
 */
export function applyNodesUpdateToDetail(current: NodeStatus, update: PushEventPayload<'nodes.updated'>, inStep: boolean): NodeStatus | null {
  let whole: NodeStatus | undefined;
  for (const n of update.nodes) if (n.name === current.name) whole = n;
  if (whole) return whole;
  let next: NodeStatus | null = current;
  for (const change of update.changes) {
    if (change.name !== current.name) continue;
    if (!inStep) return null;
    next = applyNodeStatusChange(next, change);
    if (next === null) return null;
  }
  return next;
}

/** `run.updated` carries the whole run: it replaces the one with its id, or joins the list. */
export function mergeRunIntoList(list: RunView[], run: RunView): RunView[] {
  return mergeByKey(list, [run], (r) => r.id);
}

export function mergeRun(snapshot: FleetSnapshot, run: RunView): FleetSnapshot {
  return { ...snapshot, runs: mergeRunIntoList(snapshot.runs, run) };
}

/**
 * A reply to runbooks.run / runs.* lands after pushes sent while the call was in flight, so it may
 * be older than what the cache holds: it only adds a run the cache does not know yet; the pushes
 * (and the refetch after the call) carry the rest.
 */
export function addRunIfAbsent(list: RunView[], run: RunView): RunView[] {
  return list.some((r) => r.id === run.id) ? list : [...list, run];
}

export function applyReadOnly(snapshot: FleetSnapshot, readOnly: FleetSnapshot['readOnly']): FleetSnapshot {
  return { ...snapshot, readOnly };
}

/**
 * The snapshot query's structural sharing (its `structuralSharing` option). TanStack's default
 * deep-compares everything a push replaced, to give back old objects where the content did not
 * change. For node statuses that buys nothing and costs the most: a status is pushed because it
 * changed (at least its probe time), so its object is new anyway, and comparing its GPUs field
 * by field is the largest piece of the work of a `nodes.updated` push on a 1,000-node fleet.
 * Node arrays are taken as merged (mergeByKey keeps every status a push did not touch; the tiles
 * compare what they show, see NodeTile); everything else (replicas, load balancer servers,
 * services, runs: few, and their rows memoized by identity) keeps TanStack's deep sharing.
 */
export function shareSnapshot(previous: unknown, next: unknown): unknown {
  if (previous === undefined || previous === null || next === null || typeof next !== 'object' || typeof previous !== 'object' || previous === next) return next;
  const old = previous as Record<string, unknown>;
  const fresh = next as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let same = Object.keys(old).length === Object.keys(fresh).length;
  for (const key of Object.keys(fresh)) {
    const value = key === 'nodes' ? sameItems(old[key], fresh[key]) : replaceEqualDeep(old[key], fresh[key]);
    out[key] = value;
    if (value !== old[key]) same = false;
  }
  return same ? previous : out;
}

/** The old array when both hold the very same items (a refetch that changed nothing of it), else the new one. */
function sameItems(a: unknown, b: unknown): unknown {
  if (a === b || !Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return b;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return b;
  return a;
}
