import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, type ReactNode } from 'react';
import { eventQueries } from '../api/queries/events';
import { modalOpen } from '../modal';
import { viewHref } from '../model/route';
import { useNavigation, useScreen } from '../navigation-context';
import { ErrorNote } from './ErrorNote';
import { EventList } from './EventList';

/**
 * The side drawer of one subject (`#/node/NAME`, `#/replica/NAME`): title, close button, Escape
 * closes it, the subject's own facts, then its recent events from the store. Closing goes to
 * the view the drawer was opened over (a new history entry: Back opens the drawer again). The
 * drawer takes the focus when it opens, so the keyboard continues inside it (unless a modal
 * dialog has it: the palette or a confirmation keeps what the operator types).
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
  const navigation = useNavigation();
  const { view } = useScreen();
  const ref = useRef<HTMLElement>(null);
  const close = useCallback(() => navigation.go(viewHref(view)), [navigation, view]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [close]);

  useEffect(() => {
    if (!modalOpen()) ref.current?.focus({ preventScroll: true });
  }, []);

  const titleId = `${what}-detail-title`;
  return (
    <aside ref={ref} className="detail" aria-labelledby={titleId} data-testid={testid} tabIndex={-1} {...data}>
      <header className="detail-header">
        <h2 id={titleId}>{name}</h2>
        <button type="button" onClick={close} aria-label={`Close ${what} detail`}>
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
