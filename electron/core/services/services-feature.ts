/**
 * The inference side as a feature: the replica probes, load balancer polls and availability
 * figures run as one background service, and `availability.series` answers from the request
 * buckets (migration 2, the store's own). The engine itself is built by the core, which shares
 * its live views (replica health, LB state) with the runbooks, the gate and the history.
 */
import type { CoreFeature, FeatureDefinition } from '../feature';
import type { AvailabilityMonitor } from './availability-monitor';
import type { ServicesEngine } from './services-engine';

export const SERVICES: FeatureDefinition = { name: 'services', migrations: [] };

export interface ServicesNeeds {
  engine: Pick<ServicesEngine, 'start' | 'stop'> & { readonly availability: Pick<AvailabilityMonitor, 'series'> };
}

export function servicesFeature({ engine }: ServicesNeeds): CoreFeature<'availability.series'> {
  return {
    ...SERVICES,
    handlers: {
      'availability.series': async ({ service, range }) => engine.availability.series(service, range),
    },
    services: [{ name: 'replicas, load balancers and availability', start: () => engine.start(), stop: () => engine.stop() }],
  };
}
