/**
 * Key passphrases on the desktop: kept encrypted with the OS keychain in the data directory
 * (keychain-file.ts). Plain text never touches the disk; when the keychain is unavailable
 * nothing is stored.
 */
import { join } from 'node:path';
import { PassphraseVault } from '../core/ssh/passphrase-vault';
import type { PassphraseProvider } from '../core/ssh/types';
import { KeychainFile, type SafeStorageLike } from './keychain-file';

export type { SafeStorageLike };

export class SafeStoragePassphrases implements PassphraseProvider {
  private readonly file: KeychainFile;

  constructor(
    private readonly safeStorage: SafeStorageLike,
    dataDir: string,
    /** Asks the operator when nothing is stored (e.g. FLEETOPS_SSH_PASSPHRASE at first launch). */
    private readonly ask: (identityFile: string) => Promise<string | undefined>,
  ) {
    this.file = new KeychainFile(safeStorage, join(dataDir, 'secrets.json'));
  }

  async get(identityFile: string): Promise<string | undefined> {
    // Nothing stored, or the keychain changed (new login keyring): ask.
    const stored = this.file.get(identityFile);
    if (stored !== undefined) return stored;
    const asked = await this.ask(identityFile);
    if (asked !== undefined && this.safeStorage.isEncryptionAvailable()) this.save(identityFile, asked);
    return asked;
  }

  save(identityFile: string, passphrase: string): void {
    this.file.save(identityFile, passphrase);
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
