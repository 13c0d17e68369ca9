/** History stores on real SQLite files in a temp dir of the test file's own, with a clock the test moves. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { HistoryStore, MINUTE_MS, type HistoryOptions } from '../../../electron/core/history/history-store';
import { openStore } from '../../../electron/core/store/open-store';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';
import { FakeTimers } from './fixtures';

export const HOUR = 60 * MINUTE_MS;
export const DAY = 24 * HOUR;
/** The start of a half hour, so its minutes are M0, M0 + 1, … */
export const M0 = 28_999_980;
export const T0 = M0 * MINUTE_MS;

export interface Setup {
  file: string;
  timers: FakeTimers;
  sql: string[];
  open(opts?: HistoryOptions): HistoryStore;
  /** A second, plain connection: what is on disk, independent of the code under test. */
  count(sql: string, ...params: unknown[]): number;
}

/**
 * Registers the test file's hooks (stores closed after each test, the temp dir removed at the
 * end) and returns `setup`, which makes a data directory with the store's migrations applied.
 */
export function historyFiles(): { setup: (start?: number) => Setup; cleanup: (fn: () => void) => void } {
  const root = mkdtempSync(join(tmpdir(), 'fleetops-history-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
  });
  let n = 0;
  const setup = (start = T0): Setup => {
    const dir = join(root, `s${n++}`);
    const store = openStore(dir, { migrations: fleetMigrations(), now: () => start });
    const file = store.path;
    store.close();
    const timers = new FakeTimers(start);
    const sql: string[] = [];
    return {
      file,
      timers,
      sql,
      open(opts = {}) {
        const h = new HistoryStore(file, { timers, trace: (s) => sql.push(s), ...opts });
        cleanups.push(() => h.close());
        sql.length = 0; // the connection's own pragmas
        return h;
      },
      count(q, ...params) {
        const db = new Database(file, { readonly: true });
        try {
          return db.prepare(q).pluck().get(...params) as number;
        } finally {
          db.close();
        }
      },
    };
  };
  return { setup, cleanup: (fn) => cleanups.push(fn) };
}
