/**
 * `secrets.set`: the operator enters the value of a secret a replica's `auth.secretRef` names.
 * The value goes to the secret store and nowhere else: not into the reply, the event store, an
 * error message or a log. Events name the ref only.
 */
import type { MethodInput, MethodOutput } from '../../../shared/contract';
import { FleetError } from '../../../shared/errors';
import { describeNames } from '../fleet/provide-passphrase';
import type { ResolvedReplica } from '../inventory/resolve-services';
import type { AppendEventInput } from '../store/open-store';
import type { SecretStore } from './secret-store';

export interface SetSecretDeps {
  /** The inventory's replicas now. */
  replicas: readonly Pick<ResolvedReplica, 'name' | 'auth'>[];
  store: SecretStore;
  /** Closes the replica's circuit (failures with the old value do not count) and probes it now; its new status arrives as a push. */
  reprobe: (replica: string) => Promise<void>;
  record: (e: AppendEventInput) => void;
  now: () => number;
}

export async function setSecret({ ref, value }: MethodInput<'secrets.set'>, deps: SetSecretDeps): Promise<MethodOutput<'secrets.set'>> {
  // Only refs the inventory uses: the endpoint must not become a general-purpose storage.
  const replicas = deps.replicas.filter((r) => r.auth?.secretRef === ref).map((r) => r.name);
  if (replicas.length === 0) {
    throw new FleetError('NOT_FOUND', `no replica in the inventory uses secretRef "${ref}": nothing was stored`, { detail: { ref } });
  }
  const outcome = await deps.store.set(ref, value);
  const kept = outcome.persisted
    ? 'kept in memory and in the OS keychain'
    : outcome.persistError !== undefined
      ? `kept in memory only, the OS keychain did not take it (${outcome.persistError})`
      : 'kept in memory until fleetops stops';
  const now = deps.now();
  deps.record({
    ts: now,
    kind: 'secret.set',
    subject: null,
    severity: outcome.persistError !== undefined ? 'warning' : 'info',
    message: `operator set secret "${ref}", ${kept}; re-probing ${describeNames(replicas)}`,
    data: { ref, replicas, persisted: outcome.persisted },
  });
  // Not awaited: a completion probe may take 30 s, and its result reaches every client as a push.
  for (const name of replicas) {
    deps.reprobe(name).catch((err: unknown) => {
      deps.record({
        ts: deps.now(),
        kind: 'secret.reprobe.failed',
        subject: name,
        severity: 'error',
        message: `${name}: re-probe after setting secret "${ref}" failed: ${err instanceof Error ? err.message : String(err)}`,
      });
    });
  }
  return { stored: true, persisted: outcome.persisted, replicas };
}
