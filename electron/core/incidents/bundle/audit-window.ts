/**
 * audit.jsonl: the audit entries of an incident's window, as stored (the fields their hash covers,
 * electron/core/audit/entry-hash.ts), preceded by an anchor — the seq and hash of the entry just
 * before the first (64 zeros before the log's first). The window's chain then checks on its own:
 * every entry's hash from its fields, every prev_hash the previous hash, the first's the anchor;
 * and the anchor can be compared with the exporting console's log (`fleetops audit list`).
 *
 * The window is a run of consecutive entries (from the first of the window's time to the last),
 * so an entry appended with an earlier time inside it is kept rather than leaving a hole.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { isCanonicalJson } from '../../audit/canonical-json';
import { AUDIT_COLUMNS, type AuditRow } from '../../audit/audit-row';
import { entryHash, GENESIS_HASH } from '../../audit/entry-hash';
import { checkPart, partInvalid } from './part-check';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 in hex');

export const AuditAnchor = z.strictObject({ type: z.literal('anchor'), seq: z.number().int().min(0), hash: hex64 });
export const AuditLine = z.strictObject({
  type: z.literal('entry'),
  seq: z.number().int().min(1),
  ts: z.number().int().min(0),
  os_user: z.string(),
  host: z.string(),
  kind: z.string(),
  subject: z.string().nullable(),
  /** The stored canonical JSON text (what the hash covers), or null. */
  detail: z.string().nullable(),
  prev_hash: hex64,
  hash: hex64,
});
export type AuditLine = z.infer<typeof AuditLine>;

export interface AuditWindow {
  anchor: z.infer<typeof AuditAnchor>;
  entries: AuditLine[];
}

/** The entries from the first at or after `from` to the last at or before `to`, and their anchor. */
export function readAuditWindow(db: Database.Database, from: number, to: number): AuditWindow {
  const first = (db.prepare('SELECT min(seq) AS seq FROM audit WHERE ts >= ? AND ts <= ?').get(from, to) as { seq: number | null }).seq;
  const last = (db.prepare('SELECT max(seq) AS seq FROM audit WHERE ts >= ? AND ts <= ?').get(from, to) as { seq: number | null }).seq;
  if (first === null || last === null) {
    // Nothing in the window: the anchor is the newest entry before it, so the (empty) window still says where it sits.
    const before = db.prepare('SELECT seq, hash FROM audit WHERE ts < ? ORDER BY seq DESC LIMIT 1').get(from) as { seq: number; hash: string } | undefined;
    return { anchor: { type: 'anchor', seq: before?.seq ?? 0, hash: before?.hash ?? GENESIS_HASH }, entries: [] };
  }
  const rows = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit WHERE seq BETWEEN ? AND ? ORDER BY seq`).all(first, last) as AuditRow[];
  const prev = db.prepare('SELECT hash FROM audit WHERE seq = ?').get(first - 1) as { hash: string } | undefined;
  return { anchor: { type: 'anchor', seq: first - 1, hash: first === 1 ? GENESIS_HASH : (prev?.hash ?? rows[0]!.prev_hash) }, entries: rows.map((r) => ({ type: 'entry', ...r })) };
}

export function auditJsonl(w: AuditWindow): string {
  return [w.anchor, ...w.entries].map((l) => `${JSON.stringify(l)}\n`).join('');
}

/**
 * The part's lines (already JSON-parsed) checked against their schema and as a chain; the
 * first problem is BUNDLE_INVALID naming the line.
 */
export function parseAuditWindow(lines: readonly unknown[], part: string): AuditWindow {
  if (lines.length === 0) throw partInvalid(part, 'is empty: expected an anchor line first');
  const anchor = checkPart(AuditAnchor, lines[0], `${part} line 1`);
  if (anchor.seq === 0 && anchor.hash !== GENESIS_HASH) throw partInvalid(`${part} line 1`, 'an anchor before the first entry must be 64 zeros');
  const entries: AuditLine[] = [];
  let prevSeq = anchor.seq;
  let prevHash = anchor.hash;
  lines.slice(1).forEach((value, i) => {
    const where = `${part} line ${i + 2}`;
    const e = checkPart(AuditLine, value, where);
    if (e.seq !== prevSeq + 1) throw partInvalid(where, `seq ${e.seq} does not follow ${prevSeq}: the window's chain has a gap`);
    if (e.detail !== null && !isCanonicalJson(e.detail)) throw partInvalid(where, 'detail is not canonical JSON: its hash cannot be checked');
    if (entryHash(e) !== e.hash) throw partInvalid(where, `entry ${e.seq}: hash mismatch (the entry was altered)`);
    if (e.prev_hash !== prevHash) throw partInvalid(where, `entry ${e.seq}: prev_hash does not match the ${i === 0 ? 'anchor' : 'previous entry'}: the window's chain is broken`);
    prevSeq = e.seq;
    prevHash = e.hash;
    entries.push(e);
  });
  return { anchor, entries };
}
