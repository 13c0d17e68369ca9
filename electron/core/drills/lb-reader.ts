/**
 * The planner's LbReader from HAProxy itself (`show servers state`, read once per load balancer
 * just before planning): the restore of a load-balancer fault puts back what HAProxy holds now,
 * not what a poll a few seconds old said.
 */
import type { ServerStateRow } from '../haproxy/parse-servers-state';
import type { HaproxyRuntime } from '../haproxy/runtime-client';
import type { LbReader, LbServerReading } from './drill-inputs';

/**
 * A server's admin state as a drill restores it: in maintenance for any reason (forced, from the
 * configuration's `disabled`, inherited, unresolved), else draining, else ready; its user weight;
 * and up when HAProxy runs it (its checks pass).
 */
export function readingOf(row: Pick<ServerStateRow, 'adminFlags' | 'userWeight' | 'opState'>): LbServerReading {
  const state = row.adminFlags.some((f) => f.endsWith('-maint')) ? 'maint' : row.adminFlags.some((f) => f.endsWith('-drain')) ? 'drain' : 'ready';
  return { state, weight: row.userWeight, up: row.opState === 'running' };
}

/**
 * Reads every named load balancer; one that does not answer reads as null for all its servers
 * (the planner then refuses what would need it, saying which load balancer did not answer).
 */
export async function readLbServers(runtimes: ReadonlyMap<string, Pick<HaproxyRuntime, 'showServersState'>>): Promise<LbReader> {
  const rows = new Map<string, Map<string, LbServerReading>>();
  await Promise.all(
    [...runtimes].map(async ([lb, runtime]) => {
      const state = await runtime.showServersState().catch(() => null);
      if (state) rows.set(lb, new Map(state.map((r) => [`${r.backend}/${r.server}`, readingOf(r)])));
    }),
  );
  return (lb, backend, server) => rows.get(lb)?.get(`${backend}/${server}`) ?? null;
}
