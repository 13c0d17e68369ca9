/**
 * Incidents edited while another process writes to the same data directory (the console writes
 * events, history and request outcomes all the time; `fleetops incident close` runs beside it).
 * Every IncidentStore edit reads and then writes: it must take the write lock up front and wait
 * the busy timeout for it, never fail at once with "database is locked". A DEFERRED transaction
 * does fail at once, in two ways, both reproduced here deterministically on two connections:
 *
 * - SQLITE_BUSY: the other connection holds the write lock when the edit's read has to be
 *   upgraded to a write; SQLite skips the busy handler then (waiting could deadlock).
 * - SQLITE_BUSY_SNAPSHOT: the other connection committed between the edit's read and its write.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';
import { IncidentStore, type HealthSignal } from '../../../electron/core/incidents/incident-store';
import { openStore } from '../../../electron/core/store/open-store';

/** The edit's busy timeout here: short, so a test that waits it out stays quick. */
const WAIT_MS = 200;

let dir: string;
let file: string;
const open: Database.Database[] = [];
let clock = 1_000_000;
/** Runs (once) when the store under test next reads its clock: between its reads and its first write. */
let onClock: (() => void) | null = null;
const now = () => {
  const hook = onClock;
  onClock = null;
  hook?.();
  return clock;
};

function connect(busyTimeoutMs: number): Database.Database {
  const db = new Database(file, { fileMustExist: true });
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  open.push(db);
  return db;
}

/** The console's ordinary work: one event appended. */
const consoleWrite = (db: Database.Database) =>
  db.prepare("INSERT INTO events (ts, kind, subject, severity, message) VALUES (?, 'node.health', 'n7', 'info', 'healthy')").run(clock);

const codeOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (err) {
    return String((err as { code?: unknown }).code ?? (err as Error).message);
  }
};

const sig = (subject: string, health: string, at: number): HealthSignal => ({ subject, kind: 'node', health, at, region: 'us-west-2', protected: false });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-incidents-busy-'));
  // The real schema and WAL, as the console leaves the data directory.
  const store = openStore(dir, { migrations: fleetMigrations(), now: () => clock });
  file = store.path;
  store.close();
  clock = 1_000_000;
  onClock = null;
});
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Each edit, on an incident set up for it (an open incident of n1 and n2 in one region). */
const EDITS: Array<[string, (store: IncidentStore, id: string) => unknown]> = [
  ['close', (store, id) => store.close(id, 'bob@cli')],
  ['resolve', (store, id) => store.resolve(id, 'bob@cli')],
  ['acknowledge', (store, id) => store.acknowledge(id, 'bob@cli')],
  ['setMilestone', (store, id) => store.setMilestone(id, 'acknowledged', 1500, 'bob@cli')],
  ['signal', (store) => store.signal(sig('n2', 'healthy', 3000))],
  ['settle', (store) => store.settle(0)],
];

function incident(store: IncidentStore): string {
  const [id] = store.signal(sig('n1', 'unhealthy', 1000));
  store.signal(sig('n2', 'unhealthy', 2000));
  // n1 back: settle() has something to do once n2 is too.
  store.signal(sig('n1', 'healthy', 2500));
  return id!;
}

describe('an incident edit while another process holds the write lock', () => {
  it.each(EDITS)('%s waits the busy timeout for it, then goes through once it is free', (name, edit) => {
    const store = new IncidentStore(connect(WAIT_MS), now);
    const id = incident(store);
    if (name === 'settle') store.signal(sig('n2', 'healthy', 3000));
    const consoleDb = connect(0);
    consoleDb.exec('BEGIN IMMEDIATE');
    consoleWrite(consoleDb);

    const started = performance.now();
    const code = codeOf(() => edit(store, id));
    const waited = performance.now() - started;
    // Before the fix: SQLITE_BUSY after a millisecond or so, the busy handler never asked.
    expect(code).toBe('SQLITE_BUSY');
    expect(waited).toBeGreaterThanOrEqual(WAIT_MS * 0.9);

    consoleDb.exec('COMMIT');
    expect(codeOf(() => edit(store, id))).toBeNull();
  });
});

describe('an incident edit while another process commits', () => {
  it.each(EDITS.filter(([name]) => name === 'close' || name === 'resolve'))('%s is not failed by a commit between its reads and its writes', (name, edit) => {
    const store = new IncidentStore(connect(WAIT_MS), now);
    const id = incident(store);
    const consoleDb = connect(0);
    let consoleOutcome: string | null = 'not run';
    // The edit reads the clock after reading the incident and before writing its milestone.
    onClock = () => (consoleOutcome = codeOf(() => consoleWrite(consoleDb)));

    // Before the fix: SQLITE_BUSY_SNAPSHOT ("database is locked"), whatever the busy timeout.
    expect(codeOf(() => edit(store, id))).toBeNull();
    // The edit held the write lock from its start: the console's write waited for it (here, with
    // no busy timeout, it was told to retry), instead of slipping in and failing the edit.
    expect(consoleOutcome).toBe('SQLITE_BUSY');
    expect(codeOf(() => consoleWrite(consoleDb))).toBeNull();
    expect(store.get(id).status).toBe(name === 'close' ? 'closed' : 'resolved');
  });
});
