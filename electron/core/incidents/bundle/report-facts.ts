/**
 * What every human report of an incident says (Markdown, HTML), worked out once from the
 * bundle's model (incident-parts.ts): the two layouts only arrange these facts, so they cannot
 * disagree on a time or a count.
 */
import type { IncidentImported, IncidentMilestone } from '../../../../shared/incident';
import type { IncidentData } from './incident-parts';
import type { BundleEvent } from './otel-log-record';

/** Events listed in a report at most: the rest are in events.otel.jsonl and the CSV. */
export const REPORT_MAX_EVENTS = 2000;

/** "2026-03-29T01:00:00.000Z": read anywhere, so UTC and says so. */
export const isoTime = (ms: number) => new Date(ms).toISOString();

export const seconds = (s: number | null) => (s === null ? '—' : `${s} s`);

export interface MilestoneRow {
  name: IncidentMilestone['name'];
  at: string;
  setBy: string;
  /** "was 2026-… (rule)" when a person corrected it. */
  correction: string;
}

export function milestoneRows(data: IncidentData): MilestoneRow[] {
  return data.incident.incident.milestones.map((m) => ({
    name: m.name,
    at: isoTime(m.at),
    setBy: m.source === 'rule' ? 'the rule' : `${m.by ?? 'a person'}`,
    correction: m.original ? `corrected; was ${isoTime(m.original.at)} (${m.original.source === 'rule' ? 'the rule' : (m.original.by ?? 'a person')})` : '',
  }));
}

export function derivedRows(data: IncidentData): Array<[string, string]> {
  const d = data.incident.incident.derived;
  return [
    ['time to detect', seconds(d.detectSeconds)],
    ['time to acknowledge', seconds(d.acknowledgeSeconds)],
    ['time to mitigate', seconds(d.mitigateSeconds)],
    ['time to resolve', seconds(d.resolveSeconds)],
  ];
}

export function factRows(data: IncidentData, imported: IncidentImported | null): Array<[string, string]> {
  const i = data.incident.incident;
  const rows: Array<[string, string]> = [
    ['incident', i.id],
    ['status', `${i.status}, ${i.severity} (${i.severityReason})`],
    ['scope', i.scope],
    ['opened by', i.openedBy === 'rule' ? 'the rule' : 'a person'],
    ['window (UTC)', `${isoTime(data.incident.window.from)} – ${isoTime(data.incident.window.to)}`],
    ['exported', `${isoTime(data.incident.exportedAt)} by ${data.incident.exportedBy}`],
    ['inventory', data.inventory.note],
  ];
  if (imported) rows.push(['imported', `from a bundle signed by ${imported.signer} (${imported.signerTrust === 'own' ? "this console's own key" : imported.signerTrust === 'trusted' ? 'a trusted key' : 'accepted for this import only'}), ${isoTime(imported.importedAt)} by ${imported.importedBy}`]);
  return rows;
}

/**
 * The events a report lists: all of them up to REPORT_MAX_EVENTS; past it the warnings and
 * errors first (what a review looks for), then as many others, in time order.
 */
export function reportEvents(events: readonly BundleEvent[]): { shown: BundleEvent[]; left: number } {
  if (events.length <= REPORT_MAX_EVENTS) return { shown: [...events], left: 0 };
  const keep = new Set<BundleEvent>();
  for (const e of events) if (e.severity !== 'info' && keep.size < REPORT_MAX_EVENTS) keep.add(e);
  for (const e of events) if (e.severity === 'info' && keep.size < REPORT_MAX_EVENTS) keep.add(e);
  return { shown: events.filter((e) => keep.has(e)), left: events.length - keep.size };
}

export interface RunRow {
  kind: 'runbook' | 'drill';
  id: string;
  name: string;
  target: string;
  status: string;
  started: string;
  ended: string;
  steps: string;
}

export function runRows(data: IncidentData): RunRow[] {
  return [
    ...data.runs.runbookRuns.map((r): RunRow => ({
      kind: 'runbook',
      id: r.id,
      name: r.runbook,
      target: r.target,
      status: r.status,
      started: isoTime(r.startedAt),
      ended: r.endedAt === null ? '—' : isoTime(r.endedAt),
      steps: r.steps.map((s) => `${s.index + 1}. ${s.title}: ${s.status}${s.error ? ` (${s.error})` : ''}`).join('; '),
    })),
    ...data.runs.drillRuns.map(({ run }): RunRow => ({
      kind: 'drill',
      id: run.id,
      name: run.drill,
      target: run.plan.targets.map((t) => t.name).join(', '),
      status: run.status,
      started: isoTime(run.startedAt),
      ended: run.endedAt === null ? '—' : isoTime(run.endedAt),
      steps: run.milestones.map((m) => m.name).join(' → '),
    })),
  ];
}

export function auditSummary(data: IncidentData): string {
  const { anchor, entries } = data.audit;
  if (entries.length === 0) return `no audit entry in the window (the log's entry ${anchor.seq} precedes it, hash ${anchor.hash})`;
  return `${entries.length} entries, ${entries[0]!.seq}–${entries[entries.length - 1]!.seq}, chained from entry ${anchor.seq} (hash ${anchor.hash}); the chain of the window was checked`;
}

export function historySummary(data: IncidentData): string {
  const h = data.history;
  if (h.series.length === 0) return 'no history was kept for the affected subjects over the window';
  const what = h.source === 'raw' ? 'every probe reading' : h.source === '1m' ? '1-minute rollups' : '30-minute rollups';
  return `${h.series.length} series (${what}) from ${isoTime(h.from)} to ${isoTime(h.to)}`;
}
