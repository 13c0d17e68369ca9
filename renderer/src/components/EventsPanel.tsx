import { useQuery } from '@tanstack/react-query';
import { memo, useMemo } from 'react';
import { eventQueries } from '../api/queries/events';
import { eventSubjectHref } from '../model/route';
import { ErrorNote } from './ErrorNote';
import { EventList } from './EventList';

interface Props {
  /** The fleet's names: a subject links to its node's or replica's drawer, its load balancer or its service. */
  nodes: readonly string[];
  replicas: readonly string[];
  loadBalancers: readonly string[];
  services: readonly string[];
}

/** Fleet-wide recent events; kept current by `event.appended` pushes. Memoized: status pushes leave its names as they are. */
export const EventsPanel = memo(function EventsPanel({ nodes, replicas, loadBalancers, services }: Props) {
  const events = useQuery(eventQueries.list());
  // Keyed on the names, not the arrays, so the rows keep their memo even if a caller rebuilds the arrays.
  const nodeKey = nodes.join('\n');
  const replicaKey = replicas.join('\n');
  const otherKey = [...loadBalancers, '', ...services].join('\n');
  const hrefOf = useMemo(() => {
    const names = { nodes: new Set(nodes), replicas: new Set(replicas), loadBalancers: new Set(loadBalancers), services: new Set(services) };
    return (subject: string) => eventSubjectHref(subject, names);
  }, [nodeKey, replicaKey, otherKey]);
  return (
    <section className="panel" aria-labelledby="events-title" data-testid="events-panel">
      <h2 id="events-title">Recent events</h2>
      {events.error ? <ErrorNote error={events.error} context="events.list" /> : null}
      {events.data ? <EventList events={events.data} showSubject hrefOf={hrefOf} /> : events.isPending ? <p className="empty">Loading…</p> : null}
    </section>
  );
});
