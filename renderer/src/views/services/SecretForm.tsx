import { useState, type FormEvent } from 'react';
import type { MethodOutput } from '../../../../shared/contract';
import type { ReplicaStatus } from '../../../../shared/services';
import { useSetSecret } from '../../api/mutations/secrets';
import { secretRequest } from '../../model/secret-request';
import { ErrorNote } from '../../components/ErrorNote';

type Outcome = { ok: true; result: MethodOutput<'secrets.set'> } | { ok: false; error: unknown };

function Result({ secretRef, result }: { secretRef: string; result: MethodOutput<'secrets.set'> }) {
  return (
    <p className="passphrase-note" data-testid="secret-result" data-persisted={String(result.persisted)}>
      Secret <code>{secretRef}</code> stored {result.persisted ? 'encrypted by the OS keychain' : 'in memory only, until fleetops stops'}; re-probing{' '}
      {result.replicas.join(', ')}.
    </p>
  );
}

/**
 * "Set secret REF" in a replica's detail, shown while its last probe failed with `auth` and the
 * inventory names a secretRef. The value is sent once and never shown again: the field is
 * emptied on submit and the call's variables are dropped as soon as it settles.
 */
export function SecretForm({ replica }: { replica: ReplicaStatus }) {
  const set = useSetSecret();
  const [value, setValue] = useState('');
  // The last call's outcome, kept here so the mutation (which holds the value) can be reset.
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const request = secretRequest(replica);
  const ref = request?.ref ?? replica.secretRef;
  if (ref === null || (request === null && outcome === null)) return null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value === '' || set.isPending) return;
    setValue('');
    setOutcome(null);
    set.mutate(
      { ref, value },
      {
        onSuccess: (result) => setOutcome({ ok: true, result }),
        onError: (error) => setOutcome({ ok: false, error }),
        onSettled: () => set.reset(),
      },
    );
  };

  return (
    <section className="secret" aria-labelledby="secret-title">
      {request ? (
        <>
          <h3 id="secret-title">Set secret {ref}</h3>
          <p className="passphrase-note">
            {request.missing
              ? `fleetops has no usable value for secret "${ref}": no probe is sent to this replica until it has one.`
              : `The replica refused the value of secret "${ref}" (HTTP 401/403).`}
          </p>
          <form className="actions" onSubmit={submit} data-testid="secret-form">
            <input
              type="password"
              autoComplete="off"
              spellCheck={false}
              maxLength={8192}
              aria-label={`Value of secret ${ref}`}
              placeholder="secret value"
              data-testid="secret-input"
              value={value}
              onChange={(e) => setValue(e.target.value)}
            />
            <button type="submit" className="primary" data-testid="secret-submit" disabled={set.isPending || value === ''}>
              {set.isPending ? 'Storing…' : `Set secret ${ref}`}
            </button>
          </form>
        </>
      ) : null}
      {outcome?.ok ? <Result secretRef={ref} result={outcome.result} /> : null}
      {outcome && !outcome.ok ? (
        <div data-testid="secret-error">
          <ErrorNote error={outcome.error} context="secrets.set" />
        </div>
      ) : null}
    </section>
  );
}
