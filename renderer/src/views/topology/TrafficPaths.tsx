import { useMemo } from 'react';
import type { FleetSnapshot } from '../../../../shared/contract';
import { ReplicaHealthPill } from '../../components/ReplicaHealthPill';
import { lbStatusKind } from '../../model/lb-view';
import { lbHref, nodeHref, replicaHref } from '../../model/route';
import type { TopologyFilter } from '../../model/topology-view';
import { buildTrafficPaths, spreadText } from './traffic-paths';

/** Load balancers → backends → servers → replica → node, each with its failure domain. */
export function TrafficPaths({ snapshot, filter }: { snapshot: Pick<FleetSnapshot, 'loadBalancers' | 'replicas' | 'nodes'>; filter: TopologyFilter }) {
  const { loadBalancers, replicas, nodes } = snapshot;
  const paths = useMemo(() => buildTrafficPaths({ loadBalancers, replicas, nodes }, filter), [loadBalancers, replicas, nodes, filter]);
  if (loadBalancers.length === 0) return null;
  return (
    <section className="traffic-paths" aria-labelledby="paths-title" data-testid="traffic-paths">
      <h2 id="paths-title">Traffic paths</h2>
      {paths.length === 0 ? <p className="empty">No path matches the filter.</p> : null}
      {paths.map((lb) => (
        <section key={lb.name} className={`path-lb h-${lb.health}`} aria-label={`load balancer ${lb.name}`} data-testid={`path-lb-${lb.name}`}>
          <header className="path-lb-header">
            <a className="mono path-lb-name" href={lbHref(lb.name)}>
              {lb.name}
            </a>
            <span className={`pill h-${lb.health}`}>{lb.health}</span>
          </header>
          {lb.backends.map((b) => {
            const spread = spreadText(b);
            return (
              <div key={b.name} className="path-backend" data-testid={`path-backend-${lb.name}-${b.name}`}>
                <div className="path-backend-header">
                  <span className="muted">backend</span> <span className="mono">{b.name}</span>{' '}
                  <span className="muted">
                    {b.serving} of {b.total} serving
                  </span>{' '}
                  <span className={spread.single ? 'spread-single' : 'muted'} data-testid="path-spread" data-single={String(spread.single)}>
                    {spread.single ? '⚠ ' : ''}
                    {spread.text}
                  </span>
                </div>
                <ul className="path-servers">
                  {b.servers.map((s) => (
                    <li
                      key={s.server}
                      className={`path-server lbs-${lbStatusKind(s.lbStatus)}`}
                      data-testid={`path-server-${lb.name}-${b.name}-${s.server}`}
                      data-problem={String(s.problem)}
                    >
                      <span className="mono">{s.server}</span>
                      <span className="lb-status">{s.lbStatus}</span>
                      <span aria-hidden="true" className="path-arrow">
                        →
                      </span>
                      {s.replica !== null ? (
                        <a className="mono" href={replicaHref(s.replica)}>
                          {s.replica}
                        </a>
                      ) : (
                        <span className="muted">not in the inventory</span>
                      )}
                      {s.replicaStatus ? <ReplicaHealthPill replica={s.replicaStatus} /> : null}
                      <span aria-hidden="true" className="path-arrow">
                        →
                      </span>
                      {s.node !== null ? (
                        <a className="mono" href={nodeHref(s.node)}>
                          {s.node}
                        </a>
                      ) : (
                        <span className="muted">no node</span>
                      )}
                      {s.nodeHealth ? <span className={`pill h-${s.nodeHealth}`}>{s.nodeHealth}</span> : null}
                      <span className="badge path-region" title="failure domain">
                        {s.region ?? 'region unknown'}
                      </span>
                      {s.disagreement ? <span className="lb-disagreement path-disagreement">⚠ {s.disagreement}</span> : null}
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </section>
      ))}
    </section>
  );
}
