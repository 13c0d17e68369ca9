import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { SpareReadiness } from '../../../../shared/capacity';
import type { ReplicaStatus } from '../../../../shared/services';
import { capacityQueries } from '../../api/queries/capacity';
import { ErrorNote } from '../../components/ErrorNote';
import { useRevealSubject } from '../../hooks';
import type { ViewProps } from '../types';
import { VERDICT_LABEL, VERDICT_TONE } from './capacity-model';
import { DomainsTable } from './DomainsTable';
import { capacityAnchorId, CAPACITY_SUBJECT } from './routes';
import { ServiceCapacityCard } from './ServiceCapacityCard';
import { SpareNodesTable } from './SpareNodesTable';

/**
 * Spare capacity (`#/capacity`, a service: `#/capacity-service/NAME`): per service, whether it
 * still meets its load and SLO when its largest failure domain goes dark, with the numbers and
 * its spares; per failure domain, what serves, stands by and is broken; the training spare nodes.
 * Fed by `capacity.overview`, kept current by `capacity.updated` pushes (api/push-sync.ts).
 */
export function CapacityView({ snapshot, subject }: ViewProps) {
  const q = useQuery(capacityQueries.overview());
  const selected = subject?.kind === CAPACITY_SUBJECT ? subject.name : null;
  const readiness = useSpareReadiness(snapshot.replicas);
  const present = selected !== null && (q.data?.services.some((s) => s.service === selected) ?? false);
  useRevealSubject(selected === null ? null : capacityAnchorId(selected), present);
  const o = q.data;
  return (
    <div className="view-body">
      <header className="view-header">
        <h1>Capacity</h1>
        {o && o.services.length > 0 ? (
          <span className="capacity-worst" data-testid="capacity-worst" data-verdict={o.worst}>
            largest-domain loss, worst case: <span className={`pill h-${VERDICT_TONE[o.worst]}`}>{VERDICT_LABEL[o.worst]}</span>
          </span>
        ) : null}
      </header>
      {q.error ? <ErrorNote error={q.error} context="capacity.overview" /> : null}
      {!o ? (
        q.error ? null : <p className="empty loading">Loading capacity…</p>
      ) : (
        <>
          {o.services.length === 0 ? (
            <p className="empty" data-testid="capacity-no-services">
              No service in the inventory: declare <code>services:</code> with a load balancer backend (and <code>role: spare</code> replicas) to see what
              the fleet can lose and still serve.
            </p>
          ) : (
            o.services.map((s) => <ServiceCapacityCard key={s.service} service={s} readiness={readiness} selected={s.service === selected} />)
          )}
          <DomainsTable domains={o.domains} />
          <SpareNodesTable nodes={o.spareNodes} />
        </>
      )}
    </div>
  );
}

/** Spare replicas' readiness from their statuses (the capacity members say only warm or cold). */
function useSpareReadiness(replicas: readonly ReplicaStatus[]): ReadonlyMap<string, SpareReadiness> {
  return useMemo(() => {
    const m = new Map<string, SpareReadiness>();
    for (const r of replicas) if (r.spare) m.set(r.name, r.spare.readiness);
    return m;
  }, [replicas]);
}
