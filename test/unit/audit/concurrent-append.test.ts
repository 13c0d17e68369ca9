/**
 * Two processes appending to one file at the same moment (the desktop app and a CLI, say). The
 * immediate transaction in AuditLog.append is what keeps the chain single: with a plain read
 * then insert, both would link to the same head (a fork, PRIMARY KEY failure); with a deferred
 * transaction, the losing writer fails with SQLITE_BUSY_SNAPSHOT instead of waiting.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../electron/core/audit/audit-log';
import { openTestStore, tempDir } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

const ROOT = path.resolve(__dirname, '..', '..', '..');

function startWriter(dir: string, user: string, other: string): { child: ChildProcess; ready: Promise<void>; exited: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'append-worker.ts'), dir, user, other], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  cleanups.push(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((r) => child.once('exit', (code) => r({ code, stderr })));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    void exited.then(({ code }) => reject(new Error(`writer ${user} exited (${code}) before it was ready: ${stderr}`)));
  });
  return { child, ready, exited };
}

describe('concurrent appends from two processes', () => {
  it('interleave into one valid chain with every entry kept', async () => {
    const dir = tempDir(cleanups);
    const store = openTestStore(dir, cleanups);
    const writers = [startWriter(dir, 'alice', 'bob'), startWriter(dir, 'bob', 'alice')];
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.child.stdin?.write('go\n');
    const results = await Promise.all(writers.map((w) => w.exited));
    expect(results).toEqual([{ code: 0, stderr: '' }, { code: 0, stderr: '' }]);

    const verified = store.audit.verify();
    expect(verified).toMatchObject({ ok: true });
    const entries: AuditEntry[] = [];
    // Newest first, a page at a time (the list limit is 1000).
    for (let page = store.audit.list({ limit: 1000 }); page.length > 0; page = store.audit.list({ limit: 1000, beforeSeq: page[page.length - 1].seq })) {
      entries.unshift(...[...page].reverse());
    }
    expect(entries).toHaveLength(verified.entries);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    // Every append of each writer is there, in its order.
    for (const user of ['alice', 'bob']) {
      const mine = entries.filter((e) => e.osUser === user).map((e) => (e.detail as { i: number }).i);
      expect(mine).toEqual([...mine.keys()]);
      expect(mine.length).toBeGreaterThan(0);
    }
    // They really wrote at the same time: the chain switches writer several times.
    const switches = entries.filter((e, i) => i > 0 && e.osUser !== entries[i - 1].osUser).length;
    expect(switches).toBeGreaterThanOrEqual(5);
  });
});
