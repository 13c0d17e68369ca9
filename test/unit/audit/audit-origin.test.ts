/**
 * An identity with an origin (a lab) marks every entry's detail with it: the chain still verifies,
 * the hash covers the origin (dropping it shows as tampering), and the table keeps its schema.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { formatEntry } from '../../../electron/cli/audit-command';
import { AUDIT_COLUMNS } from '../../../electron/core/audit/audit-row';
import { GENESIS_HASH } from '../../../electron/core/audit/entry-hash';
import { labOrigin } from '../../../electron/core/audit/identity';
import { ALICE, openTestStore, tamper, tempDir } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const LAB = { ...ALICE, origin: labOrigin('/tmp/lab') };

describe('audit entries of an identity with an origin', () => {
  it('records the origin in every detail, hashed like any other detail, and verifies', () => {
    const store = openTestStore(tempDir(cleanups), cleanups, LAB, () => 5000);
    const entry = store.audit.append({ kind: 'settings.read-only', detail: { global: true, clusters: [] } });
    expect(entry).toMatchObject({ osUser: 'alice', host: 'ops-laptop', detail: { clusters: [], global: true, origin: 'lab:/tmp/lab' }, origin: 'lab:/tmp/lab' });
    // Canonical JSON (sorted keys) of the detail with the origin in it, hashed in the documented format.
    expect(entry.hash).toBe(
      sha256(`["fleetops-audit-v1",1,5000,"alice","ops-laptop","settings.read-only",null,"{\\"clusters\\":[],\\"global\\":true,\\"origin\\":\\"lab:/tmp/lab\\"}","${GENESIS_HASH}"]`),
    );
    expect(store.audit.verify()).toEqual({ ok: true, entries: 1, lastHash: entry.hash });
  });

  it('marks every shape of detail: none, an object, a scalar, an array, an object with an origin of its own', () => {
    const store = openTestStore(tempDir(cleanups), cleanups, LAB);
    const details = [undefined, null, { run: 'r1' }, 'plain text', [1, 2], { origin: 'somewhere else', x: 1 }].map(
      (detail) => store.audit.append({ kind: 'k', detail }).detail,
    );
    expect(details).toEqual([
      { origin: 'lab:/tmp/lab' },
      { origin: 'lab:/tmp/lab' },
      { run: 'r1', origin: 'lab:/tmp/lab' },
      { origin: 'lab:/tmp/lab', value: 'plain text' },
      { origin: 'lab:/tmp/lab', value: [1, 2] },
      { origin: 'lab:/tmp/lab', value: { origin: 'somewhere else', x: 1 } },
    ]);
    expect(store.audit.list().every((e) => e.origin === 'lab:/tmp/lab')).toBe(true);
    expect(store.audit.verify()).toMatchObject({ ok: true, entries: 6 });
  });

  it('leaves entries of an identity without origin as they were (origin null), in the same chain', () => {
    const dir = tempDir(cleanups);
    const lab = openTestStore(dir, cleanups, LAB);
    lab.audit.append({ kind: 'run', detail: { run: 'r1' } });
    lab.close();
    const real = openTestStore(dir, cleanups, ALICE);
    const plain = real.audit.append({ kind: 'run', detail: { run: 'r2' } });
    expect(plain).toMatchObject({ detail: { run: 'r2' }, origin: null });
    expect(real.audit.list().map((e) => e.origin)).toEqual([null, 'lab:/tmp/lab']);
    expect(real.audit.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('keeps the table schema: no origin column', () => {
    const store = openTestStore(tempDir(cleanups), cleanups, LAB);
    store.audit.append({ kind: 'k' });
    const db = new Database(store.path, { readonly: true });
    try {
      const columns = (db.prepare('PRAGMA table_info(audit)').all() as { name: string }[]).map((c) => c.name);
      expect(columns.join(', ')).toBe(AUDIT_COLUMNS);
    } finally {
      db.close();
    }
  });

  it('shows an entry with its origin removed from the detail as tampering', () => {
    const store = openTestStore(tempDir(cleanups), cleanups, LAB);
    store.audit.append({ kind: 'run', detail: { run: 'r1' }, ts: 1000 });
    store.audit.append({ kind: 'abort', detail: { run: 'r1' }, ts: 2000 });
    tamper(store.path, 'UPDATE audit SET detail = ? WHERE seq = 1', '{"run":"r1"}');
    expect(store.audit.verify()).toEqual({ ok: false, entries: 2, firstBroken: { seq: 1, ts: 1000, kind: 'run', reason: 'hash mismatch' } });
  });

  it('refuses an empty origin', () => {
    expect(() => openTestStore(tempDir(cleanups), cleanups, { ...ALICE, origin: '' })).toThrow(FleetError);
  });

  it('is shown by `audit list` beside the user, not repeated in the detail', () => {
    const store = openTestStore(tempDir(cleanups), cleanups, LAB, () => Date.UTC(2025, 0, 15, 9, 30));
    const withDetail = store.audit.append({ kind: 'runbook.abort', subject: 'llama-a01-0', detail: { run: 'r1' } });
    const bare = store.audit.append({ kind: 'settings.read-only' });
    expect(formatEntry(withDetail)).toBe('     1  2025-01-15T09:30:00.000Z  alice@ops-laptop [lab:/tmp/lab]  runbook.abort  llama-a01-0  {"run":"r1"}');
    expect(formatEntry(bare)).toBe('     2  2025-01-15T09:30:00.000Z  alice@ops-laptop [lab:/tmp/lab]  settings.read-only');
  });
});
