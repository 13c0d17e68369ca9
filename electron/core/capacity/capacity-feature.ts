/**
 * Spare capacity (issue 13) as a feature: `capacity.overview` computed from the engines' latest
 * measurements, and `capacity.updated` pushed when it changes — looked at after any push that
 * feeds it (nodes, replicas, load balancers, services, training), at most once per interval.
 */
import type { CapacityOverview } from '../../../shared/capacity';
import type { PushEvent } from '../../../shared/contract';
import type { CoreFeature, FeatureDefinition, Push } from '../feature';
import { realTimers, type Timers } from '../probe/scheduler';
import type { CapacityFacts } from './capacity-facts';
import { capacityOverview } from './capacity-model';

export const CAPACITY: FeatureDefinition = { name: 'capacity', migrations: [] };

export interface CapacityNeeds {
  /** The fleet's facts now; null without an inventory. */
  facts: () => CapacityFacts | null;
  subscribe: (listener: (e: PushEvent) => void) => () => void;
  push: Push;
  now: () => number;
  timers?: Timers;
  /** The least time between two recomputations after changes (default 1 s). */
  publishEveryMs?: number;
}

const FEEDS = new Set(['nodes.updated', 'replicas.updated', 'loadBalancers.updated', 'services.updated', 'training.updated', 'inventory.changed']);

export interface CapacityFeature extends CoreFeature<'capacity.overview'> {
  overview(): CapacityOverview;
}

export function capacityFeature(needs: CapacityNeeds): CapacityFeature {
  const timers = needs.timers ?? realTimers;
  let timer: unknown = null;
  let unsubscribe: (() => void) | null = null;
  let lastPushed = '';

  const overview = (): CapacityOverview => {
    const facts = needs.facts();
    return facts ? capacityOverview(facts) : { at: needs.now(), domains: [], services: [], spareNodes: [], worst: 'survives' };
  };
  const publish = () => {
    timer = null;
    const next = overview();
    // `at` changes every time: compare what an operator would see.
    const key = JSON.stringify({ ...next, at: 0 });
    if (key === lastPushed) return;
    lastPushed = key;
    needs.push('capacity.updated', next);
  };
  const schedule = () => {
    if (timer === null) timer = timers.setTimeout(publish, needs.publishEveryMs ?? 1000);
  };

  return {
    ...CAPACITY,
    overview,
    handlers: { 'capacity.overview': async () => overview() },
    services: [
      {
        name: 'capacity',
        start() {
          unsubscribe = needs.subscribe((e) => {
            if (FEEDS.has(e.event)) schedule();
          });
          schedule();
        },
        stop() {
          unsubscribe?.();
          unsubscribe = null;
          if (timer !== null) timers.clearTimeout(timer);
          timer = null;
        },
      },
    ],
  };
}
