import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { DAY_MS, MINUTE_MS } from '../../../electron/core/availability/request-bucket';
import { createEventLog } from '../../../electron/core/store/event-log';
import { migrate } from '../../../electron/core/store/migrate';
import { openStore, type Store } from '../../../electron/core/store/open-store';
import { bucketsSince, createRequestLog } from '../../../electron/core/store/request-log';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';

/** The data directory's schema: the store's own migrations and the built-in features'. */
const MIGRATIONS = fleetMigrations();

const cleanups: (() => void)[] = [];
afterEach(() => {
  vi.useRealTimers();
  clockNow = T;
  while (cleanups.length > 0) cleanups.pop()?.();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fleetops-requests-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A second, plain connection: what is really on disk, independent of the code under test. */
function rawRows(file: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT service, minute, ok, failed, latency_sum_ms, latency_max_ms FROM request_buckets ORDER BY service, minute').all();
  } finally {
    db.close();
  }
}

const M = 28_333_333;
const T = M * MINUTE_MS; // the start of minute M
let clockNow = T;
const clock = () => clockNow;

function open(dir = tempDir(), requestLog = {}): Store {
  const store = openStore(dir, { migrations: MIGRATIONS, now: clock, requestLog });
  cleanups.push(() => store.close());
  return store;
}

function expectFleetError(fn: () => unknown, code: string, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).code).toBe(code);
    expect((err as FleetError).message).toMatch(message);
    return;
  }
  throw new Error('expected a FleetError');
}

describe('migration 2: request_buckets', () => {
  it('applies on a version-1 database and leaves its events intact', () => {
    const dir = tempDir();
    const file = path.join(dir, 'fleetops.db');
    // A database as the previous build left it: migration 1 only, through the real migrate path.
    const v1 = new Database(file);
    v1.pragma('journal_mode = WAL');
    migrate(v1, MIGRATIONS.slice(0, 1), file, () => 100);
    const events = createEventLog(v1).appendEvents([
      { ts: 1, kind: 'node.health', subject: 'gpu-a', severity: 'warning', message: 'degraded', data: { reasons: ['hot'] } },
      { ts: 2, kind: 'xid', subject: 'gpu-b', severity: 'error', message: 'XID 79' },
    ]);
    v1.close();

    clockNow = 200;
    const store = open(dir);
    expect(store.schemaVersion()).toBe(MIGRATIONS.length);
    expect(store.listEvents({})).toEqual([...events].reverse());
    const db = new Database(file, { readonly: true });
    cleanups.push(() => db.close());
    // Version 1 came with the old store; everything after it was applied on this open.
    expect(db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all()).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: m.version === 1 ? 100 : 200 })),
    );
    const pk = (db.prepare("SELECT name, pk FROM pragma_table_info('request_buckets') WHERE pk > 0 ORDER BY pk").all() as { name: string }[]).map((c) => c.name);
    expect(pk).toEqual(['service', 'minute']);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'request_buckets' AND sql IS NOT NULL").all()).toEqual([{ name: 'request_buckets_minute' }]);
  });
});

