/**
 * An incident exported: the signed bundle (kind 'incident', every part, signed with the data
 * directory's key) or one report — Markdown, self-contained HTML, or CSV of its events. The same
 * for the console (`incidents.export`) and the CLI (`fleetops incident export`).
 */
import type { IncidentExportFormat, IncidentImported } from '../../../../shared/incident';
import type { SigningKey } from '../../bundle/signing-key';
import { writeBundle } from '../../bundle/write-bundle';
import { eventsCsv } from './csv-events';
import { htmlReport } from './html-report';
import { incidentBundleParts, type IncidentData } from './incident-parts';
import { markdownReport } from './markdown-report';

export interface ExportedFile {
  fileName: string;
  mediaType: string;
  bytes: Buffer;
}

const EXTENSION: Record<IncidentExportFormat, { ext: string; mediaType: string }> = {
  bundle: { ext: 'bundle.tar.gz', mediaType: 'application/gzip' },
  md: { ext: 'md', mediaType: 'text/markdown; charset=utf-8' },
  html: { ext: 'html', mediaType: 'text/html; charset=utf-8' },
  csv: { ext: 'csv', mediaType: 'text/csv; charset=utf-8' },
};

/** "incident-3f2a9c1e-20261204T1200Z.md": its id and start, sortable, safe on every file system. */
export function incidentFileName(data: IncidentData, format: IncidentExportFormat): string {
  const i = data.incident.incident;
  const start = new Date(i.startedAt).toISOString().replace(/[-:]/g, '').replace(/\d\d\.\d{3}Z$/, 'Z');
  return `incident-${i.id.slice(0, 8)}-${start}.${EXTENSION[format].ext}`;
}

export interface ExportOptions {
  /** The signing key (bundle only). */
  key?: () => Promise<SigningKey>;
  /** The exporting host: the events' resource host.name. */
  host: string;
  /** Set for an imported incident: its reports say where it came from. */
  imported?: IncidentImported | null;
}

export async function exportIncident(data: IncidentData, format: IncidentExportFormat, opts: ExportOptions): Promise<ExportedFile> {
  const { mediaType } = EXTENSION[format];
  const fileName = incidentFileName(data, format);
  const imported = opts.imported ?? null;
  if (format === 'md') return { fileName, mediaType, bytes: Buffer.from(markdownReport(data, imported), 'utf8') };
  if (format === 'html') return { fileName, mediaType, bytes: Buffer.from(htmlReport(data, imported), 'utf8') };
  if (format === 'csv') return { fileName, mediaType, bytes: Buffer.from(eventsCsv(data.events), 'utf8') };
  if (!opts.key) throw new Error('exportIncident: a bundle needs the signing key');
  const key = await opts.key();
  const i = data.incident.incident;
  const parts = incidentBundleParts(data, opts.host, { markdown: markdownReport(data), html: htmlReport(data) });
  const bytes = await writeBundle({ kind: 'incident', subject: i.id, title: `Incident ${i.title} (${i.status}, ${i.severity})`, createdBy: data.incident.exportedBy, parts }, key, new Date(data.incident.exportedAt));
  return { fileName, mediaType, bytes };
}
