/**
 * Key passphrases on the desktop: kept encrypted with the OS keychain (Electron safeStorage:
 * Keychain on macOS, DPAPI on Windows, libsecret/kwallet on Linux) in the data directory.
 * Plain text never touches the disk; when the keychain is unavailable nothing is stored.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { PassphraseVault } from '../core/ssh/passphrase-vault';
import type { PassphraseProvider } from '../core/ssh/types';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export class SafeStoragePassphrases implements PassphraseProvider {
  private readonly file: string;

  constructor(
    private readonly safeStorage: SafeStorageLike,
    dataDir: string,
    /** Asks the operator when nothing is stored (e.g. FLEETOPS_SSH_PASSPHRASE at first launch). */
    private readonly ask: (identityFile: string) => Promise<string | undefined>,
  ) {
    this.file = join(dataDir, 'secrets.json');
  }

  async get(identityFile: string): Promise<string | undefined> {
    const stored = this.read()[identityFile];
    if (stored && this.safeStorage.isEncryptionAvailable()) {
      try {
        return this.safeStorage.decryptString(Buffer.from(stored, 'base64'));
      } catch {
        // Keychain changed (new login keyring): ask again below.
      }
    }
    const asked = await this.ask(identityFile);
    if (asked !== undefined && this.safeStorage.isEncryptionAvailable()) this.save(identityFile, asked);
    return asked;
  }

  save(identityFile: string, passphrase: string): void {
    if (!this.safeStorage.isEncryptionAvailable()) throw new Error('the OS keychain is not available: the passphrase is not stored');
    const all = this.read();
    all[identityFile] = this.safeStorage.encryptString(passphrase).toString('base64');
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  private read(): Record<string, string> {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
    } catch {
      return {};
    }
  }
}

/**
 * The desktop's passphrases: one entered in the console is checked against its key, then saved
 * to the keychain (and used at once); otherwise the keychain, then `ask`, answer as before.
 */
export function desktopPassphrases(
  safeStorage: SafeStorageLike,
  dataDir: string,
  ask: (identityFile: string) => Promise<string | undefined>,
): PassphraseVault {
  const keychain = new SafeStoragePassphrases(safeStorage, dataDir, ask);
  return new PassphraseVault({ inner: keychain, persist: (file, passphrase) => keychain.save(file, passphrase) });
}
