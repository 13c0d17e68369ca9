import { memo } from 'react';
import type { TimelineEntry } from '../../../../shared/timeline';

/** Every row is this tall (VirtualList places rows by arithmetic): one line, the rest on selection. */
export const ROW_HEIGHT = 28;

const sameDay = (a: Date, b: Date) => a.toDateString() === b.toDateString();

interface Props {
  entry: TimelineEntry;
  index: number;
  selected: boolean;
  /** Stable (the view's): called with the row's index. */
  onSelect: (index: number) => void;
  hrefOf: (subject: string) => string | null;
}

/** One event on one line: when, severity, kind, subject (a link where the console has a page for it), message (cut, whole in its title). */
export const TimelineRow = memo(function TimelineRow({ entry: e, index, selected, onSelect, hrefOf }: Props) {
  const when = new Date(e.ts);
  const href = e.subject !== null ? hrefOf(e.subject) : null;
  return (
    <div className={`tl-row sev-${e.severity}${selected ? ' selected' : ''}`} data-testid="timeline-row" data-id={e.id} data-kind={e.kind} data-ts={e.ts}>
      <button type="button" className="tl-select" aria-pressed={selected} aria-label={`details of ${e.kind} at ${when.toLocaleString()}`} onClick={() => onSelect(index)}>
        <time dateTime={when.toISOString()}>{sameDay(when, new Date()) ? when.toLocaleTimeString() : when.toLocaleString()}</time>
      </button>
      <span className="event-sev">{e.severity}</span>
      <span className="event-kind">{e.kind}</span>
      {e.subject !== null ? (
        href !== null ? (
          <a className="event-subject" href={href}>
            {e.subject}
          </a>
        ) : (
          <span className="event-subject">{e.subject}</span>
        )
      ) : null}
      <span className="tl-message" title={e.message}>
        {e.message}
      </span>
    </div>
  );
});
