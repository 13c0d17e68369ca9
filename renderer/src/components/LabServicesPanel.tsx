import { memo } from 'react';
import type { LabServicesInfo } from '../../../shared/services';
import { useConnectionState } from '../api/connection-hooks';
import { LabReplicaFaults } from './LabReplicaFaults';
import { LabTraffic } from './LabTraffic';

/** The lab's inference side (shown only when the server runs with --lab): replica faults and the traffic generator. Memoized: status pushes leave `info` as it is. */
export const LabServicesPanel = memo(function LabServicesPanel({ info }: { info: LabServicesInfo }) {
  const connected = useConnectionState().status === 'open';
  return (
    <section className="panel lab" aria-labelledby="lab-replica-title" data-testid="lab-replica-panel">
      <h2 id="lab-replica-title">Lab inference</h2>
      <p className="muted">
        {info.replicas.length} fake replicas
        {info.loadBalancer.available && info.loadBalancer.frontendUrl ? (
          <>
            {' '}
            · HAProxy frontend <span className="mono">{info.loadBalancer.frontendUrl}</span>
          </>
        ) : (
          ` · no load balancer${info.loadBalancer.reason ? `: ${info.loadBalancer.reason}` : ''}`
        )}
      </p>
      <LabReplicaFaults replicas={info.replicas} connected={connected} />
      <LabTraffic traffic={info.traffic} connected={connected} />
    </section>
  );
});
