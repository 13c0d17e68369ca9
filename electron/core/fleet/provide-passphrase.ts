/**
 * `ssh.providePassphrase`: the operator enters the passphrase of an encrypted identity file.
 * The passphrase goes to the vault and nowhere else: not into the reply, the event store, an
 * error message or a log. Events name the key file only.
 */
import type { MethodInput, MethodOutput } from '../../../shared/contract';
import { FleetError, toErrorData } from '../../../shared/errors';
import type { ResolvedNode } from '../../../shared/inventory';
import type { PassphraseVault } from '../ssh/passphrase-vault';
import type { AppendEventInput } from '../store/open-store';

export interface ProvidePassphraseDeps {
  /** The inventory's nodes now. */
  nodes: readonly ResolvedNode[];
  vault: PassphraseVault;
  /** Connect to this node again now, without waiting out its backoff or its next probe. */
  retry: (node: string) => void;
  record: (e: AppendEventInput) => void;
  now: () => number;
}

export async function providePassphrase(
  { identityFile, passphrase }: MethodInput<'ssh.providePassphrase'>,
  deps: ProvidePassphraseDeps,
): Promise<MethodOutput<'ssh.providePassphrase'>> {
  // Only identity files the inventory names: the console must not become a way to read
  // arbitrary files, or to try passphrases against keys it does not use.
  const nodes = deps.nodes.filter((n) => n.identityFile === identityFile).map((n) => n.name);
  if (nodes.length === 0) {
    throw new FleetError('NOT_FOUND', `no node in the inventory uses identity file ${identityFile}: nothing was stored`, { detail: { identityFile } });
  }
  let outcome;
  try {
    outcome = await deps.vault.provide(identityFile, passphrase);
  } catch (err) {
    const error = toErrorData(err);
    deps.record({
      ts: deps.now(),
      kind: 'ssh.passphrase.rejected',
      subject: null,
      severity: 'warning',
      message: `passphrase entered for ${identityFile} refused (${error.code}): nothing was stored`,
      data: { identityFile, code: error.code },
    });
    throw err;
  }
  for (const name of nodes) deps.retry(name);
  const kept = outcome.persisted
    ? 'kept in memory and in the OS keychain'
    : outcome.persistError !== undefined
      ? `kept in memory only, the OS keychain did not take it (${outcome.persistError})`
      : 'kept in memory until fleetops stops';
  deps.record({
    ts: deps.now(),
    kind: 'ssh.passphrase.provided',
    subject: null,
    severity: outcome.persistError !== undefined ? 'warning' : 'info',
    message: `operator entered the passphrase of ${identityFile}, ${kept}; re-probing ${describeNames(nodes)}`,
    data: { identityFile, nodes, persisted: outcome.persisted },
  });
  return { accepted: true, nodes };
}

/** "a, b and c", or the first few and a count, so an event about 1,000 nodes stays readable. */
export function describeNames(names: readonly string[], shown = 5): string {
  if (names.length <= 1) return names.join('');
  if (names.length <= shown) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}
