/** `fleetops audit verify|list` on real store files, tampered with from a separate connection. */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAuditCommand } from '../../electron/cli/audit-command';
import { openStore } from '../../electron/core/store/open-store';
import { fleetMigrations } from '../../electron/core/fleet/builtin-features';

const ROOT = resolve(__dirname, '..', '..');
const T0 = Date.UTC(2025, 0, 15, 9, 30, 0);
const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fleetops-audit-cli-'));
  tempDirs.push(d);
  return d;
}

/** A data dir whose store holds `n` audit entries, one a minute from T0. */
function storeWith(n: number): { dir: string; file: string; lastHash: string } {
  const dir = tempDir();
  const store = openStore(dir, { migrations: fleetMigrations(), auditIdentity: { user: 'alice', host: 'ops-laptop' } });
  const kinds = ['plan', 'run', 'step', 'step', 'confirmation', 'abort'];
  let lastHash = '';
  for (let i = 0; i < n; i++) lastHash = store.audit.append({ kind: kinds[i % kinds.length], subject: 'failover-llama', detail: { i }, ts: T0 + i * 60_000 }).hash;
  store.close();
  return { dir, file: store.path, lastHash };
}

/** The attacker: drops the triggers with their own connection, then edits. */
function tamper(file: string, sql: string): void {
  const db = new Database(file);
  try {
    db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
    db.exec(sql);
  } finally {
    db.close();
  }
}

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAuditCommand(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('fleetops audit verify', () => {
  it('exits 0 on an intact log and prints the count and the last hash', async () => {
    const { dir, file, lastHash } = storeWith(5);
    expect(await run('verify', '--data-dir', dir)).toEqual({ code: 0, out: `audit log intact: 5 entries in ${file}, last hash ${lastHash}`, err: '' });
    const json = await run('verify', '--data-dir', dir, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual({ file, ok: true, entries: 5, lastHash });
  });

  it('exits 1 on a tampered file and names the first broken entry: seq, time, kind, reason', async () => {
    const { dir, file } = storeWith(6);
    tamper(file, `UPDATE audit SET detail = '{"i":99}' WHERE seq = 3`);
    expect(await run('verify', '--data-dir', dir)).toEqual({
      code: 1,
      out: `audit log BROKEN in ${file}: first broken entry is seq 3 (2025-01-15T09:32:00.000Z, kind step): hash mismatch\n6 entries in the table`,
      err: '',
    });
    const json = await run('verify', '--data-dir', dir, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toEqual({ file, ok: false, entries: 6, firstBroken: { seq: 3, ts: T0 + 2 * 60_000, kind: 'step', reason: 'hash mismatch' } });
  });

  it('names a deleted row as a gap at the entry after it', async () => {
    const { dir, file } = storeWith(6);
    tamper(file, 'DELETE FROM audit WHERE seq = 4');
    const result = await run('verify', '--data-dir', dir);
    expect(result.code).toBe(1);
    expect(result.out).toContain('first broken entry is seq 5 (2025-01-15T09:34:00.000Z, kind confirmation): gap in sequence');
  });

  it('exits 3 when there is no store, without creating one', async () => {
    const dir = join(tempDir(), 'nothing-here');
    expect(await run('verify', '--data-dir', dir)).toEqual({
      code: 3,
      out: '',
      err: `fleetops audit verify: no fleetops store at ${join(dir, 'fleetops.db')} (use --data-dir DIR, or --inventory FILE of a lab, to point at the one to check)`,
    });
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses --data-dir and --inventory together (exit 3): they would name two stores', async () => {
    const { dir } = storeWith(1);
    const r = await run('verify', '--data-dir', dir, '--inventory', join(dir, 'fleet.yaml'));
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^fleetops audit: use either --data-dir or --inventory, not both/);
  });

  it('exits 3 on a file that is not a fleetops store', async () => {
    const dir = tempDir();
    const db = new Database(join(dir, 'fleetops.db'));
    db.pragma('user_version = 99');
    db.close();
    const result = await run('verify', '--data-dir', dir);
    expect(result.code).toBe(3);
    expect(result.err).toMatch(/^fleetops audit verify: INTERNAL: .*schema version 99/);
  });

  it('exits 3 on bad usage', async () => {
    expect((await run('verify', '--data-dir', tempDir(), '--bogus')).code).toBe(3);
    const unknown = await run('frobnicate');
    expect(unknown.code).toBe(3);
    expect(unknown.err).toMatch(/^fleetops audit: unknown subcommand "frobnicate"\nUsage:/);
    expect((await run()).code).toBe(3);
  });

  it('runs as `fleetops audit verify` from the command line with the real exit status', async () => {
    const { dir, file } = storeWith(3);
    tamper(file, "UPDATE audit SET kind = 'override' WHERE seq = 2");
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', join(ROOT, 'electron/cli/index.ts'), 'audit', 'verify', '--data-dir', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect({ code, stderr }).toEqual({ code: 1, stderr: '' });
    expect(stdout).toContain('first broken entry is seq 2 (2025-01-15T09:31:00.000Z, kind override): hash mismatch');
  });
});

describe('fleetops audit list', () => {
  it('prints the newest entries first, as many as --limit says', async () => {
    const { dir } = storeWith(4);
    expect(await run('list', '--data-dir', dir, '--limit', '2')).toEqual({
      code: 0,
      out: [
        '     4  2025-01-15T09:33:00.000Z  alice@ops-laptop  step  failover-llama  {"i":3}',
        '     3  2025-01-15T09:32:00.000Z  alice@ops-laptop  step  failover-llama  {"i":2}',
      ].join('\n'),
      err: '',
    });
    const json = JSON.parse((await run('list', '--data-dir', dir, '--json')).out) as { seq: number; osUser: string; detail: unknown }[];
    expect(json.map((e) => e.seq)).toEqual([4, 3, 2, 1]);
    expect(json[3]).toMatchObject({ osUser: 'alice', host: 'ops-laptop', kind: 'plan', detail: { i: 0 }, prevHash: '0'.repeat(64) });
  });

  it('says so when the log is empty, and refuses a bad --limit', async () => {
    const { dir } = storeWith(0);
    expect(await run('list', '--data-dir', dir)).toEqual({ code: 0, out: 'the audit log is empty', err: '' });
    const bad = await run('list', '--data-dir', dir, '--limit', '0');
    expect(bad.code).toBe(3);
    expect(bad.err).toMatch(/^fleetops audit: --limit must be an integer from 1 to 1000, got "0"/);
  });
});
