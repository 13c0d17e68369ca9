import { hashKey, type QueryClient } from '@tanstack/react-query';
import type { FleetSnapshot, PushEvent, PushEventName, PushEventPayload } from '../../../shared/contract';
import type { NodeStatus } from '../../../shared/status';
import {
  applyInventoryChange,
  applyLab,
  applyLabServices,
  applyNodesUpdate,
  applyPendingHostKeys,
  insertEvent,
  mergeLoadBalancers,
  mergeReplicas,
  mergeRun,
  mergeRunIntoList,
  applyNodesUpdateToDetail,
  replaceServices,
} from './cache-updates';
import { applyDrillRun } from './drill-cache';
import { applyIncident } from './incident-cache';
import { capacityQueries } from './queries/capacity';
import { perfMarksEnabled } from './perf-marks';
import { INCIDENT_RUNS } from './queries/incidents';
import { EVENTS_CACHE_CAP, eventQueries } from './queries/events';
import { fleetQueries } from './queries/fleet';
import { nodeQueries } from './queries/nodes';
import { runQueries } from './queries/runbooks';
import { trainingQueries } from './queries/training';
import { SnapshotHold } from './snapshot-hold';
import type { Transport } from './transport';

/**
 * Whether each push changes the fleet snapshot (wholly or in part): those wait while a snapshot
 * reply is on its way to the cache (snapshot-hold.ts), and are applied whole, in order. A record
 * of every push, so a new one does not compile until it says which it is.
 */
const CHANGES_SNAPSHOT: Record<PushEventName, boolean> = {
  'nodes.updated': true,
  'event.appended': false,
  'inventory.changed': true,
  'hostKeys.changed': true,
  'lab.changed': true,
  'replicas.updated': true,
  'loadBalancers.updated': true,
  'services.updated': true,
  'labServices.changed': true,
  'run.updated': true,
  'drill.updated': false,
  'incident.updated': false,
  'training.updated': false,
  'capacity.updated': false,
};

const changesSnapshot = (push: PushEvent): boolean => CHANGES_SNAPSHOT[push.event];

/** Folds one pushed event into the query cache (the renderer never polls). */
export function applyPushEvent(client: QueryClient, push: PushEvent): void {
  const snapshotKey = fleetQueries.snapshot().queryKey;
  switch (push.event) {
    case 'nodes.updated':
      applyNodesPush(client, push.payload);
      return;
    case 'event.appended': {
      const event = push.payload;
      client.setQueryData(eventQueries.list().queryKey, (list) => insertEvent(list, event, EVENTS_CACHE_CAP));
      if (event.subject !== null) {
        client.setQueryData(eventQueries.list(event.subject).queryKey, (list) => insertEvent(list, event, EVENTS_CACHE_CAP));
      }
      return;
    }
    case 'inventory.changed':
      client.setQueryData(snapshotKey, (s) => s && applyInventoryChange(s, push.payload));
      // Added nodes have statuses only the server knows: fetch the snapshot once more.
      void client.invalidateQueries({ queryKey: snapshotKey });
      return;
    case 'hostKeys.changed':
      client.setQueryData(snapshotKey, (s) => s && applyPendingHostKeys(s, push.payload.pending));
      return;
    case 'lab.changed':
      client.setQueryData(snapshotKey, (s) => s && applyLab(s, push.payload));
      return;
    case 'replicas.updated':
      client.setQueryData(snapshotKey, (s) => s && mergeReplicas(s, push.payload.replicas));
      return;
    case 'loadBalancers.updated':
      client.setQueryData(snapshotKey, (s) => s && mergeLoadBalancers(s, push.payload.loadBalancers));
      return;
    case 'services.updated':
      client.setQueryData(snapshotKey, (s) => s && replaceServices(s, push.payload.services));
      return;
    case 'labServices.changed':
      client.setQueryData(snapshotKey, (s) => s && applyLabServices(s, push.payload));
      return;
    case 'run.updated':
      client.setQueryData(snapshotKey, (s) => s && mergeRun(s, push.payload));
      client.setQueryData(runQueries.list().queryKey, (list) => list && mergeRunIntoList(list, push.payload));
      // An incident page open now lists the runs during it: read again (only a page on screen refetches).
      void client.invalidateQueries({ queryKey: INCIDENT_RUNS });
      return;
    case 'drill.updated':
      applyDrillRun(client, push.payload);
      void client.invalidateQueries({ queryKey: INCIDENT_RUNS });
      return;
    case 'incident.updated':
      applyIncident(client, push.payload);
      return;
    case 'training.updated':
      // The whole overview, every time: it replaces what is cached (cached even before the view opens: the sidebar's badge reads it).
      client.setQueryData(trainingQueries.overview().queryKey, push.payload);
      return;
    case 'capacity.updated':
      // Likewise whole: the sidebar's badge and the Overview's warning read it before the view opens.
      client.setQueryData(capacityQueries.overview().queryKey, push.payload);
      return;
  }
}

