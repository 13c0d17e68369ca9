/**
 * The events an incident's bundle carries: exactly what the timeline's incident filter shows
 * (timeline/incident-window.ts) — this console's own events of its window on its affected
 * subjects, on the incident itself (the audit mirrors of what people did to it) and fleet-wide
 * ones — read page by page in (ts, id) order, oldest first.
 */
import type Database from 'better-sqlite3';
import { TimelineStore } from '../../timeline/timeline-store';
import type { BundleEvent } from './otel-log-record';

/** Rows per page: large, since every one is wanted; a page is still one index range read. */
const PAGE = 5000;

export function incidentEventSource(db: Database.Database, now: () => number = Date.now): (incidentId: string) => BundleEvent[] {
  const timeline = new TimelineStore(db, { now });
  return (id) => {
    const out: BundleEvent[] = [];
    let after: { ts: number; id: number } | undefined;
    for (;;) {
      const page = timeline.query({ filter: { incident: id }, order: 'asc', limit: PAGE, after });
      for (const e of page.entries) out.push(e);
      if (!page.next) return out;
      after = page.next;
    }
  };
}
