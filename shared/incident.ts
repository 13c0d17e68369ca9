/**
 * Incidents (issue 11): opened by rule when a subject turns unhealthy or unreachable, or by hand;
 * related signals (the same region) join one open incident instead of opening ten. Milestones as
 * incident tools use them — started, detected, acknowledged, mitigated, resolved, closed — set
 * automatically where the events show them, corrected by a person with the original kept beside.
 * `started` precedes every other milestone, `mitigated` ≤ `resolved` ≤ `closed`: an edit that
 * breaks the order is refused (incidentMilestoneOrderProblem).
 */
import { z } from 'zod';
import { HistoryColumn } from './history';

export const IncidentMilestoneName = z.enum(['started', 'detected', 'acknowledged', 'mitigated', 'resolved', 'closed']);
export type IncidentMilestoneName = z.infer<typeof IncidentMilestoneName>;

export const IncidentSeverity = z.enum(['sev1', 'sev2', 'sev3']);
export type IncidentSeverity = z.infer<typeof IncidentSeverity>;

export const IncidentStatus = z.enum(['open', 'resolved', 'closed']);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

const Setter = z.object({ at: z.number(), source: z.enum(['rule', 'operator']), by: z.string().nullable() });

export const IncidentMilestone = Setter.extend({
  name: IncidentMilestoneName,
  /** What it was before a person corrected it (the first value, kept), or null. */
  original: Setter.nullable(),
});
export type IncidentMilestone = z.infer<typeof IncidentMilestone>;

export const IncidentSubject = z.object({
  subject: z.string(),
  kind: z.enum(['node', 'replica', 'service']),
  /** When it first turned bad in this incident. */
  firstBadAt: z.number(),
  /** Its last verdict, and when. */
  health: z.string(),
  changedAt: z.number(),
});
export type IncidentSubject = z.infer<typeof IncidentSubject>;

export const IncidentNote = z.object({ at: z.number(), by: z.string(), text: z.string() });

export const IncidentDerived = z.object({
  /** started → detected, → acknowledged, → mitigated, → resolved, in seconds; null until both exist. */
  detectSeconds: z.number().nullable(),
  acknowledgeSeconds: z.number().nullable(),
  mitigateSeconds: z.number().nullable(),
  resolveSeconds: z.number().nullable(),
});
export type IncidentDerived = z.infer<typeof IncidentDerived>;

/**
 * Where an imported incident came from (a signed bundle, electron/core/incidents/bundle/): it is
 * evidence from another console, never this fleet's — the rule neither joins nor settles it, and
 * its milestones are not edited here (notes are: a reviewer's own words, by them).
 */
export const IncidentImported = z.object({
  /** "bundle:<signer fingerprint>:<incident id>": the origin its events carry on the timeline. */
  origin: z.string(),
  /** The signer's key fingerprint (SHA256:…), and why it was accepted: this console's own key, a trusted one, or accepted for this import only. */
  signer: z.string(),
  signerTrust: z.enum(['own', 'trusted', 'accepted']),
  /** user@host that exported it, and when (the bundle's manifest). */
  exportedBy: z.string(),
  exportedAt: z.string(),
  importedAt: z.number(),
  importedBy: z.string(),
});
export type IncidentImported = z.infer<typeof IncidentImported>;

export const IncidentSummary = z.object({
  id: z.string(),
  title: z.string(),
  severity: IncidentSeverity,
  status: IncidentStatus,
  /** What groups its signals: "region:us-west-2", or "subject:NAME" when the subject has no region. */
  scope: z.string(),
  openedBy: z.enum(['rule', 'operator']),
  startedAt: z.number(),
  subjects: z.number().int(),
  /** Only on an incident imported from a bundle. */
  imported: IncidentImported.optional(),
});
export type IncidentSummary = z.infer<typeof IncidentSummary>;

/**
 * A service's error budget spent during the incident (started → resolved, or now): its failed
 * share of each minute's requests summed, in minutes of full outage, beside the whole 30-day
 * budget in the same unit ((1 − target) × 43,200 min). Services whose replica, or a replica's
 * node, is among the affected subjects, or that are themselves.
 */
export const IncidentBudgetSpent = z.object({
  service: z.string(),
  minutes: z.number(),
  budgetMinutes: z.number(),
});
export type IncidentBudgetSpent = z.infer<typeof IncidentBudgetSpent>;

