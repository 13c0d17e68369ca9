/** Shared set-up for the audit tests: a real store in a temp dir, and a second connection to tamper with it. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AuditIdentity } from '../../../electron/core/audit/identity';
import { openStore, type Store } from '../../../electron/core/store/open-store';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';

export const ALICE = { user: 'alice', host: 'ops-laptop' };

export function tempDir(cleanups: (() => void)[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fleetops-audit-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function openTestStore(dir: string, cleanups: (() => void)[], identity: AuditIdentity = ALICE, now: () => number = () => 1_700_000_000_000): Store {
  const store = openStore(dir, { migrations: fleetMigrations(), auditIdentity: identity, now });
  cleanups.push(() => store.close());
  return store;
}

/** Appends `n` entries of varied shape: kinds cycle through the ones the runbook executor writes. */
export function appendSome(store: Store, n: number): void {
  const kinds = ['plan', 'run', 'step', 'confirmation', 'override', 'abort'];
  for (let i = 1; i <= n; i++) {
    store.audit.append({ kind: kinds[(i - 1) % kinds.length], subject: `run-${i}`, detail: { step: i, node: `use1-inf-0${i % 3}`, ok: i % 2 === 0 }, ts: 1_700_000_000_000 + i * 1000 });
  }
}

/**
 * What an attacker with write access to the file does: a separate connection that drops the
 * append-only triggers and runs `sql`.
 */
export function tamper(file: string, sql: string, ...params: unknown[]): void {
  const db = new Database(file);
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}
