/**
 * The console's trust as a feature: trusting a host key (known_hosts), entering a key's
 * passphrase, setting a replica's secret. Each passes the change gate's `trust()`: made, then
 * on the audit record by name or fingerprint — never the passphrase or secret itself.
 */
import { FleetError } from '../../../shared/errors';
import type { CoreFeature, FeatureDefinition } from '../feature';
import type { ChangeGate } from '../gate/change-gate';
import type { Handlers } from '../rpc/handlers';
import type { LoadedInventory } from '../inventory/load-inventory';
import type { SecretStore } from '../secrets/secret-store';
import { setSecret } from '../secrets/set-secret';
import type { ReplicaMonitor } from '../services/replica-monitor';
import type { PassphraseVault } from '../ssh/passphrase-vault';
import type { SshPool } from '../ssh/pool';
import type { AppendEventInput } from '../store/event-log';
import type { HostKeyPrompts } from './host-key-prompts';
import type { FleetMonitor } from './monitor';
import { providePassphrase } from './provide-passphrase';

export const TRUST: FeatureDefinition = { name: 'trust', migrations: [] };

export interface TrustNeeds {
  gate: ChangeGate;
  /** Unknown host keys waiting for the operator. */
  hostKeys: Pick<HostKeyPrompts, 'get' | 'delete' | 'publish'>;
  pool: Pick<SshPool, 'trustHostKey' | 'resetBackoff'>;
  /** Probes a node again now (after its key is trusted or its passphrase given). */
  monitor: Pick<FleetMonitor, 'probeSoon'>;
  passphrases: PassphraseVault;
  secrets: SecretStore;
  replicas: Pick<ReplicaMonitor, 'credentialsChanged'>;
  inventory: () => LoadedInventory | null;
  record: (e: AppendEventInput) => void;
  now: () => number;
}

type TrustMethod = 'hostKeys.trust' | 'ssh.providePassphrase' | 'secrets.set';

export function trustFeature(deps: TrustNeeds): CoreFeature<TrustMethod> {
  return { ...TRUST, handlers: trustHandlers(deps) };
}

function trustHandlers(deps: TrustNeeds): Pick<Handlers, TrustMethod> {
  return {
    'hostKeys.trust': ({ node, fingerprint }) => {
      const pending = deps.hostKeys.get(node);
      // Trusting a key edits known_hosts: a change to the console's trust, on the record.
      return deps.gate.trust({
        action: 'hostkey.trust',
        subject: node,
        actor: { origin: 'console' },
        detail: { fingerprint, keyType: pending?.keyType ?? null, host: pending ? `${pending.host}:${pending.port}` : null, knownHostsFile: pending?.knownHostsFile ?? null },
        apply: async () => {
          if (!pending) throw new FleetError('NOT_FOUND', `no unknown host key is waiting for "${node}"`, { subject: node });
          if (pending.fingerprint !== fingerprint) {
            throw new FleetError('SSH_HOST_KEY_MISMATCH', `the key of ${node} is now ${pending.fingerprint}, not ${fingerprint}: compare again`, { subject: node });
          }
          await deps.pool.trustHostKey(node, fingerprint);
          deps.hostKeys.delete(node);
          deps.record({
            ts: deps.now(),
            kind: 'hostkey.trusted',
            subject: node,
            severity: 'info',
            message: `${node}: operator trusted ${pending.keyType} ${fingerprint}; added to ${pending.knownHostsFile}`,
          });
          deps.hostKeys.publish();
          deps.monitor.probeSoon(node);
          return { trusted: true as const };
        },
      });
    },
    // The passphrase and the secret never reach the audit trail: only which key or ref, and where it is kept.
    'ssh.providePassphrase': (input) =>
      deps.gate.trust({
        action: 'passphrase.set',
        subject: null,
        actor: { origin: 'console' },
        detail: { identityFile: input.identityFile },
        apply: () =>
          providePassphrase(input, {
            nodes: deps.inventory()?.nodes ?? [],
            vault: deps.passphrases,
            // Nodes that failed for lack of the passphrase are backing off: retry them now.
            retry: (name) => {
              deps.pool.resetBackoff(name);
              deps.monitor.probeSoon(name);
            },
            record: deps.record,
            now: deps.now,
          }),
      }),
    'secrets.set': (input) =>
      deps.gate.trust({
        action: 'secret.set',
        subject: null,
        actor: { origin: 'console' },
        detail: { ref: input.ref },
        apply: () =>
          setSecret(input, {
            replicas: deps.inventory()?.replicas ?? [],
            store: deps.secrets,
            reprobe: (name) => deps.replicas.credentialsChanged(name),
            record: deps.record,
            now: deps.now,
          }),
      }),
  };
}
