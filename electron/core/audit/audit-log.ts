import type Database from 'better-sqlite3';
import { FleetError } from '../../../shared/errors';
import { canonicalJson } from './canonical-json';
import { AUDIT_COLUMNS, type AuditRow } from './audit-row';
import { entryHash, GENESIS_HASH } from './entry-hash';
import type { AuditIdentity } from './identity';
import { verifyChain, type VerifyResult } from './verify-chain';

export interface AppendAuditInput {
  /** What happened: plan, run, step, confirmation, override, abort, ... */
  kind: string;
  /** What it happened to (runbook run id, node, service...), or null. */
  subject?: string | null;
  /** Any JSON value (see canonical-json.ts for what is accepted); stored as canonical JSON. */
  detail?: unknown;
  /** Milliseconds since the epoch; default the log's clock. */
  ts?: number;
}

export interface AuditEntry {
  seq: number;
  ts: number;
  osUser: string;
  host: string;
  kind: string;
  subject: string | null;
  /** The decoded detail; null when the entry has none. */
  detail: unknown;
  /** The identity's origin recorded in the detail (`lab:<dir>` for a lab), null for the real fleet. */
  origin: string | null;
  prevHash: string;
  hash: string;
}

export interface ListAuditQuery {
  /** Default DEFAULT_AUDIT_LIST_LIMIT, clamped to MAX_AUDIT_LIST_LIMIT. */
  limit?: number;
  /** Only entries older than this seq: pass the last seq of a page to get the next one. */
  beforeSeq?: number;
}

export const DEFAULT_AUDIT_LIST_LIMIT = 100;
export const MAX_AUDIT_LIST_LIMIT = 1000;

export interface AuditLog {
  /** Appends one entry chained to the newest one; safe against other connections appending at the same time. */
  append(input: AppendAuditInput): AuditEntry;
  /** Checks the whole chain; see verify-chain.ts. */
  verify(): VerifyResult;
  /** Newest first. */
  list(q?: ListAuditQuery): AuditEntry[];
}

export interface AuditLogOptions {
  /** Recorded as os_user and host on every entry, and its origin (if any) in each entry's detail. */
  identity: AuditIdentity;
  /** Clock for entries appended without ts. */
  now?: () => number;
  /** A copy of every entry kept elsewhere in the same database (the timeline's events: audit-mirror.ts). */
  mirror?: AuditMirror;
}

/**
 * Writes each entry somewhere else as part of the append: `write` runs inside the append's
 * transaction (if it throws, the entry is not appended either; if the append fails, what it
 * wrote is rolled back), `committed` once that transaction has committed.
 */
export interface AuditMirror<T = unknown> {
  write(entry: AuditEntry): T;
  committed?(written: T): void;
}

/**
 * The hash-chained audit log over the `audit` table (migration 3). The table's triggers refuse
 * UPDATE and DELETE; the chain makes any edit that gets past them (dropped trigger, edited file)
 * visible to verify().
 */
export function createAuditLog(db: Database.Database, opts: AuditLogOptions): AuditLog {
  checkIdentity(opts.identity);
  const { user, host, origin } = opts.identity;
  const now = opts.now ?? Date.now;
  const head = db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare(`INSERT INTO audit (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const listAll = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY seq DESC LIMIT ?`);
  const listBefore = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT ?`);

  const { mirror } = opts;
  const appendInTransaction = db.transaction((row: Omit<AuditRow, 'seq' | 'prev_hash' | 'hash'>): { entry: AuditEntry; written: unknown } => {
    const last = head.get() as { seq: number; hash: string } | undefined;
    const linked = { ...row, seq: (last?.seq ?? 0) + 1, prev_hash: last?.hash ?? GENESIS_HASH };
    const full: AuditRow = { ...linked, hash: entryHash(linked) };
    insert.run(full.seq, full.ts, full.os_user, full.host, full.kind, full.subject, full.detail, full.prev_hash, full.hash);
    const entry = toEntry(full);
    return { entry, written: mirror?.write(entry) };
  });

  return {
    append(input) {
      const row = checkInput(origin === undefined ? input : { ...input, detail: withOrigin(input.detail, origin) }, now);
      // IMMEDIATE takes the write lock before reading the head: another connection cannot append
      // between our read and our insert (which would fork the chain), and we wait for it on the
      // busy timeout instead of failing with SQLITE_BUSY_SNAPSHOT on a lock upgrade.
      const { entry, written } = appendInTransaction.immediate({ ...row, os_user: user, host });
      mirror?.committed?.(written);
      return entry;
    },
    verify: () => verifyChain(db),
    list(q = {}) {
      const limit = checkLimit(q.limit);
      if (q.beforeSeq !== undefined && !Number.isSafeInteger(q.beforeSeq)) throw new FleetError('BAD_REQUEST', 'beforeSeq must be an integer');
      const rows = q.beforeSeq === undefined ? listAll.all(limit) : listBefore.all(q.beforeSeq, limit);
      return (rows as AuditRow[]).map(toEntry);
    },
  };
}

function toEntry(row: AuditRow): AuditEntry {
  const detail = row.detail === null ? null : (JSON.parse(row.detail) as unknown);
  return {
    seq: row.seq,
    ts: row.ts,
    osUser: row.os_user,
    host: row.host,
    kind: row.kind,
    subject: row.subject,
    detail,
    origin: originOf(detail),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * The origin goes into the detail, not a column: the table's schema and the hash format stay as
 * they are, and the hash (which covers the stored detail) covers the origin too. An object detail
 * gets an `origin` key; no detail becomes `{ origin }`; anything else (an array, a scalar, an
 * object that has an `origin` of its own) is kept whole under `value`.
 */
function withOrigin(detail: unknown, origin: string): unknown {
  if (detail === undefined || detail === null) return { origin };
  if (isPlainObject(detail) && !Object.hasOwn(detail, 'origin')) return { ...detail, origin };
  return { origin, value: detail };
}

function originOf(detail: unknown): string | null {
  return isPlainObject(detail) && typeof detail.origin === 'string' ? detail.origin : null;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function checkInput(input: AppendAuditInput, now: () => number): { ts: number; kind: string; subject: string | null; detail: string | null } {
  if (typeof input.kind !== 'string' || input.kind === '') throw new FleetError('BAD_REQUEST', 'audit kind must be a non-empty string');
  const subject = input.subject ?? null;
  if (subject !== null && typeof subject !== 'string') throw new FleetError('BAD_REQUEST', 'audit subject must be a string or null');
  const ts = input.ts ?? now();
  if (!Number.isSafeInteger(ts) || ts < 0) throw new FleetError('BAD_REQUEST', `audit ts must be non-negative integer milliseconds, got ${String(ts)}`);
  // No detail and a null detail are the same thing: one representation, SQL NULL.
  const detail = input.detail === undefined || input.detail === null ? null : canonicalJson(input.detail);
  return { ts, kind: input.kind, subject, detail };
}

function checkIdentity(identity: AuditIdentity): void {
  if (typeof identity?.user !== 'string' || identity.user === '') throw new FleetError('INTERNAL', 'audit identity needs a non-empty OS user');
  if (typeof identity.host !== 'string' || identity.host === '') throw new FleetError('INTERNAL', 'audit identity needs a non-empty host');
  if (identity.origin !== undefined && (typeof identity.origin !== 'string' || identity.origin === '')) throw new FleetError('INTERNAL', 'audit identity origin, when given, must be a non-empty string');
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_AUDIT_LIST_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new FleetError('BAD_REQUEST', `limit must be a positive integer, got ${String(limit)}`);
  return Math.min(limit, MAX_AUDIT_LIST_LIMIT);
}
