import type { Migration } from '../store/migrate';

/**
 * The history of what the monitors measured (migration 7), written by history-store.ts.
 *
 * - history_subjects: one small integer per node, replica and load balancer server, so the
 *   sample rows carry 1–2 bytes instead of a name. A GPU is stored inside its node's rows.
 * - history_raw: every probe's reading, for the last hour. Keyed by 10-second slot first: each
 *   flush appends to the newest slot instead of touching one page per subject all over the
 *   table, and pruning deletes from the front. A series is read with one key seek per slot
 *   (360 an hour). `sample` is the reading packed as varints (codec.ts).
 * - history_rollup: per subject per bucket, the count, min/mean/max of each number and, of
 *   each state or outcome, the last class and a count per class (codec.ts); a replica's
 *   latencies also carry a mergeable quantile sketch for p50/p95 (quantiles.ts), appended to the
 *   same blob, so rows written before it still decode. step 1: 1-minute
 *   buckets, kept a day (the 24 h plot: 1,440 points); step 30: 30-minute buckets, kept 30 days
 *   (the 30-day plot: 1,440 points). A row a minute for 30 days would be 30 times the rows:
 *   some 13 GB at 1,000 8-GPU nodes, against ~0.9 GB for all of this at its steady state.
 *   Each minute's rows are appended once it has ended; its half hour's row is rewritten with
 *   the minute merged in.
 *
 * WITHOUT ROWID: the primary key is the row, no second b-tree and no 8-byte rowid per row.
 */
export const HISTORY_MIGRATION: Migration = {
  version: 7,
  name: 'history',
  up: `
    CREATE TABLE history_subjects (
      id INTEGER PRIMARY KEY,
      kind INTEGER NOT NULL CHECK (kind IN (1, 2, 3)), -- 1 node (with its GPUs), 2 replica, 3 load balancer server
      name TEXT NOT NULL,                              -- node or replica name, "loadBalancer/backend/server"
      UNIQUE (kind, name)
    );
    CREATE TABLE history_raw (
      slot INTEGER NOT NULL,     -- 10-second slots since the epoch: [slot * 10000, +10000) ms
      subject INTEGER NOT NULL,  -- history_subjects.id
      ms INTEGER NOT NULL,       -- when the probe started, ms into the slot
      sample BLOB NOT NULL,
      PRIMARY KEY (slot, subject, ms)
    ) WITHOUT ROWID;
    CREATE TABLE history_rollup (
      step INTEGER NOT NULL CHECK (step IN (1, 30)), -- bucket width in minutes
      bucket INTEGER NOT NULL,   -- first minute since the epoch (UTC), a multiple of step
      subject INTEGER NOT NULL,  -- history_subjects.id
      stats BLOB NOT NULL,
      PRIMARY KEY (step, bucket, subject)
    ) WITHOUT ROWID;
  `,
};
