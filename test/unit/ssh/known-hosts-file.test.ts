import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendKnownHostLine, readKnownHosts } from '../../../electron/core/ssh/known-hosts-file';

const dir = mkdtempSync(join(tmpdir(), 'khf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('known_hosts file', () => {
  it('reads a missing file as knowing no hosts', async () => {
    expect(await readKnownHosts(join(dir, 'nope'))).toEqual([]);
  });

  it('reports an unreadable file instead of treating every host as unknown', async () => {
    // A directory where the file should be: readFile fails with EISDIR even as root.
    await expect(readKnownHosts(dir, 'gpu-1')).rejects.toMatchObject({ code: 'INTERNAL', subject: 'gpu-1' });
  });

  it('creates the file 0600 in a new 0700 directory', async () => {
    const file = join(dir, 'new', '.ssh', 'known_hosts');
    await appendKnownHostLine(file, 'gpu1 ssh-ed25519 AAAA');
    expect(readFileSync(file, 'utf8')).toBe('gpu1 ssh-ed25519 AAAA\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'new', '.ssh')).mode & 0o777).toBe(0o700);
  });

  it('does not glue the new line onto a last line that lacks its newline', async () => {
    const file = join(dir, 'hand-edited');
    writeFileSync(file, 'gpu1 ssh-ed25519 AAAA');
    chmodSync(file, 0o644);
    await appendKnownHostLine(file, 'gpu2 ssh-ed25519 BBBB');
    await appendKnownHostLine(file, 'gpu3 ssh-ed25519 CCCC');
    expect(readFileSync(file, 'utf8')).toBe('gpu1 ssh-ed25519 AAAA\ngpu2 ssh-ed25519 BBBB\ngpu3 ssh-ed25519 CCCC\n');
    // An existing file keeps the mode its owner gave it.
    expect(statSync(file).mode & 0o777).toBe(0o644);
  });
});
