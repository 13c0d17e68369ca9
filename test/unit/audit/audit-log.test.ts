import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { createAuditLog, MAX_AUDIT_LIST_LIMIT } from '../../../electron/core/audit/audit-log';
import { GENESIS_HASH } from '../../../electron/core/audit/entry-hash';
import { ALICE, appendSome, openTestStore, tempDir } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('AuditLog.append', () => {
  it('chains entries from the genesis hash, with the identity, clock and canonical detail', () => {
    const store = openTestStore(tempDir(cleanups), cleanups, ALICE, () => 5000);
    const first = store.audit.append({ kind: 'plan', subject: 'failover-llama', detail: { to: 'usw2', from: 'use1' } });
    const second = store.audit.append({ kind: 'confirmation', ts: 6000 });

    expect(first).toEqual({
      seq: 1, ts: 5000, osUser: 'alice', host: 'ops-laptop', kind: 'plan', subject: 'failover-llama',
      detail: { from: 'use1', to: 'usw2' }, origin: null, prevHash: GENESIS_HASH, hash: first.hash,
    });
    // The documented serialisation, written out by hand: if the format drifts, old logs stop verifying.
    expect(first.hash).toBe(sha256(`["fleetops-audit-v1",1,5000,"alice","ops-laptop","plan","failover-llama","{\\"from\\":\\"use1\\",\\"to\\":\\"usw2\\"}","${GENESIS_HASH}"]`));
    expect(second).toMatchObject({ seq: 2, ts: 6000, subject: null, detail: null, prevHash: first.hash });
    expect(second.hash).toBe(sha256(`["fleetops-audit-v1",2,6000,"alice","ops-laptop","confirmation",null,null,"${first.hash}"]`));
  });

  it('round-trips: what append returns is what list gives back, and the chain verifies', () => {
    const store = openTestStore(tempDir(cleanups), cleanups);
    const appended = [
      store.audit.append({ kind: 'run', subject: 'r1', detail: { steps: ['drain', 'disable'], n: 2.5, nested: { b: null, a: false } } }),
      store.audit.append({ kind: 'step', subject: 'r1', detail: 'a plain string' }),
      store.audit.append({ kind: 'abort', subject: null, detail: null }),
    ];
    expect(store.audit.list()).toEqual([...appended].reverse());
    expect(store.audit.verify()).toEqual({ ok: true, entries: 3, lastHash: appended[2].hash });
  });

  it('verifies an empty log as intact with no last hash', () => {
    const store = openTestStore(tempDir(cleanups), cleanups);
    expect(store.audit.verify()).toEqual({ ok: true, entries: 0, lastHash: null });
  });

  it.each([
    ['an empty kind', { kind: '' }, /audit kind must be a non-empty string/],
    ['a non-string subject', { kind: 'run', subject: 7 as unknown as string }, /audit subject must be a string or null/],
    ['a fractional ts', { kind: 'run', ts: 1.5 }, /audit ts must be non-negative integer milliseconds, got 1.5/],
    ['a negative ts', { kind: 'run', ts: -1 }, /got -1/],
    ['a detail that is not JSON', { kind: 'run', detail: { n: Number.NaN } }, /audit detail is not canonical JSON at \$\.n/],
  ])('refuses %s and writes nothing', (_name, input, message) => {
    const store = openTestStore(tempDir(cleanups), cleanups);
    expect(() => store.audit.append(input)).toThrow(FleetError);
    expect(() => store.audit.append(input)).toThrow(message);
    expect(store.audit.verify()).toEqual({ ok: true, entries: 0, lastHash: null });
  });

  it('refuses an identity without a user or host', () => {
    const store = openTestStore(tempDir(cleanups), cleanups);
    const db = new Database(store.path);
    cleanups.push(() => db.close());
    expect(() => createAuditLog(db, { identity: { user: '', host: 'h' } })).toThrow(/non-empty OS user/);
    expect(() => createAuditLog(db, { identity: { user: 'u', host: '' } })).toThrow(/non-empty host/);
  });
});

describe('AuditLog.list', () => {
  it('pages newest first with beforeSeq and limit', () => {
    const store = openTestStore(tempDir(cleanups), cleanups);
    appendSome(store, 7);
    expect(store.audit.list({ limit: 3 }).map((e) => e.seq)).toEqual([7, 6, 5]);
    expect(store.audit.list({ limit: 3, beforeSeq: 5 }).map((e) => e.seq)).toEqual([4, 3, 2]);
    expect(store.audit.list({ limit: 3, beforeSeq: 2 }).map((e) => e.seq)).toEqual([1]);
  });

  it('clamps the limit and refuses bad paging values', () => {
    const store = openTestStore(tempDir(cleanups), cleanups);
    const insert = store.audit.append.bind(store.audit);
    for (let i = 0; i < MAX_AUDIT_LIST_LIMIT + 5; i++) insert({ kind: 'step', ts: i });
    expect(store.audit.list({ limit: MAX_AUDIT_LIST_LIMIT + 100 })).toHaveLength(MAX_AUDIT_LIST_LIMIT);
    expect(store.audit.list()).toHaveLength(100);
    expect(() => store.audit.list({ limit: 0 })).toThrow(/limit must be a positive integer, got 0/);
    expect(() => store.audit.list({ beforeSeq: 1.5 })).toThrow(/beforeSeq must be an integer/);
  });
});

describe('the audit table is append-only in SQL', () => {
  it('refuses UPDATE and DELETE from any connection, and leaves the chain intact', () => {
    const store = openTestStore(tempDir(cleanups), cleanups);
    appendSome(store, 3);
    const db = new Database(store.path);
    cleanups.push(() => db.close());
    expect(() => db.prepare("UPDATE audit SET kind = 'nothing' WHERE seq = 2").run()).toThrow('audit entries are append-only: UPDATE refused');
    expect(() => db.prepare('DELETE FROM audit WHERE seq = 3').run()).toThrow('audit entries are append-only: DELETE refused');
    expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/DELETE refused/);
    expect(store.audit.verify()).toMatchObject({ ok: true, entries: 3 });
  });
});

describe('two AuditLog instances on the same file', () => {
  it('append alternately and keep one valid chain: neither caches the head', () => {
    const dir = tempDir(cleanups);
    const a = openTestStore(dir, cleanups, { user: 'alice', host: 'laptop-a' });
    const b = openTestStore(dir, cleanups, { user: 'bob', host: 'laptop-b' });
    for (let i = 0; i < 20; i++) (i % 2 === 0 ? a : b).audit.append({ kind: 'step', detail: { i } });
    expect(a.audit.verify()).toEqual({ ok: true, entries: 20, lastHash: b.audit.list({ limit: 1 })[0].hash });
    const users = a.audit.list({ limit: 20 }).reverse().map((e) => `${e.seq}:${e.osUser}@${e.host}`);
    expect(users.slice(0, 3)).toEqual(['1:alice@laptop-a', '2:bob@laptop-b', '3:alice@laptop-a']);
  });
});
