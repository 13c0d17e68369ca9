import { useMemo, type ReactNode } from 'react';
import type { ReplicaHealth, ReplicaStatus, ServiceAvailability } from '../../../shared/services';
import type { NodeSummary } from '../../../shared/status';
import { useConnectionState } from '../api/connection-hooks';
import { countSloStates } from '../model/availability-format';
import { countReplicasByHealth, REPLICA_HEALTH_ORDER } from '../model/replica-health';
import { HEALTH_ORDER, summarize } from '../model/summary';

/** `count-<health>` counts nodes; replicas have their own ids, except `throttled`, which only replicas can be. */
const replicaCountId = (health: ReplicaHealth) => (health === 'throttled' ? 'count-throttled' : `replica-count-${health}`);

interface Props {
  nodes: readonly NodeSummary[];
  replicas: readonly ReplicaStatus[];
  services: readonly ServiceAvailability[];
  kind: 'ipc' | 'websocket';
  /** Header controls (the read-only switch), shown before the connection state. */
  children?: ReactNode;
}

export function SummaryBar({ nodes, replicas, services, kind, children }: Props) {
  const summary = useMemo(() => summarize(nodes), [nodes]);
  const replicaCounts = useMemo(() => countReplicasByHealth(replicas), [replicas]);
  const slo = useMemo(() => countSloStates(services), [services]);
  const connection = useConnectionState();
  return (
    <div className="summary" data-testid="summary">
      <span className="summary-title">fleetops</span>
      <span className="summary-item">{summary.nodes} nodes</span>
      {HEALTH_ORDER.map((health) => (
        <span key={health} className={`summary-count h-${health}`} data-testid={`count-${health}`} data-count={summary.byHealth[health]}>
          <span className="dot" aria-hidden="true" />
          {summary.byHealth[health]} {health}
        </span>
      ))}
      <span className="summary-item" data-testid="gpu-count">
        GPUs {summary.gpusHealthy} / {summary.gpusTotal} healthy
      </span>
      {replicas.length > 0 ? (
        <span className="summary-group" data-testid="replica-summary">
          <span className="summary-item">{replicas.length} replicas</span>
          {REPLICA_HEALTH_ORDER.map((health) =>
            // Spares standing by are no health verdict: counted apart, muted, and only when there are some.
            health === 'standby' && replicaCounts.standby === 0 ? null : (
              <span
                key={health}
                className={`summary-count h-${health}`}
                data-testid={replicaCountId(health)}
                data-count={replicaCounts[health]}
                title={health === 'standby' ? 'spares out of rotation, not warm (cold, or warm but unverified): not a problem' : undefined}
              >
                <span className="dot" aria-hidden="true" />
                {replicaCounts[health]} {health === 'standby' ? 'spare standing by' : health}
              </span>
            ),
          )}
        </span>
      ) : null}
      {services.length > 0 ? (
        <span className="summary-group" data-testid="slo-summary">
          <span className="summary-item">
            SLO:{' '}
            <span className="slo-meeting" data-testid="slo-meeting" data-count={slo.meeting}>
              {slo.meeting} meeting
            </span>
            {' · '}
            <span className="slo-missing" data-testid="slo-missing" data-count={slo.missing}>
              {slo.missing} missing
            </span>
            {slo['no-data'] > 0 ? (
              <span className="muted" data-testid="slo-no-data" data-count={slo['no-data']}>
                {' '}
                · {slo['no-data']} without traffic
              </span>
            ) : null}
          </span>
        </span>
      ) : null}
      {children}
      <span className={`summary-conn conn-${connection.status}`} data-testid="connection-state" data-status={connection.status}>
        {kind === 'ipc' ? 'local' : 'server'}: {connection.status}
      </span>
    </div>
  );
}
