/**
 * An incident as one self-contained HTML page: the same facts as the Markdown report, the
 * history as inline SVG (incident-plots.ts) with the milestones marked, and the events. Nothing
 * is fetched (the drill report's Content-Security-Policy: no script, font, image or stylesheet
 * from anywhere), so the page opened from a mail or a share years later shows the same thing and
 * tells no one it was opened. Every text from the fleet or a person is escaped.
 */
import type { IncidentImported } from '../../../../shared/incident';
import { escapeHtml as esc } from '../../drills/report/escape';
import { htmlPage } from '../../drills/report/html-report';
import type { IncidentData } from './incident-parts';
import { incidentPlot, MILESTONE_COLORS } from './incident-plots';
import { auditSummary, derivedRows, factRows, historySummary, isoTime, milestoneRows, reportEvents, runRows } from './report-facts';

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;color:#202124;background:#fff;margin:24px auto;max-width:1100px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dadce0;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #dadce0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f4}.mono{font-family:ui-monospace,monospace;font-size:12.5px}.muted{color:#5f6368}
.sev-warning{color:#b06000}.sev-error{color:#a50e0e;font-weight:700}
.imported{padding:8px 12px;border:1px solid #b06000;background:#fef7e0;border-radius:4px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}dt{color:#5f6368}dd{margin:0}`;

const row = (cells: readonly string[], header = false) => {
  const tag = header ? 'th' : 'td';
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
};
const table = (section: string, head: readonly string[], rows: readonly (readonly string[])[]) => `<table data-section="${section}">${row(head, true)}${rows.map((r) => row(r)).join('')}</table>`;

export function htmlReport(data: IncidentData, imported: IncidentImported | null = null): string {
  const i = data.incident.incident;
  const body: string[] = [`<h1>Incident: ${esc(i.title)}</h1>`];
  if (imported) body.push(`<p class="imported" data-imported>Imported for review: evidence from another console (signed by <span class="mono">${esc(imported.signer)}</span>), not this fleet.</p>`);
  body.push(`<dl>${factRows(data, imported).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`);

  body.push('<h2>History</h2>');
  const plot = incidentPlot(data);
  body.push(plot ?? '<p data-plot-empty>No GPU temperature or replica latency was kept for the affected subjects over the window.</p>');
  body.push(`<p class="muted">${esc(historySummary(data))}</p>`);

  body.push('<h2>Milestones</h2>');
  const milestones = milestoneRows(data);
  body.push(
    milestones.length
      ? table(
          'milestones',
          ['#', 'milestone', 'at (UTC)', 'set by', 'correction'],
          milestones.map((m, n) => [String(n + 1), `<span style="color:${MILESTONE_COLORS[m.name]}">${esc(m.name)}</span>`, esc(m.at), esc(m.setBy), esc(m.correction)]),
        )
      : '<p>No milestone was recorded.</p>',
  );
  body.push(table('derived', ['measure', 'value'], derivedRows(data).map(([k, v]) => [esc(k), esc(v)])));

  body.push('<h2>Affected subjects</h2>');
  body.push(
    i.affected.length
      ? table('affected', ['subject', 'kind', 'first bad (UTC)', 'last verdict', 'since (UTC)'], i.affected.map((a) => [`<span class="mono">${esc(a.subject)}</span>`, esc(a.kind), esc(isoTime(a.firstBadAt)), esc(a.health), esc(isoTime(a.changedAt))]))
      : '<p>None recorded.</p>',
  );

  body.push('<h2>Notes</h2>');
  body.push(i.notes.length ? `<ul>${i.notes.map((n) => `<li>${esc(isoTime(n.at))} <b>${esc(n.by)}</b>: ${esc(n.text)}</li>`).join('')}</ul>` : '<p>No note.</p>');

  body.push('<h2>Runbook and drill runs</h2>');
  const runs = runRows(data);
  body.push(
    runs.length
      ? table('runs', ['kind', 'run', 'name', 'target', 'status', 'started (UTC)', 'ended (UTC)', 'steps'], runs.map((r) => [esc(r.kind), `<span class="mono">${esc(r.id)}</span>`, esc(r.name), esc(r.target), esc(r.status), esc(r.started), esc(r.ended), esc(r.steps)]))
      : '<p>No run touched the affected subjects in the window.</p>',
  );

  body.push('<h2>Audit</h2>', `<p>${esc(auditSummary(data))}</p>`);

  const { shown, left } = reportEvents(data.events);
  body.push(`<h2>Events (${data.events.length})</h2>`);
  if (left > 0) body.push(`<p class="muted">${left} informational events are left out here; every event is in events.otel.jsonl and the CSV export.</p>`);
  body.push(
    shown.length
      ? table('events', ['time (UTC)', 'severity', 'kind', 'subject', 'message'], shown.map((e) => [esc(isoTime(e.ts)), `<span class="sev-${e.severity}">${e.severity}</span>`, `<span class="mono">${esc(e.kind)}</span>`, esc(e.subject ?? '—'), esc(e.message)]))
      : '<p>No event in the window.</p>',
  );

  return htmlPage(`Incident ${esc(i.title)} (${esc(isoTime(i.startedAt))})`, STYLE, body);
}
