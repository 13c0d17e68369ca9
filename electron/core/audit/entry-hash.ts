import { createHash } from 'node:crypto';

/** The prev_hash of the first entry: there is nothing before it. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Names the serialisation below. It is the first element of every hashed array, so if the
 * format ever has to change, a v2 entry can never hash the same as a v1 entry.
 */
export const AUDIT_HASH_FORMAT = 'fleetops-audit-v1';

/** An entry's hashed fields, exactly as stored in the `audit` table. */
export interface HashedFields {
  seq: number;
  ts: number;
  os_user: string;
  host: string;
  kind: string;
  subject: string | null;
  /** The stored canonical JSON text, or null when the entry has no detail. */
  detail: string | null;
  prev_hash: string;
}

/**
 * SHA-256 (lower-case hex) of the UTF-8 bytes of
 *   JSON.stringify([AUDIT_HASH_FORMAT, seq, ts, os_user, host, kind, subject, detail, prev_hash])
 *
 * Why this shape: a JSON array has fixed positions and quotes every string, so no two different
 * entries serialise to the same bytes (plain concatenation with a separator would let
 * "a|b" + "c" collide with "a" + "b|c"); JSON.stringify of integers, strings and null is fully
 * specified by ECMAScript, and lone surrogates are escaped, so the bytes are the same in every
 * runtime and any language with a JSON encoder can recompute them. `detail` is hashed as the
 * stored text (a JSON string inside the array), so the hash covers exactly the bytes on disk;
 * the text itself is canonical (canonical-json.ts), so it can also be rebuilt from the decoded
 * value. The values are hashed with the types they are read back with: a ts changed from the
 * integer 5 to the text "5" no longer matches.
 */
export function entryHash(f: HashedFields): string {
  const serialised = JSON.stringify([AUDIT_HASH_FORMAT, f.seq, f.ts, f.os_user, f.host, f.kind, f.subject, f.detail, f.prev_hash]);
  return createHash('sha256').update(serialised, 'utf8').digest('hex');
}
