import { memo } from 'react';
import type { FleetEvent } from '../../../shared/status';
import { nodeHref } from '../model/route';

/** Rows shown at most: the cache keeps more so a burst does not push older events out of reach at once. */
const MAX_ROWS = 200;

/** Memoized by event object: a pushed event renders one new row, not the whole list again. */
const EventRow = memo(function EventRow({ event: e, showSubject }: { event: FleetEvent; showSubject: boolean }) {
  const when = new Date(e.ts);
  return (
    <li className={`event sev-${e.severity}`} data-testid="event" data-kind={e.kind}>
      <time dateTime={when.toISOString()} title={when.toLocaleString()}>
        {when.toLocaleTimeString()}
      </time>
      <span className="event-sev">{e.severity}</span>
      <span className="event-kind">{e.kind}</span>
      {showSubject && e.subject !== null ? (
        <a className="event-subject" href={nodeHref(e.subject)}>
          {e.subject}
        </a>
      ) : null}
      <span className="event-message">{e.message}</span>
    </li>
  );
});

/** Newest first; the subject links to its node. */
export function EventList({ events, showSubject }: { events: readonly FleetEvent[]; showSubject: boolean }) {
  if (events.length === 0) return <p className="empty">No events yet.</p>;
  return (
    <ol className="events">
      {events.slice(0, MAX_ROWS).map((e) => (
        <EventRow key={e.id} event={e} showSubject={showSubject} />
      ))}
    </ol>
  );
}
