import { memo, useMemo, useState } from 'react';
import type { FleetEvent } from '../../../shared/status';
import { useConnectionState } from '../api/connection-hooks';
import { changeRecordOf, inverseChange, putBackIds, type LbChangeRequest } from '../model/lb-change';
import { LbChangeDialog } from './LbChangeDialog';

/** Rows shown at most: the cache keeps more so a burst does not push older events out of reach at once. */
const MAX_ROWS = 200;

/** "Put it back" on a recorded change: opens the change dialog for the inverse change. */
function PutBack({ request, subject }: { request: LbChangeRequest; subject: string }) {
  const [open, setOpen] = useState(false);
  const connected = useConnectionState().status === 'open';
  return (
    <>
      <button
        type="button"
        className="event-put-back"
        data-testid="event-put-back"
        aria-haspopup="dialog"
        aria-label={`Put back ${subject}`}
        disabled={!connected}
        onClick={() => setOpen(true)}
      >
        Put it back
      </button>
      {open ? <LbChangeDialog request={request} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

interface RowProps {
  event: FleetEvent;
  showSubject: boolean;
  /** Where the subject links (its node's or replica's drawer); null: plain text. */
  hrefOf: ((subject: string) => string | null) | undefined;
  /** A later listed change already put this one back. */
  putBack: boolean;
}

/** Memoized by event object: a pushed event renders one new row, not the whole list again. */
const EventRow = memo(function EventRow({ event: e, showSubject, hrefOf, putBack }: RowProps) {
  const when = new Date(e.ts);
  const record = changeRecordOf(e);
  const inverse = useMemo(() => (record ? inverseChange(record) : null), [record]);
  const href = showSubject && e.subject !== null ? (hrefOf?.(e.subject) ?? null) : null;
  return (
    <li className={`event sev-${e.severity}`} data-testid="event" data-kind={e.kind} data-change-id={record?.id}>
      <time dateTime={when.toISOString()} title={when.toLocaleString()}>
        {when.toLocaleTimeString()}
      </time>
      <span className="event-sev">{e.severity}</span>
      <span className="event-kind">{e.kind}</span>
      {showSubject && e.subject !== null ? (
        href !== null ? (
          <a className="event-subject" href={href}>
            {e.subject}
          </a>
        ) : (
          <span className="event-subject">{e.subject}</span>
        )
      ) : null}
      {record && inverse ? (
        putBack ? (
          <span className="muted event-put-back-done" data-testid="event-put-back-done">
            put back
          </span>
        ) : (
          <PutBack request={inverse} subject={record.subject} />
        )
      ) : null}
      <span className="event-message">{e.message}</span>
    </li>
  );
});

/**
 * Newest first; the subject links to its node or replica. A load balancer change that went
 * through offers "Put it back" until a later change in the list has done so.
 */
export function EventList({
  events,
  showSubject,
  hrefOf,
}: {
  events: readonly FleetEvent[];
  showSubject: boolean;
  hrefOf?: (subject: string) => string | null;
}) {
  const shown = events.slice(0, MAX_ROWS);
  const doneIds = useMemo(() => putBackIds(events), [events]);
  if (events.length === 0) return <p className="empty">No events yet.</p>;
  return (
    <ol className="events">
      {shown.map((e) => {
        const id = changeRecordOf(e)?.id;
        return <EventRow key={e.id} event={e} showSubject={showSubject} hrefOf={hrefOf} putBack={id !== undefined && doneIds.has(id)} />;
      })}
    </ol>
  );
}
