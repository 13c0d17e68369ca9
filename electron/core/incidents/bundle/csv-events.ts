/**
 * An incident's events as CSV (RFC 4180: CRLF line ends, a field with a comma, quote or line
 * break quoted, quotes doubled), for a spreadsheet. Event messages and data come from hosts and
 * people: a cell that starts with = + - @ (or a tab or carriage return) would run as a formula
 * when the file is opened (CSV injection, OWASP), so it is prefixed with a ' and shown as text.
 */
import type { BundleEvent } from './otel-log-record';

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: guarded against formula injection, then quoted as RFC 4180 requires. */
export function csvCell(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_HEADER = ['time_utc', 'ts_ms', 'severity', 'kind', 'subject', 'message', 'event_id', 'origin', 'data'] as const;

export function eventsCsv(events: readonly BundleEvent[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const e of events) {
    const cells = [new Date(e.ts).toISOString(), String(e.ts), e.severity, e.kind, e.subject ?? '', e.message, String(e.id), e.origin ?? '', e.data === undefined ? '' : JSON.stringify(e.data)];
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
