import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { PassphraseVault } from '../../../electron/core/ssh/passphrase-vault';
import type { PassphraseProvider } from '../../../electron/core/ssh/types';

const dir = mkdtempSync(join(tmpdir(), 'fleetops-vault-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PASSPHRASE = 'pass';
const WRONG = 'not the passphrase 7f3a';

/**
 * Keys made by OpenSSH itself (ssh2's generator writes a malformed encrypted key now and then).
 * `-a 1`: one bcrypt KDF round, so each decryption takes milliseconds instead of half a second.
 */
function keygen(name: string, passphrase: string): string {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '1', '-N', passphrase, '-C', 'vault-test', '-f', file], { stdio: 'ignore' });
  return file;
}
const encrypted = keygen('id_encrypted', PASSPHRASE);
const plain = keygen('id_plain', '');

async function refusal(p: Promise<unknown>): Promise<FleetError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FleetError);
  return err as FleetError;
}

/** An inner provider that records what it was asked and answers `answer`. */
function recordingProvider(answer: string | undefined): PassphraseProvider & { asked: string[] } {
  const asked: string[] = [];
  return { asked, get: async (file) => (asked.push(file), answer) };
}

describe('PassphraseVault', () => {
  it('keeps a passphrase that decrypts the key and answers with it from then on, without asking the inner provider', async () => {
    const inner = recordingProvider('from the environment');
    const vault = new PassphraseVault({ inner });
    expect(await vault.provide(encrypted, PASSPHRASE)).toEqual({ persisted: false });
    expect(await vault.get(encrypted)).toBe(PASSPHRASE);
    expect(inner.asked).toEqual([]);
  });

  it('refuses a wrong passphrase with SSH_AUTH_FAILED naming the file, not the passphrase, and keeps nothing', async () => {
    const persisted: string[] = [];
    const vault = new PassphraseVault({ persist: (file) => void persisted.push(file) });
    const err = await refusal(vault.provide(encrypted, WRONG));
    expect(err.code).toBe('SSH_AUTH_FAILED');
    expect(err.message).toMatch(new RegExp(`^wrong passphrase for identity file ${encrypted}`));
    expect(err.detail).toEqual({ identityFile: encrypted, wrongPassphrase: true });
    expect(JSON.stringify({ message: err.message, detail: err.detail, stack: err.stack })).not.toContain(WRONG);
    expect(await vault.get(encrypted)).toBeUndefined();
    expect(persisted).toEqual([]);
  });

  it('does not let a wrong passphrase replace a right one', async () => {
    const vault = new PassphraseVault();
    await vault.provide(encrypted, PASSPHRASE);
    await refusal(vault.provide(encrypted, WRONG));
    expect(await vault.get(encrypted)).toBe(PASSPHRASE);
  });

  it('falls back to the inner provider for files the operator has not entered, and to nothing without one', async () => {
    const inner = recordingProvider('from the keychain');
    expect(await new PassphraseVault({ inner }).get(encrypted)).toBe('from the keychain');
    expect(inner.asked).toEqual([encrypted]);
    expect(await new PassphraseVault().get(encrypted)).toBeUndefined();
  });

  it('calls the persist hook with the file and passphrase only once the passphrase is verified', async () => {
    const calls: Array<[string, string]> = [];
    const vault = new PassphraseVault({ persist: (file, passphrase) => void calls.push([file, passphrase]) });
    await refusal(vault.provide(encrypted, WRONG));
    expect(calls).toEqual([]);
    expect(await vault.provide(encrypted, PASSPHRASE)).toEqual({ persisted: true });
    expect(calls).toEqual([[encrypted, PASSPHRASE]]);
  });

  it('keeps the passphrase in memory when the persist hook fails, reporting why without the passphrase', async () => {
    const vault = new PassphraseVault({
      persist: (_file, passphrase) => {
        throw new Error(`keychain locked while saving "${passphrase}"`);
      },
    });
    const outcome = await vault.provide(encrypted, PASSPHRASE);
    expect(outcome.persisted).toBe(false);
    expect(outcome.persistError).toBe('keychain locked while saving "[passphrase]"');
    expect(await vault.get(encrypted)).toBe(PASSPHRASE);
  });

  it('answers a connection still waiting on the inner provider (an unanswered terminal prompt) once the operator enters the passphrase', async () => {
    const vault = new PassphraseVault({ inner: { get: () => new Promise<string | undefined>(() => undefined) } });
    const waiting = vault.get(encrypted);
    await vault.provide(encrypted, PASSPHRASE);
    expect(await waiting).toBe(PASSPHRASE);
  });

  it('refuses a passphrase for a key that is not encrypted, or a file it cannot read', async () => {
    const vault = new PassphraseVault();
    const notEncrypted = await refusal(vault.provide(plain, 'anything'));
    expect(notEncrypted.code).toBe('BAD_REQUEST');
    expect(notEncrypted.message).toContain(`${plain} is not encrypted`);
    expect(await vault.get(plain)).toBeUndefined();

    const missing = await refusal(vault.provide(join(dir, 'missing'), 'anything'));
    expect(missing.code).toBe('SSH_AUTH_FAILED');
    expect(missing.message).toContain('ENOENT');
  });
});
