import { useMemo, useState, type FormEvent } from 'react';
import type { NodeSummary } from '../../../shared/status';
import { useProvidePassphrase } from '../api/mutations/passphrases';
import { passphraseRequests, type PassphraseRequest } from '../model/passphrase-requests';
import { ErrorNote } from './ErrorNote';

/** Waiting nodes named in a row; past this many, a count. */
const NODES_SHOWN = 8;

function PassphraseRow({ request, index, onDismiss }: { request: PassphraseRequest; index: number; onDismiss: () => void }) {
  const provide = useProvidePassphrase();
  const [value, setValue] = useState('');
  // The probe key when the server accepted the passphrase: until one of these nodes is probed
  // again the row says so instead of asking a second time.
  const [acceptedAt, setAcceptedAt] = useState<string | null>(null);
  const reconnecting = acceptedAt !== null && acceptedAt === request.probeKey;
  const shownNodes = request.nodes.slice(0, NODES_SHOWN).join(', ');
  const more = request.nodes.length - NODES_SHOWN;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value === '' || provide.isPending) return;
    const probeKey = request.probeKey;
    // The field is emptied at once: the passphrase lives no longer in the page than the call needs.
    setValue('');
    provide.mutate(
      { identityFile: request.identityFile, passphrase: value },
      {
        onSuccess: () => {
          setAcceptedAt(probeKey);
          provide.reset();
        },
      },
    );
  };

  return (
    <li className="passphrase" data-testid={`passphrase-request-${index}`}>
      <dl className="facts">
        <dt>key file</dt>
        <dd className="mono" data-testid={`passphrase-file-${index}`}>
          {request.identityFile}
        </dd>
        <dt>{request.nodes.length === 1 ? 'node' : `${request.nodes.length} nodes`}</dt>
        <dd data-testid={`passphrase-nodes-${index}`}>
          {shownNodes}
          {more > 0 ? ` and ${more} more` : ''}
        </dd>
      </dl>
      {request.wrongPassphrase ? <p className="passphrase-note">The passphrase fleetops had for this key does not decrypt it.</p> : null}
      {reconnecting ? (
        <p className="passphrase-note" data-testid={`passphrase-accepted-${index}`}>
          Passphrase accepted: reconnecting…
        </p>
      ) : (
        <form className="actions" onSubmit={submit}>
          <input
            type="password"
            autoComplete="off"
            spellCheck={false}
            maxLength={1024}
            aria-label={`Passphrase for ${request.identityFile}`}
            placeholder="passphrase"
            data-testid={`passphrase-input-${index}`}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
          <button type="submit" className="primary" data-testid={`passphrase-submit-${index}`} disabled={provide.isPending || value === ''}>
            {provide.isPending ? 'Checking…' : 'Unlock and connect'}
          </button>
          <button type="button" data-testid={`passphrase-dismiss-${index}`} onClick={onDismiss}>
            Not now
          </button>
        </form>
      )}
      {provide.error ? (
        <div data-testid="passphrase-error">
          <ErrorNote error={provide.error} context="ssh.providePassphrase" />
        </div>
      ) : null}
    </li>
  );
}

/**
 * Encrypted identity files the console cannot open, derived from the nodes waiting on them.
 * "Not now" hides a key for this page only (the operator may prefer loading it into ssh-agent).
 */
export function PassphraseDialog({ nodes, kind }: { nodes: readonly NodeSummary[]; kind: 'ipc' | 'websocket' }) {
  const requests = useMemo(() => passphraseRequests(nodes), [nodes]);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => new Set());
  const shown = requests.filter((r) => !dismissed.has(r.identityFile));
  if (shown.length === 0) return null;
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="false" aria-labelledby="passphrase-title" data-testid="passphrase-dialog">
        <h2 id="passphrase-title">Key {shown.length === 1 ? 'passphrase' : 'passphrases'} needed</h2>
        <p>
          These SSH identity files are encrypted, and fleetops has no passphrase for them, so the nodes below are not watched.
          The passphrase is checked against the key before it is kept,{' '}
          {kind === 'ipc'
            ? 'then stored encrypted by the OS keychain.'
            : 'then held in the memory of the fleetops server until it stops.'}{' '}
          It is never written in plain text.
        </p>
        <ul className="passphrases">
          {shown.map((r, index) => (
            <PassphraseRow
              key={r.identityFile}
              request={r}
              index={index}
              onDismiss={() => setDismissed((s) => new Set(s).add(r.identityFile))}
            />
          ))}
        </ul>
      </div>
    </div>
  );
}
