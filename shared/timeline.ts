/**
 * The timeline (issue 11): every event the console recorded — health changes with reasons, probe
 * failures, XIDs, LB status changes, runbook and drill steps, incident notes, audit entries — in
 * one list, filtered and searched in the store (SQLite FTS5), paged by a keyset cursor so a list
 * over a million events costs the same at any depth. The `events` table is the timeline; audit
 * entries are mirrored into it (kind `audit.<kind>`) so one index answers every filter.
 * `origin` says where an event came from: null for this console, or the bundle it was imported
 * from (`bundle:<signer fingerprint>:<incident id>`), so an imported incident's events never pass
 * for the local fleet's.
 */
import { z } from 'zod';
import { FleetEvent, Severity } from './status';

const name = z.string().min(1).max(200);
const incidentId = z.string().regex(/^[0-9a-f-]{36}$/, 'expected an incident id');

/** An event as the timeline lists it: the event log's, with where it came from. */
export const TimelineEntry = FleetEvent.extend({ origin: z.string().nullable() });
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/** Every filter the Timeline view and `fleetops incident show` offer; all optional, all ANDed. */
export const TimelineFilter = z.strictObject({
  /** [from, to) in milliseconds since the epoch. */
  from: z.number().int().min(0).optional(),
  to: z.number().int().min(0).optional(),
  /** Any of these subjects (node, replica, service, runbook run, drill…). */
  subjects: z.array(name).min(1).max(2000).optional(),
  /** The subjects the inventory places in this region / cluster (events with no subject are left out). */
  region: name.optional(),
  cluster: name.optional(),
  /** Any of these severities. */
  severities: z.array(Severity).min(1).max(3).optional(),
  /** Any of these kinds; a kind ending in "." matches every kind it begins ("audit." = all audit entries). */
  kinds: z.array(z.string().min(1).max(100)).min(1).max(50).optional(),
  /**
   * Free text: FTS5 over message, kind and subject; words are ANDed, a trailing * matches a prefix.
   * Everything else is literal (quotes, parentheses, NEAR, `column:`): never a syntax error. A word
   * with no letter or digit matches nothing alone and is left out beside others; only spaces and
   * stars is no text filter.
   */
  text: z.string().min(1).max(200).optional(),
  /**
   * The incident's window (started − 5 min … resolved, else closed, else now, + 5 min): the events
   * on its affected subjects, on the incident itself (what people did to it) and the fleet-wide ones
   * (no subject) — those only when no subjects, region or cluster are asked for. An imported
   * incident gives its bundle's events only; this console's, this console's only.
   */
  incident: incidentId.optional(),
  /** Only events from this origin (null: this console's own). */
  origin: z.string().max(300).nullable().optional(),
});
export type TimelineFilter = z.infer<typeof TimelineFilter>;

/** A keyset position: the (ts, id) of the last entry of the previous page. */
export const TimelineCursor = z.strictObject({ ts: z.number().int(), id: z.number().int() });
export type TimelineCursor = z.infer<typeof TimelineCursor>;

export const TimelinePage = z.object({
  entries: z.array(TimelineEntry),
  /**
   * Where the next page starts, or null at the end. A text search stops after reading a bounded
   * number of rows (so a rare word never holds the store): it may then return fewer entries than
   * asked for, even none, with `next` set — ask again from there; and a full page of a text search
   * may be followed by an empty one.
   */
  next: TimelineCursor.nullable(),
});
export type TimelinePage = z.infer<typeof TimelinePage>;

/** Counts per time bucket and severity, for the zoomable time axis above the list. */
export const TimelineHistogram = z.object({
  from: z.number(),
  to: z.number(),
  bucketMs: z.number(),
  /** One per bucket, oldest first. */
  info: z.array(z.number().int()),
  warning: z.array(z.number().int()),
  error: z.array(z.number().int()),
});
export type TimelineHistogram = z.infer<typeof TimelineHistogram>;

export const timelineMethods = {
  /** One page, newest first (order "desc") or oldest first ("asc"). */
  'timeline.query': {
    input: z.strictObject({
      filter: TimelineFilter,
      after: TimelineCursor.optional(),
      order: z.enum(['desc', 'asc']).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
    output: TimelinePage,
  },
  /** The same filter counted in `buckets` equal buckets over [from, to) (defaults: the filter's, else the data's extent). */
  'timeline.histogram': {
    input: z.strictObject({ filter: TimelineFilter, buckets: z.number().int().min(1).max(2000) }),
    output: TimelineHistogram,
  },
  /** The kinds present (for the kind filter), most frequent first. */
  'timeline.kinds': { input: z.strictObject({}), output: z.array(z.object({ kind: z.string(), count: z.number().int() })) },
} as const;