export const IncidentView = IncidentSummary.extend({
  severityReason: z.string(),
  milestones: z.array(IncidentMilestone),
  affected: z.array(IncidentSubject),
  notes: z.array(IncidentNote),
  derived: IncidentDerived,
  /** This console's incidents with an SLO'd service among them (absent on an imported one: its requests are not in the bundle). */
  budgetSpent: z.array(IncidentBudgetSpent).optional(),
});
export type IncidentView = z.infer<typeof IncidentView>;

/** The order milestones must keep: each pair (a, b) means a ≤ b when both are set. */
const ORDER: ReadonlyArray<readonly [IncidentMilestoneName, IncidentMilestoneName]> = [
  ['started', 'detected'],
  ['started', 'acknowledged'],
  ['started', 'mitigated'],
  ['started', 'resolved'],
  ['started', 'closed'],
  ['mitigated', 'resolved'],
  ['resolved', 'closed'],
];

/** Why these milestone times break the order (a sentence), or null when they keep it. */
export function incidentMilestoneOrderProblem(at: Partial<Record<IncidentMilestoneName, number>>): string | null {
  for (const [a, b] of ORDER) {
    const x = at[a];
    const y = at[b];
    if (x !== undefined && y !== undefined && x > y) return `${a} (${new Date(x).toISOString()}) must not come after ${b} (${new Date(y).toISOString()})`;
  }
  return null;
}

export function deriveIncidentTimes(milestones: readonly Pick<IncidentMilestone, 'name' | 'at'>[]): IncidentDerived {
  const at = (n: IncidentMilestoneName) => milestones.find((m) => m.name === n)?.at;
  const since = (n: IncidentMilestoneName) => {
    const s = at('started');
    const t = at(n);
    return s === undefined || t === undefined ? null : Math.round((t - s) / 100) / 10;
  };
  return { detectSeconds: since('detected'), acknowledgeSeconds: since('acknowledged'), mitigateSeconds: since('mitigated'), resolveSeconds: since('resolved') };
}

/** An incident changed (opened, joined, a milestone, a note…), by this console or — seen within the rule's cadence — another process. */
export const incidentPushEvents = {
  'incident.updated': IncidentView,
} as const;

const incidentId = z.string().regex(/^[0-9a-f-]{36}$/, 'expected an incident id');
const by = z.string().min(1).max(200).optional();

/**
 * One series of an incident's history (a node's, one GPU's, a replica's) over its window and a
 * margin: what its bundle carries (history.json) and what the Timeline plots, for this console's
 * incidents and imported ones alike (electron/core/incidents/bundle/history-window.ts).
 */
export const IncidentHistorySeries = z.strictObject({
  kind: z.enum(['gpu', 'node', 'replica']),
  subject: z.string().min(1).max(300),
  gpu: z.number().int().min(0).max(63).nullable(),
  source: z.enum(['raw', '1m', '30m']),
  /** Width of each point in ms; null: each point is one raw reading. */
  stepMs: z.number().nullable(),
  ts: z.array(z.number()),
  samples: z.array(z.number().int()),
  columns: z.record(z.string(), HistoryColumn),
});
export type IncidentHistorySeries = z.infer<typeof IncidentHistorySeries>;

export const IncidentHistory = z.strictObject({
  from: z.number(),
  to: z.number(),
  source: z.enum(['raw', '1m', '30m', 'none']),
  series: z.array(IncidentHistorySeries),
});
export type IncidentHistory = z.infer<typeof IncidentHistory>;

