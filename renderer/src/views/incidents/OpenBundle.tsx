import { useState } from 'react';
import { useImportIncident } from '../../api/mutations/incidents';
import { FleetApiError } from '../../api/errors';
import { ErrorNote } from '../../components/ErrorNote';
import { useNavigation } from '../../navigation-context';
import { incidentHref } from './routes';

/**
 * "Open bundle…": an incident bundle exported by any console, chosen or dropped here, checked
 * part by part and imported read-only (or refused with the part named). A bundle signed by a key
 * this console does not trust says so, and offers to accept it for this import.
 */
export function OpenBundle() {
  const importing = useImportIncident();
  const navigation = useNavigation();
  const [file, setFile] = useState<File | null>(null);
  const [over, setOver] = useState(false);
  const open = (f: File, trust: boolean) => {
    setFile(f);
    importing.mutate({ file: f, trust }, { onSuccess: (view) => navigation.go(incidentHref(view.id)) });
  };
  const untrusted = importing.error instanceof FleetApiError && importing.error.code === 'BUNDLE_UNTRUSTED';
  return (
    <section
      className={`panel open-bundle${over ? ' drop-over' : ''}`}
      data-testid="open-bundle"
      aria-label="Open an incident bundle"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const f = e.dataTransfer.files[0];
        if (f) open(f, false);
      }}
    >
      <label className="button-link">
        Open bundle…
        <input
          type="file"
          className="sr-only"
          data-testid="open-bundle-input"
          accept=".tar.gz,.tgz,application/gzip"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) open(f, false);
            e.target.value = '';
          }}
        />
      </label>{' '}
      <span className="muted">or drop an incident bundle here to review it (read-only)</span>
      {importing.isPending ? <p className="muted">Checking {file?.name}…</p> : null}
      {importing.error ? <ErrorNote error={importing.error} context="incidents.import" /> : null}
      {untrusted && file ? (
        <button type="button" data-testid="open-bundle-trust" onClick={() => open(file, true)}>
          Accept this signer for this import
        </button>
      ) : null}
    </section>
  );
}
