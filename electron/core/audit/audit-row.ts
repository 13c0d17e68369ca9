import type { HashedFields } from './entry-hash';

/** One row of the `audit` table (migration 3), as better-sqlite3 returns it. */
export interface AuditRow extends HashedFields {
  hash: string;
}

export const AUDIT_COLUMNS = 'seq, ts, os_user, host, kind, subject, detail, prev_hash, hash';
