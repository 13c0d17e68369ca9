import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { desktopPassphrases, SafeStoragePassphrases, type SafeStorageLike } from '../../../electron/main/safe-storage-passphrases';

const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fleetops-secrets-'));
  tempDirs.push(d);
  return d;
}

/** Stands in for the OS keychain (Electron's safeStorage cannot run outside Electron). */
function keychain(available = true): SafeStorageLike {
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.concat([Buffer.from('v10'), xor(Buffer.from(s))]),
    decryptString: (b) => xor(b.subarray(3)).toString(),
  };
}

describe('desktop passphrases', () => {
  it('asks once, then answers from the keychain, never writing plain text', async () => {
    const dir = tempDir();
    let asked = 0;
    const p = new SafeStoragePassphrases(keychain(), dir, async () => {
      asked++;
      return 'correct horse battery staple';
    });
    expect(await p.get('/k/id_ed25519')).toBe('correct horse battery staple');
    expect(await p.get('/k/id_ed25519')).toBe('correct horse battery staple');
    expect(asked).toBe(1);
    const onDisk = readFileSync(join(dir, 'secrets.json'), 'utf8');
    expect(onDisk).not.toContain('correct horse');
    expect(JSON.parse(onDisk)['/k/id_ed25519']).toMatch(/^[A-Za-z0-9+/=]+$/);
  });

  it('stores nothing when the keychain is unavailable', async () => {
    const dir = tempDir();
    const p = new SafeStoragePassphrases(keychain(false), dir, async () => 'pw');
    expect(await p.get('/k/a')).toBe('pw');
    expect(existsSync(join(dir, 'secrets.json'))).toBe(false);
    expect(() => p.save('/k/a', 'pw')).toThrow(/keychain is not available/);
  });
});

describe('passphrases entered in the desktop console', () => {
  const PASSPHRASE = 'entered in the console 42';
  /** A key made by OpenSSH; `-a 1` keeps its decryption to milliseconds. */
  function encryptedKey(dir: string): string {
    const file = join(dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '1', '-N', PASSPHRASE, '-f', file], { stdio: 'ignore' });
    return file;
  }

  it('are saved encrypted to the keychain and answered by the next launch without asking', async () => {
    const dir = tempDir();
    const key = encryptedKey(dir);
    const never = async (): Promise<string | undefined> => {
      throw new Error('asked although the keychain holds the passphrase');
    };
    expect(await desktopPassphrases(keychain(), dir, async () => undefined).provide(key, PASSPHRASE)).toEqual({ persisted: true });
    expect(readFileSync(join(dir, 'secrets.json'), 'utf8')).not.toContain(PASSPHRASE);
    expect(await desktopPassphrases(keychain(), dir, never).get(key)).toBe(PASSPHRASE);
  });

  it('stay in memory only when the keychain is unavailable, and the outcome says why', async () => {
    const dir = tempDir();
    const key = encryptedKey(dir);
    const vault = desktopPassphrases(keychain(false), dir, async () => undefined);
    const outcome = await vault.provide(key, PASSPHRASE);
    expect(outcome).toEqual({ persisted: false, persistError: expect.stringContaining('keychain is not available') });
    expect(await vault.get(key)).toBe(PASSPHRASE);
    expect(existsSync(join(dir, 'secrets.json'))).toBe(false);
  });
});
