import type { IncidentExportFormat } from '../../../../shared/incident';
import { useExportIncident } from '../../api/mutations/incidents';
import { ErrorNote } from '../../components/ErrorNote';

const FORMATS: readonly { format: IncidentExportFormat; label: string }[] = [
  { format: 'bundle', label: 'Signed bundle' },
  { format: 'md', label: 'Markdown' },
  { format: 'html', label: 'HTML page' },
  { format: 'csv', label: 'Events (CSV)' },
];

/** Saves the incident for review elsewhere: the signed bundle (opened by `fleetops review` or "Open bundle…"), or a report. */
export function ExportButtons({ id }: { id: string }) {
  const exporting = useExportIncident();
  return (
    <div className="actions incident-export" role="group" aria-label="Export the incident">
      <span className="muted">Export:</span>
      {FORMATS.map((f) => (
        <button key={f.format} type="button" data-testid={`incident-export-${f.format}`} disabled={exporting.isPending} onClick={() => exporting.mutate({ id, format: f.format })}>
          {f.label}
        </button>
      ))}
      {exporting.error ? <ErrorNote error={exporting.error} context="incidents.export" /> : null}
    </div>
  );
}
