/**
 * An incident as Markdown (a post-incident review's first draft): facts, milestones, derived
 * times, affected subjects, notes, runs, where the history and audit are, and the events. Every
 * text from the fleet or a person is escaped (drills/report/escape.ts): a node name or a note
 * never becomes a link, an image, raw HTML or a table column.
 */
import type { IncidentImported } from '../../../../shared/incident';
import { escapeMarkdownInline as md } from '../../drills/report/escape';
import type { IncidentData } from './incident-parts';
import { auditSummary, derivedRows, factRows, historySummary, isoTime, milestoneRows, reportEvents, runRows } from './report-facts';

const table = (head: readonly string[], rows: readonly (readonly string[])[]) => [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

export function markdownReport(data: IncidentData, imported: IncidentImported | null = null): string {
  const i = data.incident.incident;
  const out: string[] = [`# Incident: ${md(i.title)}`, ''];
  for (const [k, v] of factRows(data, imported)) out.push(`- **${k}**: ${md(v)}`);
  out.push('', '## Milestones', '');
  const milestones = milestoneRows(data);
  out.push(milestones.length ? table(['milestone', 'at (UTC)', 'set by', 'correction'], milestones.map((m) => [m.name, m.at, md(m.setBy), md(m.correction)])) : 'No milestone was recorded.');
  out.push('', table(['measure', 'value'], derivedRows(data)));
  out.push('', '## Affected subjects', '');
  out.push(i.affected.length ? table(['subject', 'kind', 'first bad (UTC)', 'last verdict', 'since (UTC)'], i.affected.map((a) => [md(a.subject), a.kind, isoTime(a.firstBadAt), md(a.health), isoTime(a.changedAt)])) : 'None recorded.');
  out.push('', '## Notes', '');
  out.push(i.notes.length ? i.notes.map((n) => `- ${isoTime(n.at)} **${md(n.by)}**: ${md(n.text)}`).join('\n') : 'No note.');
  out.push('', '## Runbook and drill runs', '');
  const runs = runRows(data);
  out.push(runs.length ? table(['kind', 'run', 'name', 'target', 'status', 'started (UTC)', 'ended (UTC)', 'steps'], runs.map((r) => [r.kind, md(r.id), md(r.name), md(r.target), md(r.status), r.started, r.ended, md(r.steps)])) : 'No run touched the affected subjects in the window.');
  out.push('', '## History', '', md(historySummary(data)), '', '## Audit', '', md(auditSummary(data)));
  const { shown, left } = reportEvents(data.events);
  out.push('', `## Events (${data.events.length})`, '');
  if (left > 0) out.push(`${left} informational events are left out here; every event is in events.otel.jsonl and the CSV export.`, '');
  out.push(shown.length ? table(['time (UTC)', 'severity', 'kind', 'subject', 'message'], shown.map((e) => [isoTime(e.ts), e.severity, md(e.kind), md(e.subject ?? '—'), md(e.message)])) : 'No event in the window.');
  out.push('');
  return out.join('\n');
}
