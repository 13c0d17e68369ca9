import type Database from 'better-sqlite3';
import { FleetError } from '../../../shared/errors';
import { Severity, type FleetEvent } from '../../../shared/status';

const SEVERITIES: ReadonlySet<string> = new Set(Severity.options);

export interface AppendEventInput {
  /** Milliseconds since the epoch. */
  ts: number;
  kind: string;
  subject: string | null;
  severity: 'info' | 'warning' | 'error';
  message: string;
  /** Any JSON-serialisable value; stored as JSON text. */
  data?: unknown;
  /**
   * Where the event came from: null (the default) for this console; `bundle:<fingerprint>:<incident id>`
   * for an imported bundle's (migration 11, timeline/timeline-migration.ts).
   */
  origin?: string | null;
}

export interface ListEventsQuery {
  subject?: string;
  /** Only events older than this id: pass the last id of a page to get the next one. */
  beforeId?: number;
  /** Default DEFAULT_LIST_LIMIT, clamped to MAX_LIST_LIMIT. */
  limit?: number;
}

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

export interface EventLog {
  appendEvent(e: AppendEventInput): FleetEvent;
  appendEvents(list: AppendEventInput[]): FleetEvent[];
  listEvents(q: ListEventsQuery): FleetEvent[];
}

interface EventRow {
  id: number;
  ts: number;
  kind: string;
  subject: string | null;
  severity: FleetEvent['severity'];
  message: string;
  data: string | null;
}

/**
 * The append-only event log over the `events` table (migration 1). Statements are prepared once
 * here; listing has one statement per filter combination so each can use its index.
 */
export function createEventLog(db: Database.Database): EventLog {
  // A data directory before migration 11 (only tests open one) has no origin column: local events only.
  const hasOrigin = db.prepare("SELECT 1 FROM pragma_table_info('events') WHERE name = 'origin'").get() !== undefined;
  const insert = hasOrigin
    ? db.prepare('INSERT INTO events (ts, kind, subject, severity, message, data, origin) VALUES (?, ?, ?, ?, ?, ?, ?)')
    : db.prepare('INSERT INTO events (ts, kind, subject, severity, message, data) VALUES (?, ?, ?, ?, ?, ?)');
  const columns = 'id, ts, kind, subject, severity, message, data';
  const list = {
    all: db.prepare(`SELECT ${columns} FROM events ORDER BY id DESC LIMIT ?`),
    before: db.prepare(`SELECT ${columns} FROM events WHERE id < ? ORDER BY id DESC LIMIT ?`),
    subject: db.prepare(`SELECT ${columns} FROM events WHERE subject = ? ORDER BY id DESC LIMIT ?`),
    subjectBefore: db.prepare(`SELECT ${columns} FROM events WHERE subject = ? AND id < ? ORDER BY id DESC LIMIT ?`),
  };

  const appendOne = (e: AppendEventInput): FleetEvent => {
    checkInput(e);
    const data = encodeData(e.data);
    const origin = e.origin ?? null;
    if (origin !== null && !hasOrigin) throw new FleetError('INTERNAL', 'this event store predates event origins (migration 11): it cannot hold imported events');
    const result = hasOrigin ? insert.run(e.ts, e.kind, e.subject, e.severity, e.message, data, origin) : insert.run(e.ts, e.kind, e.subject, e.severity, e.message, data);
    // The returned event is what listEvents will give back later (data after its JSON round trip).
    return toEvent({ id: Number(result.lastInsertRowid), ts: e.ts, kind: e.kind, subject: e.subject, severity: e.severity, message: e.message, data });
  };
  const appendMany = db.transaction((items: AppendEventInput[]) => items.map(appendOne));

  return {
    appendEvent: appendOne,
    appendEvents: (items) => appendMany(items),
    listEvents(q) {
      const limit = checkLimit(q.limit);
      if (q.beforeId !== undefined && !Number.isSafeInteger(q.beforeId)) throw new FleetError('BAD_REQUEST', 'beforeId must be an integer');
      let rows: unknown[];
      if (q.subject !== undefined) {
        rows = q.beforeId === undefined ? list.subject.all(q.subject, limit) : list.subjectBefore.all(q.subject, q.beforeId, limit);
      } else {
        rows = q.beforeId === undefined ? list.all.all(limit) : list.before.all(q.beforeId, limit);
      }
      return (rows as EventRow[]).map(toEvent);
    },
  };
}

function toEvent(row: EventRow): FleetEvent {
  const event: FleetEvent = { id: row.id, ts: row.ts, kind: row.kind, subject: row.subject, severity: row.severity, message: row.message };
  if (row.data !== null) event.data = JSON.parse(row.data) as unknown;
  return event;
}

function encodeData(data: unknown): string | null {
  if (data === undefined) return null;
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch (err) {
    throw new FleetError('BAD_REQUEST', `event data is not JSON-serialisable: ${(err as Error).message}`);
  }
  // JSON.stringify returns undefined for functions and symbols: that is no data, not a string.
  if (json === undefined) throw new FleetError('BAD_REQUEST', 'event data is not JSON-serialisable');
  return json;
}

function checkInput(e: AppendEventInput): void {
  if (!Number.isSafeInteger(e.ts)) throw new FleetError('BAD_REQUEST', `event ts must be integer milliseconds, got ${String(e.ts)}`);
  if (typeof e.kind !== 'string' || e.kind === '') throw new FleetError('BAD_REQUEST', 'event kind must be a non-empty string');
  if (e.subject !== null && typeof e.subject !== 'string') throw new FleetError('BAD_REQUEST', 'event subject must be a string or null');
  if (!SEVERITIES.has(e.severity)) throw new FleetError('BAD_REQUEST', `event severity must be info, warning or error, got ${String(e.severity)}`);
  if (typeof e.message !== 'string') throw new FleetError('BAD_REQUEST', 'event message must be a string');
  if (e.origin !== undefined && e.origin !== null && (typeof e.origin !== 'string' || e.origin === '')) throw new FleetError('BAD_REQUEST', 'event origin must be a non-empty string or null');
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIST_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new FleetError('BAD_REQUEST', `limit must be a positive integer, got ${String(limit)}`);
  return Math.min(limit, MAX_LIST_LIMIT);
}