/**
 * `nodes.updated` carries changes made against the statuses of the push before it. Merged into
 * the snapshot when it follows it (its `seq` is the next); otherwise a push was missed (or the
 * snapshot belongs to another stream, e.g. a server restarted) and the snapshot is fetched again
 * rather than patched into something the server never had. With no snapshot yet, the push is
 * left out: the fetch on its way includes it, or is followed by the push after it.
 */
function applyNodesPush(client: QueryClient, update: PushEventPayload<'nodes.updated'>): void {
  const snapshotKey = fleetQueries.snapshot().queryKey;
  const cached = client.getQueryData<FleetSnapshot>(snapshotKey);
  const merged = cached === undefined ? null : applyNodesUpdate(cached, update);
  if (merged) client.setQueryData(snapshotKey, merged);
  // cancelRefetch false: a fetch already on its way is the refetch (pushes every 200 ms must not restart a megabyte one).
  else if (cached !== undefined) void client.invalidateQueries({ queryKey: snapshotKey }, { cancelRefetch: false });
  // Only node details someone opened are cached: touch those, not one key per pushed node.
  const details = client.getQueriesData<NodeStatus>({ queryKey: nodeQueries.all() });
  for (const [key, current] of details) {
    if (current === undefined) continue;
    // In step unless the snapshot saw a push missing (with no snapshot yet there is nothing to tell by).
    const next = applyNodesUpdateToDetail(current, update, merged !== null || cached === undefined);
    if (next === null) void client.invalidateQueries({ queryKey: key, exact: true }, { cancelRefetch: false });
    else if (next !== current) client.setQueryData(key, next);
  }
}

/** The name of the mark set for each push when perf marks are on (perf-marks.ts): the prefix, then the event's name. */
export const PUSH_MARK_PREFIX = 'fleetops:push:';

/**
 * Wires a transport's pushes into the cache, and refetches everything after a reconnect:
 * events pushed while the socket was down are lost, so the cache can only be trusted again
 * once the server has been asked afresh.
 */
export function syncCacheWithTransport(client: QueryClient, transport: Transport): () => void {
  let hasBeenOpen = transport.connection().status === 'open';
  const mark = perfMarksEnabled();
  const snapshotHash = hashKey(fleetQueries.snapshot().queryKey);
  const hold = new SnapshotHold(
    (push) => applyPushEvent(client, push),
    () => void client.invalidateQueries(),
  );
  const stopReplies = transport.onReply((method) => {
    if (method === 'fleet.snapshot') hold.replyArrived();
  });
  const stopStored = client.getQueryCache().subscribe((e) => {
    if (e.type !== 'updated' || e.query.queryHash !== snapshotHash) return;
    const { action } = e;
    // Stored from a fetch (a push's own setQueryData is `manual`)…
    const stored = action.type === 'success' && action.manual !== true;
    // …or the fetch ended without storing it (failed, or cancelled): what is cached stays, and takes what was kept.
    const ended = action.type !== 'success' && e.query.state.fetchStatus === 'idle';
    if (stored || ended) hold.release();
  });
  const stopEvents = transport.onEvent((push) => {
    // One user-timing mark per push, in the task that received it (bench/ui.ts attributes the
    // main thread's work to pushes from a trace by these marks); off unless a bench asks.
    if (mark) performance.mark(`${PUSH_MARK_PREFIX}${push.event}`);
    if (changesSnapshot(push)) hold.offer(push);
    else applyPushEvent(client, push);
  });
  const stopConnection = transport.onConnection((state) => {
    if (state.status !== 'open') return;
    if (hasBeenOpen) void client.invalidateQueries();
    hasBeenOpen = true;
  });
  return () => {
    stopEvents();
    stopReplies();
    stopStored();
    stopConnection();
  };
}