describe('request log', () => {
  it('keeps outcomes in memory and writes them in one flush per interval, not one write per request', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = open(tempDir(), { flushIntervalMs: 1000 });
    for (let i = 0; i < 100; i++) store.requests.recordOutcome({ service: 'llama', at: T + i * 100, ok: i % 10 !== 0, latencyMs: 20 });
    expect(rawRows(store.path)).toEqual([]);
    vi.advanceTimersByTime(999);
    expect(rawRows(store.path)).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(rawRows(store.path)).toEqual([{ service: 'llama', minute: M, ok: 90, failed: 10, latency_sum_ms: 1800, latency_max_ms: 20 }]);
  });

  it('adds to an existing minute (upsert-increment), keeping latency of successes only', () => {
    const store = open();
    const r = store.requests;
    r.recordOutcome({ service: 'llama', at: T + 1, ok: true, latencyMs: 10 });
    r.recordOutcome({ service: 'llama', at: T + 2, ok: true, latencyMs: 30 });
    r.flush();
    r.recordOutcome({ service: 'llama', at: T + 3, ok: true, latencyMs: 20 });
    r.recordOutcome({ service: 'llama', at: T + 4, ok: false, latencyMs: 5000 });
    r.recordOutcome({ service: 'llama', at: T + MINUTE_MS, ok: false, latencyMs: 1 });
    r.recordOutcome({ service: 'mistral', at: T + 5, ok: true, latencyMs: 7 });
    r.flush();
    expect(rawRows(store.path)).toEqual([
      { service: 'llama', minute: M, ok: 3, failed: 1, latency_sum_ms: 60, latency_max_ms: 30 },
      { service: 'llama', minute: M + 1, ok: 0, failed: 1, latency_sum_ms: 0, latency_max_ms: 0 },
      { service: 'mistral', minute: M, ok: 1, failed: 0, latency_sum_ms: 7, latency_max_ms: 7 },
    ]);
  });

  it('lists a service from the minute holding sinceMs on, pending outcomes included', () => {
    const store = open();
    for (const [minute, ok] of [[M - 2, true], [M - 1, false], [M, true]] as const) {
      store.requests.recordOutcome({ service: 'llama', at: minute * MINUTE_MS + 59_000, ok, latencyMs: 4 });
    }
    store.requests.recordOutcome({ service: 'other', at: T, ok: false, latencyMs: 1 });
    expect(store.requests.bucketsSince('llama', (M - 1) * MINUTE_MS + 30_000)).toEqual([
      { minute: M - 1, ok: 0, failed: 1, latencySumMs: 0, latencyMaxMs: 0 },
      { minute: M, ok: 1, failed: 0, latencySumMs: 4, latencyMaxMs: 4 },
    ]);
    expect(store.requests.bucketsSince('nobody', 0)).toEqual([]);
  });

  it('survives a restart: close flushes, reopening reads it back', () => {
    const dir = tempDir();
    const first = openStore(dir, { migrations: MIGRATIONS, now: clock });
    first.requests.recordOutcome({ service: 'llama', at: T, ok: true, latencyMs: 12 });
    first.requests.recordOutcome({ service: 'llama', at: T, ok: false, latencyMs: 12 });
    first.close();
    const second = open(dir);
    const expected = [{ minute: M, ok: 1, failed: 1, latencySumMs: 12, latencyMaxMs: 12 }];
    expect(second.requests.bucketsSince('llama', 0)).toEqual(expected);
    const raw = new Database(second.path, { readonly: true });
    cleanups.push(() => raw.close());
    expect(bucketsSince(raw, 'llama', T)).toEqual(expected);
    expect(bucketsSince(raw, 'llama', T + MINUTE_MS)).toEqual([]);
  });

  it('prunes buckets older than 31 days, on open and when a flush finds it due', () => {
    const dir = tempDir();
    const store = openStore(dir, { migrations: MIGRATIONS, now: clock });
    const at = (ms: number) => store.requests.recordOutcome({ service: 'llama', at: ms, ok: true, latencyMs: 1 });
    at(T - 31 * DAY_MS - MINUTE_MS); // the minute before the retention edge
    at(T - 31 * DAY_MS); // exactly at the edge: kept
    at(T - 30 * DAY_MS);
    at(T);
    store.requests.flush(); // the prune on open just ran: not due yet, nothing deleted
    expect(rawRows(store.path)).toHaveLength(4);
    expect(store.requests.prune()).toBe(1);
    expect((rawRows(store.path) as { minute: number }[]).map((r) => r.minute)).toEqual([M - 31 * 24 * 60, M - 30 * 24 * 60, M]);

    // An hour later the next flush prunes on its own.
    clockNow = T + 60 * MINUTE_MS;
    at(T + 60 * MINUTE_MS);
    store.requests.flush();
    expect((rawRows(store.path) as { minute: number }[]).map((r) => r.minute)).toEqual([M - 30 * 24 * 60, M, M + 60]);
    store.close();

    // A store reopened a day later prunes before anything is recorded.
    clockNow = T + DAY_MS + 61 * MINUTE_MS;
    open(dir);
    expect((rawRows(store.path) as { minute: number }[]).map((r) => r.minute)).toEqual([M, M + 60]);
  });

  it('refuses malformed outcomes, and recording after close', () => {
    const store = openStore(tempDir(), { migrations: MIGRATIONS, now: clock });
    const r = store.requests;
    expectFleetError(() => r.recordOutcome({ service: '', at: T, ok: true, latencyMs: 1 }), 'BAD_REQUEST', /service must be a non-empty string/);
    expectFleetError(() => r.recordOutcome({ service: 'x', at: Number.NaN, ok: true, latencyMs: 1 }), 'BAD_REQUEST', /time must be milliseconds/);
    expectFleetError(() => r.recordOutcome({ service: 'x', at: T, ok: 'yes' as never, latencyMs: 1 }), 'BAD_REQUEST', /ok must be a boolean/);
    expectFleetError(() => r.recordOutcome({ service: 'x', at: T, ok: true, latencyMs: -1 }), 'BAD_REQUEST', /latency must be a non-negative/);
    expectFleetError(() => r.bucketsSince('x', Number.NaN), 'BAD_REQUEST', /sinceMs/);
    store.close();
    expectFleetError(() => r.recordOutcome({ service: 'x', at: T, ok: true, latencyMs: 1 }), 'INTERNAL', /request log is closed/);
  });

  it('keeps outcomes a failed flush could not write, reports a background failure, and writes them later', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const dir = tempDir();
    const created = openStore(dir, { migrations: MIGRATIONS, now: clock });
    const file = created.path;
    created.close();
    // busy timeout 0: a locked database fails at once instead of blocking the test for 5 s.
    const db = new Database(file, { timeout: 0 });
    cleanups.push(() => db.close());
    const errors: FleetError[] = [];
    const log = createRequestLog(db, { now: clock, flushIntervalMs: 500, onError: (e) => errors.push(e) });
    const locker = new Database(file, { timeout: 0 });
    cleanups.push(() => locker.close());

    log.recordOutcome({ service: 'llama', at: T, ok: false, latencyMs: 1 });
    locker.exec('BEGIN IMMEDIATE');
    expectFleetError(() => log.flush(), 'INTERNAL', /cannot write request outcomes \(1 buckets\): database is locked/);
    log.recordOutcome({ service: 'llama', at: T, ok: true, latencyMs: 3 });
    vi.advanceTimersByTime(500);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/database is locked/)]);

    locker.exec('COMMIT');
    vi.advanceTimersByTime(500); // the failed background flush rescheduled itself
    expect(rawRows(file)).toEqual([{ service: 'llama', minute: M, ok: 1, failed: 1, latency_sum_ms: 3, latency_max_ms: 3 }]);
    expect(errors).toHaveLength(1);
  });
});
