import { useQuery } from '@tanstack/react-query';
import { eventQueries } from '../api/queries/events';
import { ErrorNote } from './ErrorNote';
import { EventList } from './EventList';

/** Fleet-wide recent events; kept current by `event.appended` pushes. */
export function EventsPanel() {
  const events = useQuery(eventQueries.list());
  return (
    <section className="panel" aria-labelledby="events-title" data-testid="events-panel">
      <h2 id="events-title">Recent events</h2>
      {events.error ? <ErrorNote error={events.error} context="events.list" /> : null}
      {events.data ? <EventList events={events.data} showSubject /> : events.isPending ? <p className="empty">Loading…</p> : null}
    </section>
  );
}
