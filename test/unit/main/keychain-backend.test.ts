/**
 * Linux safeStorage without a Secret Service (`basic_text`) only obfuscates: the operator is
 * told, in the terminal and as a warning event in the console, with what to do about it.
 */
import { describe, expect, it } from 'vitest';
import { KEYCHAIN_WEAK_EVENT, keychainBackendWarning, reportKeychainBackend, type StorageBackend } from '../../../electron/main/keychain-backend';
import { REPLICA_SECRETS_FILE } from '../../../electron/main/safe-storage-secrets';

describe('keychain backend warning', () => {
  it.each(['basic_text', 'unknown'] as const)('on Linux, %s gets a warning naming the files and the ways out', (backend) => {
    const w = keychainBackendWarning('linux', backend);
    expect(w).not.toBeNull();
    expect(w).toContain(backend);
    expect(w).toContain('only obfuscated');
    expect(w).toContain('secrets.json');
    expect(w).toContain(REPLICA_SECRETS_FILE);
    expect(w).toMatch(/gnome-keyring/);
    expect(w).toMatch(/KWallet/);
    expect(w).toContain('FLEETOPS_SECRET_<REF>');
    expect(w).toContain('FLEETOPS_SSH_PASSPHRASE');
  });

  it.each(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'] as const)('on Linux, %s (a real keychain) gets none', (backend) => {
    expect(keychainBackendWarning('linux', backend)).toBeNull();
  });

  it('macOS and Windows always encrypt: no warning, whatever is passed', () => {
    expect(keychainBackendWarning('darwin', null)).toBeNull();
    expect(keychainBackendWarning('win32', 'basic_text')).toBeNull();
  });
});

function fakes(backend: StorageBackend) {
  const asked: string[] = [];
  const recorded: unknown[] = [];
  const printed: string[] = [];
  const safeStorage = {
    getSelectedStorageBackend: () => {
      asked.push('backend');
      return backend;
    },
  };
  return { asked, recorded, printed, safeStorage, sink: { record: (e: unknown) => void recorded.push(e) }, log: (m: string) => void printed.push(m) };
}

describe('reporting the backend at start', () => {
  it('prints the warning and records it as a warning event the console shows', () => {
    const f = fakes('basic_text');
    const w = reportKeychainBackend('linux', f.safeStorage, f.sink, { now: () => 1234, log: f.log });
    expect(w).toBe(keychainBackendWarning('linux', 'basic_text'));
    expect(f.printed).toEqual([w]);
    expect(f.recorded).toEqual([{ ts: 1234, kind: KEYCHAIN_WEAK_EVENT, subject: null, severity: 'warning', message: w, data: { backend: 'basic_text' } }]);
  });

  it('says nothing with a real keychain', () => {
    const f = fakes('gnome_libsecret');
    expect(reportKeychainBackend('linux', f.safeStorage, f.sink, { log: f.log })).toBeNull();
    expect(f.printed).toEqual([]);
    expect(f.recorded).toEqual([]);
  });

  it('does not call getSelectedStorageBackend off Linux (it exists only there)', () => {
    const f = fakes('basic_text');
    expect(reportKeychainBackend('darwin', f.safeStorage, f.sink, { log: f.log })).toBeNull();
    expect(f.asked).toEqual([]);
    expect(f.recorded).toEqual([]);
  });
});
