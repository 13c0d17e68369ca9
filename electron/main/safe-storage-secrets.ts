/**
 * Replica secrets on the desktop: a value set in the console is used at once and kept encrypted
 * by the OS keychain in the data directory (`replica-secrets.json`, apart from the passphrases),
 * so the next launch has it. A ref nobody set in the console falls back to the keychain file,
 * then to `fallback` (the environment, FLEETOPS_SECRET_<REF>). When the keychain is unavailable
 * the value is kept in memory only and the outcome says why.
 */
import { join } from 'node:path';
import { LayeredSecretStore, type SecretSource } from '../core/secrets/secret-store';
import { KeychainFile, type SafeStorageLike } from './keychain-file';

export const REPLICA_SECRETS_FILE = 'replica-secrets.json';

export function desktopSecretStore(safeStorage: SafeStorageLike, dataDir: string, fallback: SecretSource): LayeredSecretStore {
  const keychain = new KeychainFile(safeStorage, join(dataDir, REPLICA_SECRETS_FILE));
  return new LayeredSecretStore({
    // What the operator set in an earlier launch wins over the environment, as it does in this one.
    inner: async (ref) => keychain.get(ref) ?? (await fallback(ref)),
    persist: (ref, value) => keychain.save(ref, value),
  });
}
