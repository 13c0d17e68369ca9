/**
 * An incident bundle's parts (kind 'incident', electron/core/bundle/): what an export writes and
 * an import checks, each against its schema, one model (IncidentData) both ways — and the one
 * the Markdown, HTML and CSV reports are made from, so a report of an imported incident and of
 * the original say the same.
 *
 *   events.otel.jsonl  every event of the window (otel-log-record.ts)
 *   incident.json      the incident (milestones with their originals, notes, affected subjects), its window
 *   runs.json          runbook and drill runs of the window on its subjects (incident-runs.ts)
 *   inventory.json     the inventory as it was (inventory-snapshot.ts)
 *   history.json       the subjects' series (history-window.ts)
 *   audit.jsonl        the window's audit entries and their anchor (audit-window.ts)
 *   report.md, report.html   the same, for people without fleetops (optional on import)
 */
import { z } from 'zod';
import { incidentMilestoneOrderProblem, IncidentView } from '../../../../shared/incident';
import { parseJson, type JsonLines } from '../../bundle/read-bundle';
import type { BundlePartInput } from '../../bundle/write-bundle';
import { auditJsonl, parseAuditWindow, type AuditWindow } from './audit-window';
import { HistoryPart } from './history-window';
import { RunsPart } from './incident-runs';
import { InventoryPart } from './inventory-snapshot';
import { eventOfLine, otelLine, type BundleEvent } from './otel-log-record';
import { checkPart, partInvalid } from './part-check';

export const INCIDENT_PART_FORMAT = 'fleetops-incident/1';

export const PART = {
  events: 'events.otel.jsonl',
  incident: 'incident.json',
  runs: 'runs.json',
  inventory: 'inventory.json',
  history: 'history.json',
  audit: 'audit.jsonl',
  markdown: 'report.md',
  html: 'report.html',
} as const;
const REQUIRED = [PART.events, PART.incident, PART.runs, PART.inventory, PART.history, PART.audit];
const OPTIONAL = [PART.markdown, PART.html];
/** Each part's media type (its parameters aside): what the bundle reader parsed it as, and what tools reading the bundle take it for. */
const MEDIA_TYPE: Readonly<Record<string, string>> = {
  [PART.events]: 'application/x-ndjson',
  [PART.incident]: 'application/json',
  [PART.runs]: 'application/json',
  [PART.inventory]: 'application/json',
  [PART.history]: 'application/json',
  [PART.audit]: 'application/x-ndjson',
  [PART.markdown]: 'text/markdown',
  [PART.html]: 'text/html',
};

export const IncidentPart = z.strictObject({
  format: z.literal(INCIDENT_PART_FORMAT),
  incident: IncidentView,
  /** [from, to] of the events (both inclusive), ms since the epoch: the incident ± the timeline's margin (timeline/incident-window.ts). */
  window: z.strictObject({ from: z.number().int(), to: z.number().int() }),
  /** Its affected subjects: the events name them, or none (fleet-wide). */
  subjects: z.array(z.string()),
  exportedAt: z.number().int(),
  /** user@host. */
  exportedBy: z.string(),
});
export type IncidentPart = z.infer<typeof IncidentPart>;

