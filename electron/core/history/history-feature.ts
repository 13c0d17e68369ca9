/**
 * The history as a feature: its tables (migration 7) and `history.series`. The store itself is
 * opened by the core, which hands it to the monitors as their sink; this feature only answers
 * queries, and tells "nothing kept yet" (an empty series) from "no such subject" (NOT_FOUND) by
 * what the fleet has now.
 */
import { FleetError } from '../../../shared/errors';
import type { HistoryQuery } from '../../../shared/history';
import type { CoreFeature, FeatureDefinition } from '../feature';
import type { ResolvedLoadBalancer } from '../inventory/resolve-services';
import { HISTORY_MIGRATION } from './history-migration';
import { lbServerSubject } from './history-sink';
import type { HistoryStore } from './history-store';

export const HISTORY: FeatureDefinition = { name: 'history', migrations: [HISTORY_MIGRATION] };

/** The subjects the fleet has now, as the history names them. */
export interface HistorySubjects {
  /** How many GPUs the node has; undefined when there is no such node. */
  gpuCount(node: string): number | undefined;
  hasReplica(name: string): boolean;
  loadBalancers(): readonly Pick<ResolvedLoadBalancer, 'name' | 'backends'>[];
}

export interface HistoryNeeds {
  /** null when the core was started with the history off. */
  history: Pick<HistoryStore, 'series'> | null;
  subjects: HistorySubjects;
}

export function historyFeature({ history, subjects }: HistoryNeeds): CoreFeature<'history.series'> {
  return {
    ...HISTORY,
    handlers: {
      'history.series': async (q) => {
        if (!history) throw new FleetError('NOT_FOUND', 'this console keeps no history (it was started with the history off)');
        return history.series(q, (known) => inFleet(subjects, known));
      },
    },
  };
}

/** Whether the fleet has the subject of a history query (so no history yet is an empty series, not NOT_FOUND). */
export function inFleet(subjects: HistorySubjects, q: HistoryQuery): boolean {
  switch (q.kind) {
    case 'gpu':
      return q.gpu < (subjects.gpuCount(q.subject) ?? 0);
    case 'node':
      return subjects.gpuCount(q.subject) !== undefined;
    case 'replica':
      return subjects.hasReplica(q.subject);
    case 'lbServer':
      return subjects.loadBalancers().some((lb) => lb.backends.some((b) => b.servers.some((s) => lbServerSubject(lb.name, b.name, s) === q.subject)));
  }
}
