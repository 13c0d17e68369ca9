/**
 * On Linux, Electron's safeStorage encrypts with a key from the Secret Service (gnome-keyring,
 * KWallet). Without one it falls back to `basic_text`: isEncryptionAvailable() still says yes,
 * but the key is a constant built into Chromium, so the keychain files are only obfuscated
 * (https://www.electronjs.org/docs/latest/api/safe-storage#safestoragegetselectedstoragebackend-linux).
 * The operator must hear about it, in the terminal and in the console's events.
 */
import { REPLICA_SECRETS_FILE } from './safe-storage-secrets';

/** What `safeStorage.getSelectedStorageBackend()` returns (Electron 39). */
export type StorageBackend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

/** The file SafeStoragePassphrases keeps key passphrases in (safe-storage-passphrases.ts). */
const PASSPHRASES_FILE = 'secrets.json';

/**
 * The warning to give for this platform and backend, or null when the keychain really
 * encrypts. Only Linux has the choice (macOS Keychain and Windows DPAPI always encrypt);
 * 'unknown' (asked before 'ready', or a backend Chromium could not name) is treated as weak.
 */
export function keychainBackendWarning(platform: string, backend: StorageBackend | string | null): string | null {
  if (platform !== 'linux') return null;
  if (backend !== 'basic_text' && backend !== 'unknown') return null;
  return (
    `No OS keychain (Secret Service) is available: Electron's safeStorage uses its ${backend} backend, so SSH key ` +
    `passphrases and replica secrets saved in the console (${PASSPHRASES_FILE}, ${REPLICA_SECRETS_FILE} in the data ` +
    `directory) are only obfuscated, not encrypted. Install and run a Secret Service such as gnome-keyring or KWallet ` +
    `and restart fleetops, or do not save them in the console: set FLEETOPS_SSH_PASSPHRASE and FLEETOPS_SECRET_<REF> ` +
    `in the environment instead.`
  );
}

export interface BackendSafeStorageLike {
  getSelectedStorageBackend(): StorageBackend;
}

export interface EventSinkLike {
  record(e: { ts: number; kind: string; subject: string | null; severity: 'warning'; message: string; data?: unknown }): void;
}

export const KEYCHAIN_WEAK_EVENT = 'keychain.weak';

/**
 * Asks safeStorage for its backend (Linux only: the method exists nowhere else; call it after
 * 'ready', before which it answers 'unknown') and, when it is weak, prints the warning and
 * records it as a warning event the console shows. Returns the warning, or null.
 */
export function reportKeychainBackend(
  platform: string,
  safeStorage: BackendSafeStorageLike,
  sink: EventSinkLike,
  opts: { now?: () => number; log?: (message: string) => void } = {},
): string | null {
  const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null;
  const warning = keychainBackendWarning(platform, backend);
  if (warning === null) return null;
  (opts.log ?? ((m: string) => console.warn(`fleetops: warning: ${m}`)))(warning);
  sink.record({ ts: (opts.now ?? Date.now)(), kind: KEYCHAIN_WEAK_EVENT, subject: null, severity: 'warning', message: warning, data: { backend } });
  return warning;
}
