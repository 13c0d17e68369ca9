/**
 * The capacity check's view of the fleet, read from what the services engine last measured: each
 * replica's availability over 24 h (availability monitor), each backend's request rate and each
 * server's state and weight (the load balancer's last `show stat`). The planner stays pure; this
 * is its adapter.
 */
import type { LoadBalancerStatus, ServiceAvailability } from '../../../shared/services';
import type { CapacityInputs } from '../runbooks/plan-capacity';
import { adminHeldOut } from '../services/lb-view';

export interface CapacitySources {
  /** AvailabilityMonitor.services(): per SLO, each of its backend's servers measured over 24 h. */
  services(): ServiceAvailability[];
  /** LbMonitor.statuses(): the last poll of each load balancer. */
  loadBalancers(): LoadBalancerStatus[];
}

export function capacityInputs(sources: CapacitySources): Required<Pick<CapacityInputs, 'replicaAvailability' | 'backendRate' | 'lbServer'>> {
  const measured = new Map<string, number | null>();
  for (const svc of sources.services()) {
    for (const r of svc.redundancy) for (const one of r.perReplica ?? []) measured.set(one.replica, one.single);
  }
  const lbs = new Map(sources.loadBalancers().map((l) => [l.name, l]));
  // A failed poll keeps the previous figures on the status: what HAProxy did not just say is not "now".
  const fresh = (lb: string) => {
    const status = lbs.get(lb);
    return status && status.lastError === null ? status : null;
  };
  return {
    replicaAvailability: (name) => measured.get(name) ?? null,
    // The peak of the last 5 minutes when the polls have one: a quiet second is not the load to plan for.
    backendRate: (lb, backend) => {
      const b = fresh(lb)?.backends?.find((x) => x.backend === backend);
      return b ? (b.ratePeak5m ?? b.rate ?? null) : null;
    },
    lbServer: (lb, backend, server) => {
      const row = fresh(lb)?.servers.find((s) => s.backend === backend && s.server === server);
      if (!row) return null;
      // The weight the operator set: during slowstart the effective one is only a share of it.
      return { ready: !adminHeldOut(row.status), weight: row.userWeight ?? row.weight, up: !/^DOWN\b/.test(row.status) };
    },
  };
}
