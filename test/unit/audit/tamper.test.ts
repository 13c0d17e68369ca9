/**
 * Every way of editing the file behind the log's back (triggers dropped from a separate
 * connection) is caught by verify, which names exactly the first broken entry and why.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { entryHash } from '../../../electron/core/audit/entry-hash';
import type { Store } from '../../../electron/core/store/open-store';
import { appendSome, openTestStore, tamper, tempDir } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/** A store with six good entries, closed so the tampering connection is the only writer. */
function sixEntries(): { dir: string; file: string; reopen: () => Store } {
  const dir = tempDir(cleanups);
  const store = openTestStore(dir, cleanups);
  appendSome(store, 6);
  expect(store.audit.verify()).toMatchObject({ ok: true, entries: 6 });
  store.close();
  return { dir, file: store.path, reopen: () => openTestStore(dir, cleanups) };
}

describe('audit verify after tampering', () => {
  it('changed detail: hash mismatch at that entry', () => {
    const { file, reopen } = sixEntries();
    tamper(file, 'UPDATE audit SET detail = ? WHERE seq = 4', '{"node":"use1-inf-01","ok":false,"step":4}');
    expect(reopen().audit.verify()).toEqual({ ok: false, entries: 6, firstBroken: { seq: 4, ts: 1_700_000_004_000, kind: 'confirmation', reason: 'hash mismatch' } });
  });

  it('detail rewritten as non-canonical JSON (same value, other spelling): named as such', () => {
    const { file, reopen } = sixEntries();
    tamper(file, 'UPDATE audit SET detail = ? WHERE seq = 2', '{"step": 2, "node": "use1-inf-02", "ok": true}');
    expect(reopen().audit.verify()).toMatchObject({ ok: false, firstBroken: { seq: 2, reason: 'detail is not canonical JSON' } });
  });

  it('changed kind: hash mismatch at that entry', () => {
    const { file, reopen } = sixEntries();
    tamper(file, "UPDATE audit SET kind = 'plan' WHERE seq = 5");
    expect(reopen().audit.verify()).toMatchObject({ ok: false, entries: 6, firstBroken: { seq: 5, kind: 'plan', reason: 'hash mismatch' } });
  });

  it('changed ts or user, even to an equal-looking value of another type: hash mismatch', () => {
    const { file, reopen } = sixEntries();
    tamper(file, "UPDATE audit SET os_user = 'root' WHERE seq = 6");
    expect(reopen().audit.verify()).toMatchObject({ ok: false, firstBroken: { seq: 6, reason: 'hash mismatch' } });
    tamper(file, 'UPDATE audit SET ts = ts + 0.5 WHERE seq = 3');
    expect(reopen().audit.verify()).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: 'hash mismatch' } });
  });

  it('deleted row: gap in sequence at the entry after it', () => {
    const { file, reopen } = sixEntries();
    tamper(file, 'DELETE FROM audit WHERE seq = 3');
    expect(reopen().audit.verify()).toEqual({ ok: false, entries: 5, firstBroken: { seq: 4, ts: 1_700_000_004_000, kind: 'confirmation', reason: 'gap in sequence' } });
  });

  it('deleted first row: gap at the new first entry', () => {
    const { file, reopen } = sixEntries();
    tamper(file, 'DELETE FROM audit WHERE seq = 1');
    expect(reopen().audit.verify()).toMatchObject({ ok: false, firstBroken: { seq: 2, reason: 'gap in sequence' } });
  });

  it('reordered rows (seq 2 and 3 swapped): hash mismatch at seq 2', () => {
    const { file, reopen } = sixEntries();
    tamper(file, 'UPDATE audit SET seq = -3 WHERE seq = 3');
    tamper(file, 'UPDATE audit SET seq = 3 WHERE seq = 2');
    tamper(file, 'UPDATE audit SET seq = 2 WHERE seq = -3');
    expect(reopen().audit.verify()).toMatchObject({ ok: false, entries: 6, firstBroken: { seq: 2, kind: 'step', reason: 'hash mismatch' } });
  });

  it('duplicated row appended at the end (no trigger needed for INSERT): hash mismatch at the copy', () => {
    const { file, reopen } = sixEntries();
    tamper(file, 'INSERT INTO audit SELECT 7, ts, os_user, host, kind, subject, detail, prev_hash, hash FROM audit WHERE seq = 2');
    expect(reopen().audit.verify()).toMatchObject({ ok: false, entries: 7, firstBroken: { seq: 7, reason: 'hash mismatch' } });
  });

  it('a row rewritten and re-hashed: caught at the next entry, whose prev_hash no longer matches', () => {
    const { file, reopen } = sixEntries();
    const forged = { seq: 3, ts: 1_700_000_003_000, os_user: 'alice', host: 'ops-laptop', kind: 'step', subject: 'run-3', detail: '{"forged":true}' };
    const before = reopen().audit.list({ limit: 10 }).find((e) => e.seq === 3);
    const rehashed = { ...forged, prev_hash: before?.prevHash ?? '' };
    tamper(file, 'UPDATE audit SET detail = ?, hash = ? WHERE seq = 3', forged.detail, entryHash(rehashed));
    expect(reopen().audit.verify()).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: 'prev_hash does not match the previous entry' } });
  });

  it('a forged entry with a valid own hash but linked to an older entry: prev_hash mismatch at it', () => {
    const { file, reopen } = sixEntries();
    const old = reopen().audit.list({ limit: 10 }).find((e) => e.seq === 2);
    const row = { seq: 7, ts: 1_700_000_007_000, os_user: 'mallory', host: 'x', kind: 'override', subject: null, detail: null, prev_hash: old?.hash ?? '' };
    tamper(file, 'INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', row.seq, row.ts, row.os_user, row.host, row.kind, row.subject, row.detail, row.prev_hash, entryHash(row));
    expect(reopen().audit.verify()).toMatchObject({ ok: false, entries: 7, firstBroken: { seq: 7, kind: 'override', reason: 'prev_hash does not match the previous entry' } });
  });

  it('reports the first broken entry when several are', () => {
    const { file, reopen } = sixEntries();
    tamper(file, "UPDATE audit SET kind = 'x' WHERE seq IN (5, 2)");
    tamper(file, 'DELETE FROM audit WHERE seq = 6');
    expect(reopen().audit.verify()).toMatchObject({ ok: false, entries: 5, firstBroken: { seq: 2, reason: 'hash mismatch' } });
  });

  it('keeps appending after the last stored row, so later entries do not hide earlier damage', () => {
    const { file, reopen } = sixEntries();
    tamper(file, "UPDATE audit SET subject = 'other' WHERE seq = 1");
    const store = reopen();
    store.audit.append({ kind: 'run' });
    expect(store.audit.verify()).toMatchObject({ ok: false, entries: 7, firstBroken: { seq: 1, reason: 'hash mismatch' } });
    expect(store.audit.list({ limit: 1 })[0]).toMatchObject({ seq: 7, prevHash: store.audit.list({ limit: 2 })[1].hash });
  });
});
