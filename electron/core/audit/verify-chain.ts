import type Database from 'better-sqlite3';
import { isCanonicalJson } from './canonical-json';
import { entryHash, GENESIS_HASH } from './entry-hash';
import { AUDIT_COLUMNS, type AuditRow } from './audit-row';

export type BrokenReason = 'hash mismatch' | 'prev_hash does not match the previous entry' | 'gap in sequence' | 'detail is not canonical JSON';

export interface BrokenEntry {
  seq: number;
  /** As stored in the broken row (it may itself be what was tampered with). */
  ts: number;
  kind: string;
  reason: BrokenReason;
}

export type VerifyResult =
  /** lastHash: the hash of the newest entry, null for an empty log. */
  | { ok: true; entries: number; lastHash: string | null }
  | { ok: false; firstBroken: BrokenEntry; entries: number };

/**
 * Walks the chain from seq 1 and stops at the first entry that does not hold. The checks on each
 * entry, in this order (the first that fails is the reason reported):
 *   1. its seq is the previous seq + 1 (1 for the first): a deleted row shows as a gap at the row after it;
 *   2. its detail is NULL or canonical JSON (the hash's input must be reproducible from the value);
 *   3. its hash is the SHA-256 of its own fields: any edited column of an entry shows here;
 *   4. its prev_hash is the previous entry's hash (genesis for the first): a row rewritten *and*
 *      re-hashed, or a forged row inserted, shows at the entry after it.
 * What a chain cannot show by itself is the loss of its newest entries: that is why `audit verify`
 * prints the count and the last hash, for the operator to note somewhere else.
 *
 * Runs in one read transaction so a concurrent appender cannot shift the rows under the walk.
 */
export function verifyChain(db: Database.Database): VerifyResult {
  const count = db.prepare('SELECT COUNT(*) AS n FROM audit');
  const rows = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY seq`);
  return db.transaction((): VerifyResult => {
    const entries = (count.get() as { n: number }).n;
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    for (const row of rows.iterate() as IterableIterator<AuditRow>) {
      const reason = checkRow(row, expectedSeq, prevHash);
      if (reason !== undefined) {
        return { ok: false, entries, firstBroken: { seq: row.seq, ts: row.ts, kind: row.kind, reason } };
      }
      expectedSeq = row.seq + 1;
      prevHash = row.hash;
    }
    return { ok: true, entries, lastHash: entries === 0 ? null : prevHash };
  })();
}

function checkRow(row: AuditRow, expectedSeq: number, prevHash: string): BrokenReason | undefined {
  if (row.seq !== expectedSeq) return 'gap in sequence';
  if (row.detail !== null && (typeof row.detail !== 'string' || !isCanonicalJson(row.detail))) return 'detail is not canonical JSON';
  if (row.hash !== entryHash(row)) return 'hash mismatch';
  if (row.prev_hash !== prevHash) return 'prev_hash does not match the previous entry';
  return undefined;
}
