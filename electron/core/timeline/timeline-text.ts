/**
 * A page of the events that match a text (FTS5) as well as the other filters, in (ts, id) order.
 * The FTS index gives rowids (event ids) in id order, and ids follow time only roughly (an
 * imported incident's old events get new ids; a probe's event is appended after its time), so the
 * FTS index cannot give the page's order itself. Two plans, picked by how many events the text
 * matches (counted from the FTS index alone, which is cheap: ~40 ns a match):
 *
 * - few (≤ gatherMax): gather — read the matches' rows by id, keep those the other filters pass,
 *   sort, take the page. Costs a row lookup per match, whatever the time range.
 * - many: scan — read the other filters' rows in (ts, id) order, a chunk at a time, and keep
 *   those the FTS index has between the chunk's lowest and highest id (one FTS range query per
 *   chunk). A common word fills the page from the first chunk; chunks grow as the hit rate
 *   observed so far says they must. Past `scanBudget` rows the page so far is returned, with
 *   `next` where the scan stopped, so no filter can hold the store for long.
 */
import type Database from 'better-sqlite3';
import type { TimelineCursor } from '../../../shared/timeline';
import { orderBy, whereOf, type Order, type ResolvedFilter } from './timeline-sql';

export const DEFAULT_GATHER_MAX = 20_000;
export const DEFAULT_SCAN_BUDGET = 400_000;
/**
 * A histogram counts every match, so it gathers more: a lookup by id (~1 µs) per match beats
 * scanning the whole range with each row checked against the matches once there are fewer
 * matches than about a tenth of the range's events.
 */
export const HISTOGRAM_GATHER_MAX = 100_000;
const MIN_CHUNK = 1_000;
const MAX_CHUNK = 100_000;
/** Enough matches to size the first chunk; counting them costs ~40 ns each. */
const RATE_COUNT_CAP = 200_000;

export interface TextPageInput {
  filter: ResolvedFilter & { fts: string };
  after?: TimelineCursor;
  order: Order;
  limit: number;
}

/** The ids of the page, in order, and where the next page starts (null: the end). */
export interface IdPage {
  ids: number[];
  next: TimelineCursor | null;
}

export interface TextSearchOptions {
  /** A page gathers when the text matches at most this many events, else scans. Default 20,000. */
  gatherMax?: number;
  /** Rows a scan reads at most before it returns the page so far. Default 400,000. */
  scanBudget?: number;
  /** A histogram gathers when the text matches at most this many events. Default 100,000. */
  histogramGatherMax?: number;
}

export class TextSearch {
  private readonly gatherMax: number;
  private readonly scanBudget: number;
  private readonly countMatches: Database.Statement;
  private readonly matchesBetween: Database.Statement;
  private readonly idSpan: Database.Statement;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    opts: TextSearchOptions = {},
  ) {
    this.gatherMax = opts.gatherMax ?? DEFAULT_GATHER_MAX;
    this.scanBudget = opts.scanBudget ?? DEFAULT_SCAN_BUDGET;
    this.countMatches = db.prepare('SELECT count(*) FROM (SELECT rowid FROM events_fts WHERE events_fts MATCH ? LIMIT ?)').pluck();
    this.matchesBetween = db.prepare('SELECT rowid FROM events_fts WHERE events_fts MATCH ? AND rowid >= ? AND rowid <= ?').pluck();
    this.idSpan = db.prepare('SELECT (SELECT max(id) FROM events) - (SELECT min(id) FROM events) + 1').pluck();
  }

  /** How many events match, counted up to `cap` (the gather plan's limit, plus one). */
  matches(fts: string, cap = this.gatherMax + 1): number {
    return this.countMatches.get(fts, cap) as number;
  }

  page(input: TextPageInput): IdPage {
    return this.matches(input.filter.fts) <= this.gatherMax ? this.gather(input) : this.scan(input);
  }

  private gather({ filter, after, order, limit }: TextPageInput): IdPage {
    const where = whereOf(filter, { alias: 'e', after, order });
    // CROSS JOIN: SQLite keeps the FTS table outside, so the matches drive (a lookup each).
    const rows = this.stmt(`SELECT e.id, e.ts FROM events_fts CROSS JOIN events e ON e.id = events_fts.rowid WHERE events_fts MATCH ? AND ${where.sql} ${orderBy(order, 'e')} LIMIT ?`)
      .raw()
      .all(filter.fts, ...where.params, limit + 1) as Array<[number, number]>;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { ids: page.map(([id]) => id), next: rows.length > limit && last ? { ts: last[1], id: last[0] } : null };
  }

  private scan({ filter, after, order, limit }: TextPageInput): IdPage {
    const ids: number[] = [];
    let cursor = after;
    let scanned = 0;
    let lastHit: TimelineCursor | null = null;
    // The first chunk's size, from the share of all events the text matches (ids span at least all
    // events), counted only so far: a word in half the events need not be counted to the end.
    const span = Math.max(1, (this.idSpan.get() as number | null) ?? 1);
    let rate = Math.max(this.matches(filter.fts, RATE_COUNT_CAP) / span, 1e-4);
    for (;;) {
      const chunk = clamp(Math.ceil(((limit - ids.length) / rate) * 1.5), MIN_CHUNK, MAX_CHUNK);
      const where = whereOf(filter, { after: cursor, order });
      const rows = this.stmt(`SELECT id, ts FROM events WHERE ${where.sql} ${orderBy(order)} LIMIT ?`).raw().all(...where.params, chunk) as Array<[number, number]>;
      scanned += rows.length;
      if (rows.length > 0) {
        let lo = rows[0][0];
        let hi = lo;
        for (const [id] of rows) {
          if (id < lo) lo = id;
          if (id > hi) hi = id;
        }
        const matched = new Set(this.matchesBetween.all(filter.fts, lo, hi) as number[]);
        for (const [id, ts] of rows) {
          if (!matched.has(id)) continue;
          ids.push(id);
          lastHit = { ts, id };
          if (ids.length === limit) return { ids, next: lastHit };
        }
      }
      if (rows.length < chunk) return { ids, next: null };
      const [id, ts] = rows[rows.length - 1];
      cursor = { ts, id };
      // Out of budget: the page so far, and where to go on from (past the rows already read).
      if (scanned >= this.scanBudget) return { ids, next: cursor };
      rate = Math.max(ids.length / scanned, rate / 4, 1e-5);
    }
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));
