import { useQuery } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { eventQueries } from '../api/queries/events';
import { ErrorNote } from './ErrorNote';
import { EventList } from './EventList';

export function closeDetail(): void {
  window.location.hash = '#/';
}

/**
 * The side drawer of one subject (`#/node/NAME`, `#/replica/NAME`): title, close button, Escape
 * closes it, the subject's own facts, then its recent events from the store.
 */
export function DetailDrawer({
  name,
  what,
  testid,
  data,
  children,
}: {
  name: string;
  /** "node", "replica": for the close button's label and the title's id. */
  what: string;
  testid: string;
  data: Record<`data-${string}`, string>;
  children: ReactNode;
}) {
  const events = useQuery(eventQueries.list(name));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeDetail();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const titleId = `${what}-detail-title`;
  return (
    <aside className="detail" aria-labelledby={titleId} data-testid={testid} {...data}>
      <header className="detail-header">
        <h2 id={titleId}>{name}</h2>
        <button type="button" onClick={closeDetail} aria-label={`Close ${what} detail`}>
          ×
        </button>
      </header>
      {children}
      <h3>Recent events</h3>
      {events.error ? <ErrorNote error={events.error} context="events.list" /> : null}
      {events.data ? <EventList events={events.data} showSubject={false} /> : null}
    </aside>
  );
}
