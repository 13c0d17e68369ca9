import type { DrillReportFile, DrillReportFormat } from '../../../../shared/drill-report';
import { htmlReport } from './html-report';
import { jsonReport } from './json-report';
import { markdownReport } from './markdown-report';
import { reportFileName, type DrillReportInput } from './report-facts';

const FORMATS: Readonly<Record<DrillReportFormat, { render: (input: DrillReportInput) => string; extension: string; mediaType: string }>> = {
  md: { render: markdownReport, extension: 'md', mediaType: 'text/markdown; charset=utf-8' },
  json: { render: jsonReport, extension: 'json', mediaType: 'application/json' },
  html: { render: htmlReport, extension: 'html', mediaType: 'text/html; charset=utf-8' },
};

/** One report in one format, with the file name and media type it is saved under (CLI and console alike). */
export function renderDrillReport(input: DrillReportInput, format: DrillReportFormat): DrillReportFile {
  const f = FORMATS[format];
  return { fileName: reportFileName(input.run, f.extension), mediaType: f.mediaType, content: f.render(input) };
}
