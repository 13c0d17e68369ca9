/**
 * A timeline filter, once resolved (timeline-store.ts: a region to its subjects, an incident to
 * its window and subjects, kind prefixes to the kinds present), as the WHERE clause over
 * `events`. Every value is a bound parameter; lists are one JSON parameter read by json_each, so
 * a statement's text depends only on the filter's shape and is prepared once per shape.
 *
 * One value is written `= ?` rather than an IN list: the planner then knows the index gives the
 * rows in (ts, id) order and reads no more than a page. A list is an IN, which SQLite answers
 * from the same index one value at a time, its sorter keeping the best page and skipping to the
 * next value once the rest cannot make it.
 */
import type { TimelineCursor, TimelineEntry } from '../../../shared/timeline';

type Severity = TimelineEntry['severity'];

export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'error'];

export interface ResolvedFilter {
  /** [from, to) in ms. */
  from?: number;
  to?: number;
  /** Any of these subjects; undefined: any subject (none included). */
  subjects?: readonly string[];
  /** Events with no subject pass too (an incident's fleet-wide events); only with `subjects`. */
  orNoSubject?: boolean;
  severities?: readonly Severity[];
  /** Exact kinds (prefixes already expanded). */
  kinds?: readonly string[];
  /** undefined: any origin; null: this console's own. */
  origin?: string | null;
  /** An FTS5 query (fts-query.ts). */
  fts?: string;
  /** Known to match nothing (an empty intersection, a prefix no kind has): no SQL is run. */
  nothing?: boolean;
}

export type Order = 'desc' | 'asc';

export interface Where {
  sql: string;
  params: unknown[];
}

/**
 * The conditions on `events` (aliased `alias`) other than the text, and the keyset position
 * (`after`: rows strictly past it in `order`).
 */
export function whereOf(f: ResolvedFilter, opts: { alias?: string; after?: TimelineCursor; order?: Order } = {}): Where {
  const a = opts.alias ? `${opts.alias}.` : '';
  const parts: string[] = [];
  const params: unknown[] = [];
  const oneOrList = (column: string, values: readonly string[]): string => {
    if (values.length === 1) {
      params.push(values[0]);
      return `${a}${column} = ?`;
    }
    params.push(JSON.stringify(values));
    return `${a}${column} IN (SELECT value FROM json_each(?))`;
  };
  // Always a lower bound on ts, even none asked for: then the planner prefers the index whose
  // next column is ts for a subject (events_subject_ts_id, whose order lets the sorter skip to
  // the next subject) over migration 1's narrower (subject, id), which would read every row.
  parts.push(`${a}ts >= ?`);
  params.push(f.from ?? Number.MIN_SAFE_INTEGER);
  if (f.to !== undefined) {
    parts.push(`${a}ts < ?`);
    params.push(f.to);
  }
  if (f.subjects !== undefined) {
    const inList = oneOrList('subject', f.subjects);
    parts.push(f.orNoSubject ? `(${inList} OR ${a}subject IS NULL)` : inList);
  }
  // All three severities is no filter: leaving it out lets the planner pick a better index.
  if (f.severities !== undefined && f.severities.length < SEVERITIES.length) parts.push(oneOrList('severity', f.severities));
  if (f.kinds !== undefined) parts.push(oneOrList('kind', f.kinds));
  if (f.origin === null) parts.push(`${a}origin IS NULL`);
  else if (f.origin !== undefined) {
    parts.push(`${a}origin = ?`);
    params.push(f.origin);
  }
  if (opts.after) {
    parts.push(`(${a}ts, ${a}id) ${opts.order === 'asc' ? '>' : '<'} (?, ?)`);
    params.push(opts.after.ts, opts.after.id);
  }
  return { sql: parts.join(' AND '), params };
}

export const orderBy = (order: Order, alias?: string): string => {
  const a = alias ? `${alias}.` : '';
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  return `ORDER BY ${a}ts ${dir}, ${a}id ${dir}`;
};

/** Whether the filter narrows anything but time and severity (the histogram's fast path needs neither). */
export function onlyTimeAndSeverity(f: ResolvedFilter): boolean {
  return f.subjects === undefined && f.kinds === undefined && f.origin === undefined && f.fts === undefined;
}
