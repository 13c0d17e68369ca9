/**
 * Passphrases the operator typed into the console, kept in memory in front of whatever the
 * process already had: the terminal or FLEETOPS_SSH_PASSPHRASE in serve and the CLI, the OS
 * keychain on the desktop. A passphrase is kept only once it has decrypted its identity file, so
 * a typo never replaces a good one nor reaches the keychain. It is never logged, echoed or put in
 * an error message.
 */
import { readFile } from 'node:fs/promises';
import { utils } from 'ssh2';
import { FleetError } from '../../../shared/errors';
import { NEEDS_PASSPHRASE } from './auth';
import type { PassphraseProvider } from './types';

export interface PassphraseVaultOptions {
  /** Asked when the operator has not entered a passphrase for the file: terminal, environment, keychain. */
  inner?: PassphraseProvider;
  /** Keeps an accepted passphrase beyond this process (desktop: the OS keychain). Absent: memory only. */
  persist?: (identityFile: string, passphrase: string) => void | Promise<void>;
}

export interface ProvideOutcome {
  /** True when the persist hook kept it; false when there is none or it failed. */
  persisted: boolean;
  /** Why the persist hook failed (the passphrase is redacted from it): the passphrase is then kept in memory only. */
  persistError?: string;
}

export class PassphraseVault implements PassphraseProvider {
  private readonly known = new Map<string, string>();
  /** get() calls still waiting on the inner provider, by identity file. */
  private readonly waiting = new Map<string, Set<(passphrase: string) => void>>();

  constructor(private readonly opts: PassphraseVaultOptions = {}) {}

  get(identityFile: string): Promise<string | undefined> {
    const known = this.known.get(identityFile);
    if (known !== undefined) return Promise.resolve(known);
    const inner = this.opts.inner;
    if (!inner) return Promise.resolve(undefined);
    // The inner provider may be a terminal prompt nobody answers (serve left in a terminal): a
    // passphrase entered in the console meanwhile answers the waiting connection too.
    return new Promise((resolve, reject) => {
      let waiters = this.waiting.get(identityFile);
      if (!waiters) this.waiting.set(identityFile, (waiters = new Set()));
      const group = waiters;
      const leave = (): void => {
        group.delete(answer);
        if (group.size === 0 && this.waiting.get(identityFile) === group) this.waiting.delete(identityFile);
      };
      const answer = (passphrase: string): void => {
        leave();
        resolve(passphrase);
      };
      group.add(answer);
      inner.get(identityFile).then(
        (passphrase) => {
          leave();
          resolve(this.known.get(identityFile) ?? passphrase);
        },
        (err: unknown) => {
          leave();
          reject(err);
        },
      );
    });
  }

  /**
   * Keeps `passphrase` for `identityFile` if it decrypts the file; otherwise throws (wrong
   * passphrase: SSH_AUTH_FAILED) and keeps nothing. A failing persist hook does not undo the
   * acceptance: the passphrase still works until the process ends, and the outcome says why it
   * was not kept longer.
   */
  async provide(identityFile: string, passphrase: string): Promise<ProvideOutcome> {
    await verifyPassphrase(identityFile, passphrase);
    this.known.set(identityFile, passphrase);
    for (const answer of [...(this.waiting.get(identityFile) ?? [])]) answer(passphrase);
    if (!this.opts.persist) return { persisted: false };
    try {
      await this.opts.persist(identityFile, passphrase);
      return { persisted: true };
    } catch (err) {
      return { persisted: false, persistError: redact(err instanceof Error ? err.message : String(err), passphrase) };
    }
  }
}

/** Throws unless `passphrase` decrypts the private key in `identityFile`, the way ssh2 will load it to connect. */
export async function verifyPassphrase(identityFile: string, passphrase: string): Promise<void> {
  let data: Buffer;
  try {
    data = await readFile(identityFile);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new FleetError('SSH_AUTH_FAILED', `cannot read identity file ${identityFile} (${why}): nothing was stored.`, {
      detail: { identityFile },
      cause: err,
    });
  }
  const plain = utils.parseKey(data);
  if (!(plain instanceof Error)) {
    throw new FleetError('BAD_REQUEST', `identity file ${identityFile} is not encrypted: it needs no passphrase, and none was stored.`, {
      detail: { identityFile },
    });
  }
  if (!NEEDS_PASSPHRASE.test(plain.message)) {
    throw new FleetError('SSH_AUTH_FAILED', `cannot use identity file ${identityFile}: ${plain.message}. Nothing was stored.`, {
      detail: { identityFile },
    });
  }
  const parsed = utils.parseKey(data, passphrase);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || !key.isPrivateKey()) {
    // ssh2's messages ("integrity check failed -- bad passphrase?") never contain the passphrase.
    const why = key instanceof Error ? key.message : 'it holds no private key';
    throw new FleetError('SSH_AUTH_FAILED', `wrong passphrase for identity file ${identityFile}: it does not decrypt the key (${why}). Nothing was stored.`, {
      detail: { identityFile, wrongPassphrase: true },
    });
  }
}

function redact(text: string, secret: string): string {
  return text.split(secret).join('[passphrase]');
}
