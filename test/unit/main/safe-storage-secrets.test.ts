/**
 * Replica secrets on the desktop, with the keychain file helper they share with passphrases.
 * safeStorage cannot run outside Electron: a reversible stand-in plays the OS keychain.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeychainFile, type SafeStorageLike } from '../../../electron/main/keychain-file';
import { desktopSecretStore, REPLICA_SECRETS_FILE } from '../../../electron/main/safe-storage-secrets';

function keychain(available = true, key = 0x5a): SafeStorageLike {
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ key));
  return {
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.concat([Buffer.from(`v1${key}`), xor(Buffer.from(s))]),
    decryptString: (b) => {
      if (!b.subarray(0, 4).equals(Buffer.from(`v1${key}`))) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return xor(b.subarray(4)).toString();
    },
  };
}

const VALUE = 'sk-desktop-41c0ffee';
const noEnv = async (): Promise<string | undefined> => undefined;
const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'fleetops-keychain-'));
  tempDirs.push(d);
  return d;
};

describe('KeychainFile', () => {
  it('round-trips values encrypted, one entry per key, and never writes plain text', () => {
    const dir = tempDir();
    const file = new KeychainFile(keychain(), join(dir, 'k.json'));
    file.save('a', VALUE);
    file.save('b', 'other');
    expect(file.get('a')).toBe(VALUE);
    expect(file.get('b')).toBe('other');
    expect(file.get('c')).toBeUndefined();
    const text = readFileSync(join(dir, 'k.json'), 'utf8');
    expect(text).not.toContain(VALUE);
    expect(Object.keys(JSON.parse(text))).toEqual(['a', 'b']);
  });

  it('answers nothing for an entry another keyring wrote', () => {
    const dir = tempDir();
    new KeychainFile(keychain(true, 0x11), join(dir, 'k.json')).save('a', VALUE);
    expect(new KeychainFile(keychain(true, 0x22), join(dir, 'k.json')).get('a')).toBeUndefined();
  });

  it('a damaged file reads as empty and the next save replaces it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'k.json'), '{"a": "trunc');
    const file = new KeychainFile(keychain(), join(dir, 'k.json'));
    expect(file.get('a')).toBeUndefined();
    file.save('a', VALUE);
    expect(file.get('a')).toBe(VALUE);
  });

  it('writes nothing and throws when the keychain is unavailable', () => {
    const dir = tempDir();
    const file = new KeychainFile(keychain(false), join(dir, 'k.json'));
    expect(() => file.save('a', VALUE)).toThrow('the OS keychain is not available: the value is not stored');
    expect(existsSync(join(dir, 'k.json'))).toBe(false);
  });
});

describe('desktop replica secrets', () => {
  it('a value set in the console is persisted encrypted and answered by the next launch', async () => {
    const dir = tempDir();
    expect(await desktopSecretStore(keychain(), dir, noEnv).set('llama-key', VALUE)).toEqual({ persisted: true });
    expect(readFileSync(join(dir, REPLICA_SECRETS_FILE), 'utf8')).not.toContain(VALUE);
    // Apart from the passphrases' file, whose keys are identity file paths.
    expect(existsSync(join(dir, 'secrets.json'))).toBe(false);
    const nextLaunch = desktopSecretStore(keychain(), dir, async () => 'stale-env-value');
    expect(await nextLaunch.get('llama-key')).toBe(VALUE);
  });

  it('falls back to the environment for a ref never set in the console', async () => {
    const dir = tempDir();
    const store = desktopSecretStore(keychain(), dir, async (ref) => (ref === 'llama-key' ? 'from-env' : undefined));
    expect(await store.get('llama-key')).toBe('from-env');
    expect(await store.get('other')).toBeUndefined();
  });

  it('keychain unavailable: kept in memory only, the outcome says why, nothing is written', async () => {
    const dir = tempDir();
    const store = desktopSecretStore(keychain(false), dir, noEnv);
    const outcome = await store.set('llama-key', VALUE);
    expect(outcome).toEqual({ persisted: false, persistError: 'the OS keychain is not available: the value is not stored' });
    expect(await store.get('llama-key')).toBe(VALUE);
    expect(existsSync(join(dir, REPLICA_SECRETS_FILE))).toBe(false);
    expect(await desktopSecretStore(keychain(false), dir, noEnv).get('llama-key')).toBeUndefined();
  });
});
