import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafeStoragePassphrases, type SafeStorageLike } from '../../../electron/main/safe-storage-passphrases';

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
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-secrets-'));
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
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-secrets-'));
    const p = new SafeStoragePassphrases(keychain(false), dir, async () => 'pw');
    expect(await p.get('/k/a')).toBe('pw');
    expect(existsSync(join(dir, 'secrets.json'))).toBe(false);
    expect(() => p.save('/k/a', 'pw')).toThrow(/keychain is not available/);
  });
});