export interface IncidentData {
  incident: IncidentPart;
  /** Oldest first. */
  events: BundleEvent[];
  runs: RunsPart;
  inventory: InventoryPart;
  history: HistoryPart;
  audit: AuditWindow;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** The parts of a bundle of `data` (the reports given rendered). `host`: the resource's host.name on every event. */
export function incidentBundleParts(data: IncidentData, host: string, reports: { markdown: string; html: string }): BundlePartInput[] {
  const lines: string[] = new Array<string>(data.events.length);
  for (let i = 0; i < data.events.length; i++) lines[i] = otelLine(data.events[i]!, host);
  return [
    { name: PART.events, mediaType: 'application/x-ndjson', content: lines.length ? `${lines.join('\n')}\n` : '' },
    { name: PART.incident, mediaType: 'application/json', content: json(data.incident) },
    { name: PART.runs, mediaType: 'application/json', content: json(data.runs) },
    { name: PART.inventory, mediaType: 'application/json', content: json(data.inventory) },
    { name: PART.history, mediaType: 'application/json', content: json(data.history) },
    { name: PART.audit, mediaType: 'application/x-ndjson', content: auditJsonl(data.audit) },
    { name: PART.markdown, mediaType: 'text/markdown; charset=utf-8', content: reports.markdown },
    { name: PART.html, mediaType: 'text/html; charset=utf-8', content: reports.html },
  ];
}

/** What the schema cannot say: the id the manifest signed, one row per milestone and subject, milestones in order. */
function checkIncident(part: IncidentPart, subject: string): void {
  const i = part.incident;
  const where = PART.incident;
  if (!/^[0-9a-f-]{36}$/.test(i.id)) throw partInvalid(where, `incident.id: expected an incident id, got ${JSON.stringify(i.id).slice(0, 60)}`);
  if (i.id !== subject) throw partInvalid(where, `is incident ${i.id}, but the signed manifest names ${subject}`);
  const names = i.milestones.map((m) => m.name);
  if (new Set(names).size !== names.length) throw partInvalid(where, 'incident.milestones: a milestone appears twice');
  const subjects = i.affected.map((a) => a.subject);
  if (new Set(subjects).size !== subjects.length) throw partInvalid(where, 'incident.affected: a subject appears twice');
  const problem = incidentMilestoneOrderProblem(Object.fromEntries(i.milestones.map((m) => [m.name, m.at])));
  if (problem) throw partInvalid(where, `incident.milestones: ${problem}`);
  if (part.window.from > part.window.to) throw partInvalid(where, 'window: from is after to');
}

/** Every non-blank line of a JSON Lines part, parsed within the nesting limit. */
function jsonLines(bytes: Buffer, part: string): JsonLines {
  const out: JsonLines = [];
  const text = bytes.toString('utf8');
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    if (raw.trim() === '') continue;
    out.push({ line, value: parseJson(raw, `${part} line ${line}`) });
  }
  return out;
}

/** What parseIncidentParts is given: a read bundle's parts, their media types, and (to spare a second parse) the JSON the reader parsed. */
export interface IncidentPartsInput {
  parts: ReadonlyMap<string, Buffer>;
  /** By part name: the manifest's media type. */
  mediaTypes: ReadonlyMap<string, string>;
  /** ReadBundle.json (readBundle's keepJson), when there. */
  json?: ReadonlyMap<string, unknown>;
}

/**
 * The model of a bundle's parts, each checked against its schema; BUNDLE_INVALID naming the
 * part (and line) otherwise. Parts an incident bundle does not have, or with another media type,
 * are refused too: nothing unknown is kept "for review".
 */
export function parseIncidentParts(input: IncidentPartsInput, subject: string): IncidentData {
  const { parts, mediaTypes, json } = input;
  for (const name of parts.keys()) {
    if (!REQUIRED.includes(name as (typeof REQUIRED)[number]) && !OPTIONAL.includes(name as (typeof OPTIONAL)[number])) throw partInvalid(name, 'is not a part of an incident bundle');
    const type = (mediaTypes.get(name) ?? '').split(';')[0]!.trim();
    if (type !== MEDIA_TYPE[name]) throw partInvalid(name, `has media type ${JSON.stringify(type)}, expected ${MEDIA_TYPE[name]}`);
  }
  const need = (name: string) => {
    const b = parts.get(name);
    if (!b) throw partInvalid(name, 'is missing: an incident bundle has it');
    return b;
  };
  // What the reader parsed is used as it is (the media types above are the ones it parsed them as).
  const doc = <S extends z.ZodType>(name: string, schema: S) => {
    const bytes = need(name);
    return checkPart(schema, json?.has(name) ? json.get(name) : parseJson(bytes.toString('utf8'), name), name);
  };
  const lines = (name: string) => {
    const bytes = need(name);
    return json?.has(name) ? (json.get(name) as JsonLines) : jsonLines(bytes, name);
  };
  const incident = doc(PART.incident, IncidentPart);
  checkIncident(incident, subject);
  const events = lines(PART.events).map(({ line, value }): BundleEvent => ({ ...eventOfLine(value, `${PART.events} line ${line}`), origin: null }));
  const auditLines = lines(PART.audit).map(({ value }) => value);
  return {
    incident,
    events,
    runs: doc(PART.runs, RunsPart),
    inventory: doc(PART.inventory, InventoryPart),
    history: doc(PART.history, HistoryPart),
    audit: parseAuditWindow(auditLines, PART.audit),
  };
}
