/**
 * verify.checkpoint's command against a real OpenSSH sshd: the newest file of a directory and its
 * age on the node's own clock, a name with spaces, a stale checkpoint, an empty directory, and a
 * directory whose name is shell syntax (arrives as one literal word; nothing runs).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../shared/errors';
import { checkpointCommand, judgeCheckpoint } from '../../electron/core/runbook-exec/checkpoint';
import { SshPool } from '../../electron/core/ssh/pool';
import { startSshd, type TestSshd } from './helpers/sshd';

let sshd: TestSshd;
let root: string;
const pool = new SshPool();

beforeAll(async () => {
  sshd = await startSshd();
  root = mkdtempSync(join(tmpdir(), 'fleetops-ckpt-'));
  // The test user's shell reads it.
  chmodSync(root, 0o755);
});

afterAll(async () => {
  await pool.closeAll();
  await sshd?.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** A directory holding `files` (name → age in seconds), readable by the test user. */
function checkpoints(name: string, files: Record<string, number>): string {
  const dir = join(root, name);
  mkdirSync(dir, { mode: 0o755 });
  const now = Date.now() / 1000;
  for (const [file, age] of Object.entries(files)) {
    writeFileSync(join(dir, file), 'x'.repeat(1234), { mode: 0o644 });
    utimesSync(join(dir, file), now - age, now - age);
  }
  return dir;
}

async function check(dir: string, maxAgeSeconds: number): Promise<string> {
  const r = await pool.exec(sshd.target('ckpt'), checkpointCommand(dir), { timeoutMs: 10_000 });
  if (r.code !== 0) throw new FleetError('COMMAND_FAILED', `exit ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return judgeCheckpoint(r.stdout, maxAgeSeconds, dir);
}

describe('verify.checkpoint over real SSH', () => {
  it('reads the newest checkpoint, a name with spaces included, and its age on the node', async () => {
    const dir = checkpoints('fresh', { 'step-1000.pt': 3600, 'step 2000.pt': 30 });
    const text = await check(dir, 120);
    expect(text).toMatch(new RegExp(`^${dir}/step 2000\\.pt: 1234 bytes, written (29|3[0-2]) s ago \\(max 120 s\\)$`));
  });

  it('refuses a checkpoint older than the limit, saying how old', async () => {
    const dir = checkpoints('stale', { 'step-1000.pt': 7200 });
    await expect(check(dir, 600)).rejects.toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringMatching(/checkpoint is stale: .*step-1000\.pt: 1234 bytes, written 7\d{3} s ago \(max 600 s\)/) });
  });

  it('fails on an empty or missing directory instead of passing', async () => {
    await expect(check(checkpoints('empty', {}), 600)).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
    await expect(check(join(root, 'no-such-dir'), 600)).rejects.toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringMatching(/No such file or directory/) });
  });

  it('takes a directory named with shell syntax literally: nothing in it runs', async () => {
    // Had the shell run any of it, PWNED would appear in the login's working directory (its home).
    const dir = checkpoints("a $(touch PWNED) `touch PWNED`; touch PWNED 'b", { 'step-1.pt': 10 });
    expect(await check(dir, 600)).toContain('step-1.pt: 1234 bytes');
    const r = await pool.exec(sshd.target('ckpt'), 'ls PWNED', { timeoutMs: 10_000 });
    expect(r.code).not.toBe(0);
    expect(existsSync(join(root, 'PWNED'))).toBe(false);
  });
});
