import type { QueryClient } from '@tanstack/react-query';
import type { PushEvent } from '../../../shared/contract';
import type { NodeStatus } from '../../../shared/status';
import {
  applyInventoryChange,
  applyLab,
  applyLabServices,
  applyPendingHostKeys,
  insertEvent,
  mergeLoadBalancers,
  mergeNodeStatuses,
  mergeReplicas,
  mergeRun,
  mergeRunIntoList,
  pickNodeUpdate,
  replaceServices,
} from './cache-updates';
import { EVENTS_CACHE_CAP, eventQueries } from './queries/events';
import { fleetQueries } from './queries/fleet';
import { nodeQueries } from './queries/nodes';
import { runQueries } from './queries/runbooks';
import type { Transport } from './transport';

/** Folds one pushed event into the query cache (the renderer never polls). */
export function applyPushEvent(client: QueryClient, push: PushEvent): void {
  const snapshotKey = fleetQueries.snapshot().queryKey;
  switch (push.event) {
    case 'nodes.updated': {
      client.setQueryData(snapshotKey, (s) => s && mergeNodeStatuses(s, push.payload.nodes));
      const byName = new Map(push.payload.nodes.map((n) => [n.name, n]));
      // Only node details someone opened are cached: touch those, not one key per pushed node.
      for (const [key, current] of client.getQueriesData<NodeStatus>({ queryKey: nodeQueries.all() })) {
        const next = pickNodeUpdate(current, byName);
        if (next !== current) client.setQueryData(key, next);
      }
      return;
    }
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
      return;
  }
}

/** The name of the mark set for each push when PUSH_MARKS_FLAG is on: the prefix, then the event's name. */
export const PUSH_MARK_PREFIX = 'fleetops:push:';
/** A global a measuring harness sets before the page's scripts run (an init script) to get push marks. */
export const PUSH_MARKS_FLAG = '__FLEETOPS_PUSH_MARKS__';

function pushMarksEnabled(): boolean {
  return (globalThis as Record<string, unknown>)[PUSH_MARKS_FLAG] === true && typeof performance !== 'undefined' && typeof performance.mark === 'function';
}

/**
 * Wires a transport's pushes into the cache, and refetches everything after a reconnect:
 * events pushed while the socket was down are lost, so the cache can only be trusted again
 * once the server has been asked afresh.
 */
export function syncCacheWithTransport(client: QueryClient, transport: Transport): () => void {
  let hasBeenOpen = transport.connection().status === 'open';
  const mark = pushMarksEnabled();
  const stopEvents = transport.onEvent((push) => {
    // One user-timing mark per push, in the task that received it (bench/ui.ts attributes the
    // main thread's work to pushes from a trace by these marks); off unless a bench asks.
    if (mark) performance.mark(`${PUSH_MARK_PREFIX}${push.event}`);
    applyPushEvent(client, push);
  });
  const stopConnection = transport.onConnection((state) => {
    if (state.status !== 'open') return;
    if (hasBeenOpen) void client.invalidateQueries();
    hasBeenOpen = true;
  });
  return () => {
    stopEvents();
    stopConnection();
  };
}
