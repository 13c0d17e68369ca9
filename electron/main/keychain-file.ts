/**
 * A small JSON file of values encrypted by the OS keychain (Electron safeStorage: Keychain on
 * macOS, DPAPI on Windows, libsecret/kwallet on Linux), one entry per key. Plain text never
 * touches the disk; when the keychain is unavailable nothing is written. Used for SSH key
 * passphrases and for replica secrets, each in its own file.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** What this needs of Electron's safeStorage, so it is tested in plain Node. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export class KeychainFile {
  constructor(
    private readonly safeStorage: SafeStorageLike,
    readonly path: string,
  ) {}

  /**
   * The stored value, or undefined when there is none, the keychain is unavailable, or it cannot
   * decrypt the entry (a new login keyring): the caller then falls back to its other sources.
   */
  get(key: string): string | undefined {
    const stored = this.read()[key];
    if (typeof stored !== 'string' || !this.safeStorage.isEncryptionAvailable()) return undefined;
    try {
      return this.safeStorage.decryptString(Buffer.from(stored, 'base64'));
    } catch {
      return undefined;
    }
  }

  /** Encrypts and writes `value` under `key` (atomically, mode 0600); throws when the keychain is unavailable. */
  save(key: string, value: string): void {
    if (!this.safeStorage.isEncryptionAvailable()) throw new Error('the OS keychain is not available: the value is not stored');
    const all = this.read();
    all[key] = this.safeStorage.encryptString(value).toString('base64');
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2), { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  private read(): Record<string, unknown> {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.path, 'utf8'));
      // No prototype: a key such as "__proto__" stays an ordinary entry.
      const out: Record<string, unknown> = Object.create(null);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(out, parsed);
      return out;
    } catch {
      return Object.create(null);
    }
  }
}
