import { memo, useMemo } from 'react';
import type { LabServicesInfo, LoadBalancerStatus, ReplicaStatus } from '../../../../shared/services';
import { useConnectionState } from '../../api/connection-hooks';
import { useNow } from '../../hooks';
import { formatWhen } from '../../model/format';
import { backendRateText, groupByBackend } from '../../model/lb-view';
import { listClass } from '../../model/long-list';
import { lbHref } from '../../model/route';
import { FleetErrorNote } from '../../components/FleetErrorNote';
import { LB_SERVER_COLUMNS, LbServerRow } from './LbServerRow';
import { LbStatusStrips } from '../../plots/LbStatusStrips';
import { subjectAnchorId } from './subject-anchor';

/** The header's "last poll … ago" ticks on its own, so the server rows below are not re-rendered by the clock. */
function LastPoll({ at }: { at: number | null }) {
  const now = useNow(5_000);
  return <span data-testid="lb-last-poll">last poll {formatWhen(at, now)}</span>;
}

interface SectionProps {
  lb: LoadBalancerStatus;
  replicasByName: ReadonlyMap<string, ReplicaStatus>;
  connected: boolean;
  selected: boolean;
}

/** One load balancer → its backends → their servers, each beside the console's probe of that replica. */
const LoadBalancerSection = memo(function LoadBalancerSection({ lb, replicasByName, connected, selected }: SectionProps) {
  const backends = useMemo(() => groupByBackend(lb.servers), [lb.servers]);
  return (
    <section
      className={`lb h-${lb.health}${selected ? ' selected' : ''}`}
      id={subjectAnchorId('lb', lb.name)}
      tabIndex={-1}
      data-testid={`lb-${lb.name}`}
      data-health={lb.health}
      aria-label={`load balancer ${lb.name}`}
      aria-current={selected ? 'true' : undefined}
    >
      <header className="lb-header">
        <a className="lb-name mono" href={lbHref(lb.name)}>
          {lb.name}
        </a>
        <span className={`pill h-${lb.health}`}>{lb.health}</span>
        <span className="mono muted">{lb.frontendUrl}</span>
        <span className="lb-poll muted">
          <LastPoll at={lb.lastPollAt} />
        </span>
      </header>
      {lb.reasons.length > 0 ? (
        <ul className="reasons">
          {lb.reasons.map((r, i) => (
            <li key={i} data-testid="lb-reason">
              {r}
            </li>
          ))}
        </ul>
      ) : null}
      {lb.lastError ? <FleetErrorNote error={lb.lastError} context="last poll" /> : null}
      {backends.length === 0 ? <p className="empty">HAProxy reported no server.</p> : null}
      {backends.map((backend) => (
        <div key={backend.name} className="lb-backend" data-testid={`lb-backend-${lb.name}-${backend.name}`}>
          <h3>
            backend {backend.name}{' '}
            <span className="muted" data-testid={`lb-backend-rate-${lb.name}-${backend.name}`}>
              {backendRateText(lb.backends?.find((b) => b.backend === backend.name))}
            </span>
          </h3>
          <div className={listClass('lb-servers', backend.servers.length)} role="table" aria-label={`backend ${backend.name}`}>
            <div role="row" className="grid-row lb-server grid-head">
              {LB_SERVER_COLUMNS.map((c) => (
                <div role="columnheader" key={c}>
                  {c}
                </div>
              ))}
            </div>
            {backend.servers.map((server) => (
              <LbServerRow
                key={server.server}
                loadBalancer={lb.name}
                server={server}
                replica={server.replica === null ? undefined : replicasByName.get(server.replica)}
                connected={connected}
              />
            ))}
          </div>
        </div>
      ))}
      {/* One history read per server: only for the load balancer the operator opened (#/lb/NAME). */}
      {selected ? <LbStatusStrips lb={lb} /> : null}
    </section>
  );
});

interface Props {
  loadBalancers: readonly LoadBalancerStatus[];
  replicas: readonly ReplicaStatus[];
  labServices: LabServicesInfo | null;
  /** The load balancer the route names, if any. */
  selected: string | null;
}

/**
 * Load balancers as HAProxy sees them, next to what the console's own probes say. In a lab
 * without HAProxy, says why there is none instead.
 */
export function LoadBalancersPanel({ loadBalancers, replicas, labServices, selected }: Props) {
  const replicasByName = useMemo(() => new Map(replicas.map((r) => [r.name, r])), [replicas]);
  const connected = useConnectionState().status === 'open';
  const labWithoutLb = labServices !== null && !labServices.loadBalancer.available;
  const noLbNote = labWithoutLb ? (
    <p className="note" data-testid="lab-no-lb">
      the lab has no load balancer: {labServices.loadBalancer.reason ?? 'no reason given'}
    </p>
  ) : null;
  if (loadBalancers.length === 0) {
    return noLbNote ? <section className="panel">{noLbNote}</section> : null;
  }
  return (
    <section className="panel" aria-labelledby="lb-title" data-testid="lb-panel">
      <h2 id="lb-title">Load balancers</h2>
      {noLbNote}
      {loadBalancers.map((lb) => (
        <LoadBalancerSection key={lb.name} lb={lb} replicasByName={replicasByName} connected={connected} selected={lb.name === selected} />
      ))}
    </section>
  );
}
