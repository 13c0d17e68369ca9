/**
 * Every connection to the data directory's databases (electron/core/store/connection.ts) waits
 * BUSY_TIMEOUT_MS for another connection's lock, read-only ones too.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUSY_TIMEOUT_MS, openConnection } from '../../../electron/core/store/connection';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('openConnection', () => {
  it('waits BUSY_TIMEOUT_MS for another connection’s lock, writable or read-only, whatever the caller passed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-connection-'));
    dirs.push(dir);
    const file = join(dir, 'x.db');
    new Database(file).close();
    for (const options of [{}, { readonly: true, fileMustExist: true }, { timeout: 1 }]) {
      const db = openConnection(file, options);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
      db.close();
    }
  });

  it('throws what better-sqlite3 throws for a file that is not there', () => {
    expect(() => openConnection(join(tmpdir(), 'fleetops-connection-none', 'x.db'), { fileMustExist: true })).toThrow();
  });
});
