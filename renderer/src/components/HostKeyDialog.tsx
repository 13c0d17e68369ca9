import { useState } from 'react';
import type { HostKeyPrompt } from '../../../shared/status';
import { useTrustHostKey } from '../api/mutations/host-keys';
import { ErrorNote } from './ErrorNote';

const promptKey = (p: HostKeyPrompt) => `${p.node}\u0000${p.fingerprint}`;

function HostKeyRow({ prompt, onDismiss }: { prompt: HostKeyPrompt; onDismiss: () => void }) {
  const trust = useTrustHostKey();
  return (
    <li className="hostkey" data-testid={`hostkey-${prompt.node}`}>
      <dl className="facts">
        <dt>node</dt>
        <dd>{prompt.node}</dd>
        <dt>host</dt>
        <dd className="mono">
          {prompt.host}:{prompt.port}
        </dd>
        <dt>key type</dt>
        <dd className="mono">{prompt.keyType}</dd>
        <dt>fingerprint</dt>
        <dd className="mono fingerprint">{prompt.fingerprint}</dd>
        <dt>known_hosts</dt>
        <dd className="mono">{prompt.knownHostsFile}</dd>
      </dl>
      <div className="actions">
        <button
          type="button"
          className="primary"
          data-testid={`hostkey-trust-${prompt.node}`}
          disabled={trust.isPending}
          onClick={() => trust.mutate({ node: prompt.node, fingerprint: prompt.fingerprint })}
        >
          {trust.isPending ? 'Trusting…' : 'Trust and connect'}
        </button>
        <button type="button" data-testid={`hostkey-dismiss-${prompt.node}`} onClick={onDismiss}>
          Not now
        </button>
      </div>
      {trust.error ? <ErrorNote error={trust.error} context="hostKeys.trust" /> : null}
    </li>
  );
}

/**
 * Unknown host keys wait for the operator's word. "Not now" hides a prompt for this page only;
 * a different key for the same node (new fingerprint) asks again.
 */
export function HostKeyDialog({ pending }: { pending: readonly HostKeyPrompt[] }) {
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => new Set());
  const shown = pending.filter((p) => !dismissed.has(promptKey(p)));
  if (shown.length === 0) return null;
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="false" aria-labelledby="hostkey-title" data-testid="hostkey-dialog">
        <h2 id="hostkey-title">Unknown host {shown.length === 1 ? 'key' : 'keys'}</h2>
        <p>
          fleetops has not seen {shown.length === 1 ? 'this host' : 'these hosts'} before and will not connect until you trust
          the key. Compare each fingerprint with the one the host itself reports, for example by running{' '}
          <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> on its console (use the file for the key type shown). Trust
          only if they match: a different fingerprint may mean someone is between you and the host.
        </p>
        <ul className="hostkeys">
          {shown.map((p) => (
            <HostKeyRow key={promptKey(p)} prompt={p} onDismiss={() => setDismissed((s) => new Set(s).add(promptKey(p)))} />
          ))}
        </ul>
      </div>
    </div>
  );
}
