import type { DrillReportFormat } from '../../../../shared/drill-report';
import { useDownloadDrillReport } from '../../api/mutations/drills';
import { ErrorNote } from '../../components/ErrorNote';

const FORMATS: readonly { format: DrillReportFormat; label: string }[] = [
  { format: 'md', label: 'Markdown' },
  { format: 'json', label: 'JSON' },
  { format: 'html', label: 'HTML page' },
];

/** Saves the run's report (the same text as `fleetops drill report`) as a file. */
export function ReportButtons({ runId }: { runId: string }) {
  const download = useDownloadDrillReport();
  return (
    <div className="actions drill-report-buttons" role="group" aria-label="Export the report">
      <span className="muted">Report:</span>
      {FORMATS.map((f) => (
        <button
          key={f.format}
          type="button"
          data-testid={`drill-report-${f.format}`}
          disabled={download.isPending}
          onClick={() => download.mutate({ runId, format: f.format })}
        >
          {f.label}
        </button>
      ))}
      {download.error ? <ErrorNote error={download.error} context="drills.report" /> : null}
    </div>
  );
}
