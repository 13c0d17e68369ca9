/**
 * The human side of an incident export (electron/core/incidents/bundle/): the CSV of its events
 * (RFC 4180 quoting; a cell that starts with = + - @ is prefixed with ' so a spreadsheet shows it
 * as text instead of running it), the self-contained HTML page (nothing external: no http(s)
 * src or href, inline SVG plots of GPU temperature and replica latency with the milestones
 * marked), the Markdown (what people wrote cannot become a link or markup), and the events as
 * OpenTelemetry log records (OTLP/JSON).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, eventsCsv } from '../../../../electron/core/incidents/bundle/csv-events';
import type { IncidentData } from '../../../../electron/core/incidents/bundle/incident-parts';
import { exportIncident } from '../../../../electron/core/incidents/bundle/export-incident';
import { eventOfLine, otelLine, type BundleEvent } from '../../../../electron/core/incidents/bundle/otel-log-record';
import { exported, makeIncident, openDataDir, signingKey, type DataDir } from './incident-fixture';

const root = mkdtempSync(join(tmpdir(), 'fleetops-incident-reports-'));
let d: DataDir;
let data: IncidentData;
beforeAll(async () => {
  d = openDataDir(join(root, 'a'));
  makeIncident(d);
  data = (await exported(d, signingKey(), 'md')).data;
});
afterAll(() => {
  d.close();
  rmSync(root, { recursive: true, force: true });
});

const event = (over: Partial<BundleEvent>): BundleEvent => ({ id: 1, ts: Date.UTC(2026, 0, 1), kind: 'node.health', subject: 'n1', severity: 'info', message: 'm', origin: null, ...over });

/** RFC 4180 records of a CSV text (quoted fields with commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  return rows;
}

describe('the CSV of the events', () => {
  it('guards every cell that a spreadsheet would run as a formula, and quotes as RFC 4180 says', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}cmd|' /C calc'!A0`)).toMatch(/^"?'/);
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('plain text')).toBe('plain text');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    const csv = eventsCsv([event({ message: '=1+1', subject: '@n1' }), event({ id: 2, message: 'said "hi",\r\nthen left', data: { x: [1, 2] } }), event({ id: 3, message: '-2', kind: '+k' })]);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['time_utc', 'ts_ms', 'severity', 'kind', 'subject', 'message', 'event_id', 'origin', 'data']);
    expect(rows[1]!.slice(4, 6)).toEqual(["'@n1", "'=1+1"]);
    expect(rows[2]![5]).toBe('said "hi",\r\nthen left');
    expect(rows[2]![8]).toBe('{"x":[1,2]}');
    expect(rows[3]!.slice(3, 6)).toEqual(["'+k", 'n1', "'-2"]);
    // Every cell of every row of the incident's own export starts with something a spreadsheet shows as text.
    for (const r of parseCsv(eventsCsv(data.events))) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});

describe('the HTML page', () => {
  it('fetches nothing: no http(s) src or href anywhere, a CSP that allows none; plots inline SVG with the milestones', async () => {
    const html = (await exportIncident(data, 'html', { host: 'h' })).bytes.toString();
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<(script|link|iframe|img)\b/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    // The note's markup and link are text.
    expect(html).toContain('restarting &lt;b&gt;r1&lt;/b&gt; | see [runbook](http://example.com)');
    expect(html).toMatch(/<svg [^>]*data-plot=/);
    expect(html).toMatch(/data-panel="GPU temperature"/);
    expect(html).toMatch(/data-panel="replica health-probe latency/);
    expect(html).toMatch(/data-series="gpu:n1:0" data-points="\d+"/);
    for (const m of data.incident.incident.milestones) expect(html).toContain(`data-marker="${m.name}"`);
  });

  it('the Markdown: what people and hosts wrote stays text', async () => {
    const md = (await exportIncident(data, 'md', { host: 'h' })).bytes.toString();
    expect(md).toContain('restarting \\<b\\>r1\\</b\\> \\| see \\[runbook\\](http://example.com)');
    expect(md).toMatch(/^\| milestone \| at \(UTC\) \| set by \| correction \|$/m);
    expect(md).toMatch(/corrected; was 2026-12-04T12:00:00\.000Z \(the rule\)/);
  });
});

describe('the events as OpenTelemetry log records', () => {
  it('one OTLP/JSON request per line: resource, severity numbers, attributes; read back the same', () => {
    const e = event({ severity: 'warning', data: { to: 'unreachable' }, ts: 1_764_000_000_123 });
    const line = JSON.parse(otelLine(e, 'console-a'));
    const rl = line.resourceLogs[0];
    expect(rl.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'fleetops' } },
      { key: 'host.name', value: { stringValue: 'console-a' } },
    ]);
    const rec = rl.scopeLogs[0].logRecords[0];
    expect(rec).toMatchObject({ timeUnixNano: '1764000000123000000', severityNumber: 13, severityText: 'WARN', body: { stringValue: 'm' } });
    expect(rec.attributes).toContainEqual({ key: 'fleetops.data', value: { stringValue: '{"to":"unreachable"}' } });
    expect(rec.attributes).toContainEqual({ key: 'fleetops.event_id', value: { intValue: '1' } });
    expect(eventOfLine(line, 'x')).toEqual({ ...e, origin: undefined, data: { to: 'unreachable' } });
    for (const [severity, n, text] of [['info', 9, 'INFO'], ['error', 17, 'ERROR']] as const) {
      expect(JSON.parse(otelLine(event({ severity }), 'h')).resourceLogs[0].scopeLogs[0].logRecords[0]).toMatchObject({ severityNumber: n, severityText: text });
    }
  });
});
