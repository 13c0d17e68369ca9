import { useRevealSubject } from '../../hooks';
import type { ViewProps } from '../types';
import { LoadBalancersPanel } from './LoadBalancersPanel';
import { ReplicasPanel } from './ReplicasPanel';
import { ServicesPanel } from './ServicesPanel';
import { subjectAnchorId } from './subject-anchor';

/**
 * What users are served: each service's availability against its SLO, the load balancers in
 * front of the replicas (with HAProxy's view beside the console's probes, and the change dialog
 * behind each button), then every replica. `#/service/NAME` and `#/lb/NAME` bring one into view.
 */
export function ServicesView({ snapshot, subject }: ViewProps) {
  const service = subject?.kind === 'service' ? subject.name : null;
  const lb = subject?.kind === 'lb' ? subject.name : null;
  const replica = subject?.kind === 'replica' ? subject.name : null;
  const missing =
    (service !== null && !snapshot.services.some((s) => s.service === service) && `No service named ${service} in the fleet.`) ||
    (lb !== null && !snapshot.loadBalancers.some((l) => l.name === lb) && `No load balancer named ${lb} in the fleet.`) ||
    null;
  const anchor = service !== null ? subjectAnchorId('service', service) : lb !== null ? subjectAnchorId('lb', lb) : null;
  useRevealSubject(anchor, missing === null);
  const nothing = snapshot.services.length === 0 && snapshot.loadBalancers.length === 0 && snapshot.replicas.length === 0 && snapshot.labServices === null;

  return (
    <div className="view-body">
      <header className="view-header">
        <h1>Services</h1>
      </header>
      {missing ? (
        <p className="note" role="status" data-testid="subject-missing">
          {missing}
        </p>
      ) : null}
      {nothing ? <p className="empty">The inventory declares no replica, load balancer or SLO.</p> : null}
      <ServicesPanel services={snapshot.services} selected={service} />
      <LoadBalancersPanel loadBalancers={snapshot.loadBalancers} replicas={snapshot.replicas} labServices={snapshot.labServices} selected={lb} />
      <ReplicasPanel replicas={snapshot.replicas} selected={replica} />
    </div>
  );
}
