/**
 * The capacity check's view of the fleet, read from what the services engine last measured: each
 * replica's availability over 24 h (availability monitor) and each backend's request rate
 * (the load balancer's last `show stat`). The planner stays pure; this is its adapter.
 */
import type { LoadBalancerStatus, ServiceAvailability } from '../../../shared/services';
import type { CapacityInputs } from '../runbooks/plan-capacity';

export interface CapacitySources {
  /** AvailabilityMonitor.services(): per SLO, each of its backend's servers measured over 24 h. */
  services(): ServiceAvailability[];
  /** LbMonitor.statuses(): the last poll of each load balancer. */
  loadBalancers(): LoadBalancerStatus[];
}

export function capacityInputs(sources: CapacitySources): Required<Pick<CapacityInputs, 'replicaAvailability' | 'backendRate'>> {
  const measured = new Map<string, number | null>();
  for (const svc of sources.services()) {
    for (const r of svc.redundancy) for (const one of r.perReplica ?? []) measured.set(one.replica, one.single);
  }
  const lbs = new Map(sources.loadBalancers().map((l) => [l.name, l]));
  return {
    replicaAvailability: (name) => measured.get(name) ?? null,
    backendRate: (lb, backend) => {
      const status = lbs.get(lb);
      // A failed poll keeps the previous figures on the status: a rate HAProxy did not just give is not "now".
      if (!status || status.lastError !== null) return null;
      return status.backends?.find((b) => b.backend === backend)?.rate ?? null;
    },
  };
}