/** A runbook run or drill run during an incident on its subjects: linked to it by what it touched and when. */
export const IncidentLinkedRun = z.object({
  kind: z.enum(['runbook', 'drill']),
  id: z.string(),
  /** The runbook's or the drill's name. */
  name: z.string(),
  target: z.string(),
  status: z.string(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  /** Linked by a person (who), or null: linked by what it touched during the incident. */
  linkedBy: z.string().nullable(),
});
export type IncidentLinkedRun = z.infer<typeof IncidentLinkedRun>;

/** A subject in the inventory the incident carries (as the fleet was when it opened): its entry, region and cluster. */
export const IncidentSubjectAsItWas = z.object({
  subject: z.string(),
  /** null: not in that inventory (a name it did not have then, or no inventory was recorded). */
  kind: z.enum(['node', 'replica', 'loadBalancer', 'service']).nullable(),
  region: z.string().nullable(),
  cluster: z.string().nullable(),
  /** Its inventory entry as written then (a node with its cluster; a replica; a load balancer; a service's SLO and backends). */
  entry: z.unknown(),
  /** Which inventory: recorded when the incident opened, the one at export time, or none. */
  source: z.enum(['incident-opened', 'export', 'none']),
  recordedAt: z.number().nullable(),
  note: z.string(),
});
export type IncidentSubjectAsItWas = z.infer<typeof IncidentSubjectAsItWas>;

/** bundle: the signed bundle (all parts); md, html: a report for people; csv: the events for a spreadsheet. */
export const IncidentExportFormat = z.enum(['bundle', 'md', 'html', 'csv']);
export type IncidentExportFormat = z.infer<typeof IncidentExportFormat>;

/** A file to save, as the console downloads it (`base64` of its bytes: a bundle is binary). */
export const IncidentExportFile = z.object({ fileName: z.string(), mediaType: z.string(), base64: z.string() });
export type IncidentExportFile = z.infer<typeof IncidentExportFile>;

/** A bundle as base64 is 4/3 of its bytes: this is the reader's file limit (256 MB, electron/core/bundle/bundle-format.ts). */
export const MAX_IMPORT_BASE64 = Math.ceil((256 * 1024 * 1024) / 3) * 4;

export const incidentMethods = {
  'incidents.list': { input: z.strictObject({ status: IncidentStatus.optional(), limit: z.number().int().min(1).max(1000).optional() }), output: z.array(IncidentSummary) },
  'incidents.get': { input: z.strictObject({ id: incidentId }), output: IncidentView },
  /** By hand: a title, and the subjects it is about (optional). */
  'incidents.open': { input: z.strictObject({ title: z.string().min(1).max(300), severity: IncidentSeverity.optional() }), output: IncidentView },
  'incidents.ack': { input: z.strictObject({ id: incidentId, by }), output: IncidentView },
  'incidents.resolve': { input: z.strictObject({ id: incidentId, by }), output: IncidentView },
  'incidents.close': { input: z.strictObject({ id: incidentId, by }), output: IncidentView },
  'incidents.note': { input: z.strictObject({ id: incidentId, text: z.string().min(1).max(10_000), by }), output: IncidentView },
  /** A person sets the severity (the rule's was by SLO impact and protected clusters): audited, with the reason. */
  'incidents.setSeverity': { input: z.strictObject({ id: incidentId, severity: IncidentSeverity, reason: z.string().min(1).max(500).optional(), by }), output: IncidentView },
  /** A person sets or corrects a milestone's time; the original value is kept beside it. */
  'incidents.setMilestone': { input: z.strictObject({ id: incidentId, name: IncidentMilestoneName, at: z.number().int().min(0), by }), output: IncidentView },
  /**
   * The runbook and drill runs that overlap its window and touch its subjects (a step's target, a
   * lock, the run's target; its region counts): what was done about it. An imported incident's come
   * from its bundle (runs.json), ids of the other console's.
   */
  'incidents.runs': { input: z.strictObject({ id: incidentId }), output: z.array(IncidentLinkedRun) },
  /** A person links a run to it (one the rule could not tie to its subjects); audited. */
  'incidents.link': { input: z.strictObject({ id: incidentId, kind: z.enum(['runbook', 'drill']), runId: z.string().min(1).max(100), by }), output: z.array(IncidentLinkedRun) },
  /** A subject as the inventory had it when the incident opened (for an imported one: the bundle's inventory). */
  'incidents.subject': { input: z.strictObject({ id: incidentId, subject: z.string().min(1).max(300) }), output: IncidentSubjectAsItWas },
  /** Its subjects' history over its window ± 10 min: read from this fleet's history, or from the bundle an imported one came in. */
  'incidents.history': { input: z.strictObject({ id: incidentId }), output: IncidentHistory },
  /** The incident as a signed bundle, or a report (Markdown, self-contained HTML, CSV of its events); audited (incident.exported). */
  'incidents.export': { input: z.strictObject({ id: incidentId, format: IncidentExportFormat }), output: IncidentExportFile },
  /**
   * A bundle (base64) checked part by part and imported whole, or refused with nothing written
   * (BUNDLE_INVALID naming the part; BUNDLE_UNTRUSTED for a signer this console does not trust,
   * unless `trust`: accepted for this import). Importing the same bundle again returns the same
   * incident. Audited (incident.imported).
   */
  'incidents.import': {
    input: z.strictObject({ base64: z.string().min(1).max(MAX_IMPORT_BASE64).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64'), trust: z.boolean().optional() }),
    output: IncidentView,
  },
} as const;
