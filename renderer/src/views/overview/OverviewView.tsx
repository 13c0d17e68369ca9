import { useQuery } from '@tanstack/react-query';
import { memo, useMemo } from 'react';
import type { FleetSnapshot } from '../../../../shared/contract';
import { drillQueries } from '../../api/queries/drills';
import { runQueries } from '../../api/queries/runbooks';
import { HealthBar } from '../../components/HealthBar';
import { useNow } from '../../hooks';
import { formatBurnRate, formatRatio, sloState } from '../../model/availability-format';
import { formatWhen } from '../../model/format';
import { serviceHref, viewHref } from '../../model/route';
import { buildTopologyView } from '../../model/topology-view';
import type { ViewProps } from '../types';
import { CapacityWarning } from './CapacityWarning';
import { OpenIncidents } from './OpenIncidents';
import { attentionItems, attentionRows, fleetCounts, type AttentionGroup, type AttentionItem } from './attention';

/** Rows listed at most; past that, a count and a link to the Topology's "problems only". */
const MAX_ITEMS = 100;

const AttentionRow = memo(function AttentionRow({ item, now }: { item: AttentionItem; now: number }) {
  return (
    <li
      className={`attention-item sev-${item.severity} h-${item.tone}`}
      data-testid="attention-item"
      data-kind={item.kind}
      data-subject={item.subject}
      data-severity={item.severity}
    >
      <span className="attention-severity">{item.severity}</span>
      <span className="badge">{item.kind}</span>
      <a className="mono attention-subject" href={item.href}>
        {item.subject}
      </a>
      <span className={`pill h-${item.tone}`}>{item.state}</span>
      <span className="attention-reason" title={item.reason}>
        {item.reason}
      </span>
      <span className="muted attention-since">{item.since === null ? '' : `since ${formatWhen(item.since, now)}`}</span>
    </li>
  );
});

/** "37 nodes not probed yet: usw2-inf-004, usw2-inf-010, … (Topology)". */
function AttentionGroupRow({ group }: { group: AttentionGroup }) {
  const names = group.items.slice(0, 5).map((i) => i.subject);
  return (
    <li className={`attention-item sev-${group.severity} h-unknown`} data-testid="attention-group" data-kind={group.kind} data-count={group.items.length}>
      <span className="attention-severity">{group.severity}</span>
      <span className="badge">{group.kind}</span>
      <a className="attention-subject" href={viewHref(group.kind === 'node' ? 'topology' : 'services')}>
        {group.items.length} {group.kind}s
      </a>
      <span className="pill h-unknown">{group.state}</span>
      <span className="attention-reason" title={group.items.map((i) => i.subject).join('\n')}>
        not probed yet: {names.join(', ')}
        {group.items.length > names.length ? ', …' : ''}
      </span>
      <span />
    </li>
  );
}

function AttentionList({ snapshot }: { snapshot: FleetSnapshot }) {
  const listed = useQuery(runQueries.list());
  const runs = listed.data ?? snapshot.runs;
  const drills = useQuery(drillQueries.runs(null)).data;
  const { nodes, replicas, services, loadBalancers } = snapshot;
  const items = useMemo(() => attentionItems({ nodes, replicas, services, loadBalancers, runs, drills }), [nodes, replicas, services, loadBalancers, runs, drills]);
  const now = useNow(15_000);
  const rows = useMemo(() => attentionRows(items), [items]);
  const shown = rows.slice(0, MAX_ITEMS);
  return (
    <section className="panel" aria-labelledby="attention-title" data-testid="attention" data-count={items.length}>
      <h2 id="attention-title">
        Needs attention{items.length > 0 ? <span className="heading-count"> ({items.length})</span> : null}
      </h2>
      {items.length === 0 ? (
        <p className="healthy-note" data-testid="overview-healthy">
          <span className="pill h-healthy">healthy</span> The fleet is healthy: {fleetCounts(snapshot)}.
        </p>
      ) : (
        <ol className="attention-list" data-testid="attention-list">
          {shown.map((row) =>
            'item' in row ? <AttentionRow key={row.item.key} item={row.item} now={now} /> : <AttentionGroupRow key={row.group.key} group={row.group} />,
          )}
        </ol>
      )}
      {rows.length > shown.length ? (
        <p className="muted">
          {rows.length - shown.length} more, less urgent: see the <a href={viewHref('topology')}>Topology</a> with “problems only”.
        </p>
      ) : null}
    </section>
  );
}

/** Every failure domain (region → cluster) in one line each: how many nodes, and how they are. */
function FailureDomains({ snapshot }: { snapshot: FleetSnapshot }) {
  const { topology, nodes } = snapshot;
  const regions = useMemo(() => buildTopologyView({ topology, nodes }, { text: '', problemsOnly: false }), [topology, nodes]);
  if (regions.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="domains-title" data-testid="failure-domains">
      <h2 id="domains-title">
        Failure domains <a className="heading-link" href={viewHref('topology')}>Topology</a>
      </h2>
      <table className="domains-table">
        <thead>
          <tr>
            <th scope="col">region</th>
            <th scope="col">cluster</th>
            <th scope="col">nodes</th>
            <th scope="col">health</th>
          </tr>
        </thead>
        <tbody>
          {regions.flatMap((region) =>
            region.clusters.map((c, i) => (
              <tr key={c.key} data-testid={`domain-${c.key}`} data-problems={c.problems}>
                <td>{i === 0 ? region.name : ''}</td>
                <td>
                  <span className="mono">{c.name}</span> {c.role ? <span className="badge">{c.role}</span> : null}
                </td>
                <td>{c.total}</td>
                <td>
                  <HealthBar counts={c.counts} total={c.total} />
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </section>
  );
}

function ServiceGlance({ snapshot }: { snapshot: FleetSnapshot }) {
  if (snapshot.services.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="glance-services-title" data-testid="services-glance">
      <h2 id="glance-services-title">
        Services <a className="heading-link" href={viewHref('services')}>Services</a>
      </h2>
      <table className="domains-table">
        <thead>
          <tr>
            <th scope="col">service</th>
            <th scope="col">SLO</th>
            <th scope="col">1 h</th>
            <th scope="col">burn 1 h</th>
          </tr>
        </thead>
        <tbody>
          {snapshot.services.map((s) => {
            const state = sloState(s);
            return (
              <tr key={s.service}>
                <td>
                  <a className="mono" href={serviceHref(s.service)}>
                    {s.service}
                  </a>
                </td>
                <td className={`slo-${state}`}>{state === 'no-data' ? 'no traffic yet' : `${state} ${s.target}%`}</td>
                <td className="mono">{formatRatio(s.hour.successRatio)}</td>
                <td className="mono">{formatBurnRate(s.burnRate1h)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** The state of the fleet at a glance: what needs attention, worst first, what the next domain failure would cost, then the failure domains and services. */
export function OverviewView({ snapshot }: ViewProps) {
  return (
    <div className="view-body">
      <header className="view-header">
        <h1>Overview</h1>
      </header>
      <AttentionList snapshot={snapshot} />
      <CapacityWarning />
      <OpenIncidents />
      <div className="overview-glance">
        <FailureDomains snapshot={snapshot} />
        <ServiceGlance snapshot={snapshot} />
      </div>
    </div>
  );
}
