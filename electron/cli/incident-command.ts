/**
 * `fleetops incident list|show|ack|resolve|close|note|export|import`: the incidents of a data
 * directory, from a terminal, with or without a console running (the store is shared: what one
 * does, the other shows). Exit status: 0 done, 3 the command could not run (no store, no such
 * incident, an edit refused, bad options); import: 1 for a bundle signed by a key not trusted
 * (incident-bundle-command.ts). `--inventory` of a lab names the lab's own data directory.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type Database from 'better-sqlite3';
import { toErrorData } from '../../shared/errors';
import { IncidentExportFormat, IncidentStatus, type IncidentView } from '../../shared/incident';
import { osAuditIdentity } from '../core/audit/identity';
import { fleetMigrations } from '../core/fleet/builtin-features';
import { IncidentStore } from '../core/incidents/incident-store';
import { openConnection } from '../core/store/connection';
import { DEFAULT_STORE_FILE, openStore } from '../core/store/open-store';
import { chooseDataDir } from './data-dir';
import { exportIncidentCommand, importIncidentCommand } from './incident-bundle-command';
import type { CliIo } from './io';
import { defaultDataDir } from './runtime-env';

export const INCIDENT_USAGE = `Usage:
  fleetops incident list [--status open|resolved|closed] [--json]   newest first
  fleetops incident show ID [--json]                                 milestones, affected subjects, notes, derived times
  fleetops incident ack ID | resolve ID | close ID                   as you (user@host)
  fleetops incident note ID --text TEXT
  fleetops incident export ID --out FILE [--format bundle|md|html|csv]
                                                                     a signed bundle (default) for offline review, or a report:
                                                                     Markdown, one self-contained HTML page, CSV of the events
  fleetops incident import FILE [--trust]                            a bundle checked part by part and imported whole, or refused;
                                                                     --trust accepts a signer you do not trust, for this bundle
each with [--data-dir DIR | --inventory FILE]. Default DIR: ${defaultDataDir()}.
Exit status: 0 done, 3 the command could not run; import: 1 signed by a key you do not trust.`;

/** Every option it parses (the usage texts and the README list each: test/unit/readme.test.ts). */
export const INCIDENT_OPTIONS = {
  'data-dir': { type: 'string' },
  inventory: { type: 'string', short: 'i' },
  status: { type: 'string' },
  text: { type: 'string' },
  out: { type: 'string', short: 'o' },
  format: { type: 'string' },
  trust: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ACTIONS = ['list', 'show', 'ack', 'resolve', 'close', 'note', 'export', 'import'] as const;

export async function runIncidentCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: INCIDENT_OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    return usageError(io, (err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return (io.out(INCIDENT_USAGE), 0);
  const [action, id, ...extra] = positionals;
  if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) return usageError(io, action === undefined ? 'which action?' : `unknown action "${action}"`);
  if (action === 'list' ? id !== undefined : id === undefined || extra.length > 0) return usageError(io, action === 'list' ? 'list takes no id' : action === 'import' ? 'name one bundle file' : 'name one incident id');
  if (action === 'note' && !values.text) return usageError(io, 'note needs --text');
  if (action === 'export' && !values.out) return usageError(io, 'export needs --out FILE');
  const format = IncidentExportFormat.safeParse(values.format ?? 'bundle');
  if (!format.success) return usageError(io, `--format must be bundle, md, html or csv, got "${values.format}"`);
  const status = values.status === undefined ? undefined : IncidentStatus.safeParse(values.status);
  if (status && !status.success) return usageError(io, `--status must be open, resolved or closed, got "${values.status}"`);
  if (values['data-dir'] !== undefined && values.inventory !== undefined) return usageError(io, 'use either --data-dir or --inventory, not both');
  const inventoryPath = values.inventory === undefined ? null : resolve(values.inventory);
  const { dataDir } = chooseDataDir({ dataDir: values['data-dir'], inventoryPath });
  if (action === 'export') return exportIncidentCommand({ dataDir, id: id!, out: values.out!, format: format.data, inventoryPath }, io);
  // Import makes the store when there is none: a reviewer's fresh data directory.
  if (action === 'import') return (await importIncidentCommand({ dataDir, file: id!, trust: values.trust ?? false }, io)).code;
  const file = join(dataDir, DEFAULT_STORE_FILE);
  if (!existsSync(file)) {
    io.err(`fleetops incident: no fleetops store at ${file} (use --data-dir DIR, or --inventory FILE of a lab)`);
    return 3;
  }
  try {
    // With every migration: an older data directory gets the incident tables (empty). Its audit
    // log records what a person does here, as the console's does.
    const fleetStore = openStore(dataDir, { migrations: fleetMigrations() });
    const db = openConnection(file, { fileMustExist: true });
    try {
      const store = new IncidentStore(db, Date.now, undefined, fleetStore.audit);
      const who = osAuditIdentity();
      const by = `${who.user}@${who.host}`;
      if (action === 'list') {
        const list = store.list({ status: status?.success ? status.data : undefined });
        if (values.json) io.out(JSON.stringify(list, null, 2));
        else if (list.length === 0) io.out('no incidents');
        else for (const i of list) io.out(`${i.id}  ${i.status.padEnd(8)} ${i.severity}  ${new Date(i.startedAt).toISOString()}  ${i.subjects} subject(s)  ${i.title}${i.imported ? '  (imported)' : ''}`);
        return 0;
      }
      const view =
        action === 'show' ? store.get(id!) : action === 'ack' ? store.acknowledge(id!, by) : action === 'resolve' ? store.resolve(id!, by) : action === 'close' ? store.close(id!, by) : store.note(id!, values.text!, by);
      io.out(values.json ? JSON.stringify(view, null, 2) : formatIncident(view));
      return 0;
    } finally {
      db.close();
      fleetStore.close();
    }
  } catch (err) {
    const e = toErrorData(err);
    io.err(`fleetops incident ${action}: ${e.code}: ${e.message}`);
    return 3;
  }
}

export function formatIncident(v: IncidentView): string {
  const t = (ms: number) => new Date(ms).toISOString();
  const s = (x: number | null) => (x === null ? '–' : `${x} s`);
  return [
    `${v.id}  ${v.title}`,
    `${v.status} · ${v.severity} (${v.severityReason}) · ${v.scope} · opened by ${v.openedBy}`,
    ...(v.imported ? [`imported ${t(v.imported.importedAt)} by ${v.imported.importedBy} from a bundle exported ${v.imported.exportedAt} by ${v.imported.exportedBy}, signed by ${v.imported.signer} (${v.imported.signerTrust})`] : []),
    'milestones:',
    ...v.milestones.map((m) => `  ${m.name.padEnd(12)} ${t(m.at)}  ${m.source}${m.by ? ` (${m.by})` : ''}${m.original ? `  corrected; was ${t(m.original.at)} (${m.original.source})` : ''}`),
    `time to detect ${s(v.derived.detectSeconds)} · acknowledge ${s(v.derived.acknowledgeSeconds)} · mitigate ${s(v.derived.mitigateSeconds)} · resolve ${s(v.derived.resolveSeconds)}`,
    'affected:',
    ...v.affected.map((a) => `  ${a.kind} ${a.subject}: bad since ${t(a.firstBadAt)}, now ${a.health}`),
    ...(v.notes.length ? ['notes:', ...v.notes.map((n) => `  ${t(n.at)} ${n.by}: ${n.text}`)] : []),
  ].join('\n');
}

function usageError(io: CliIo, message: string): number {
  io.err(`fleetops incident: ${message}\n${INCIDENT_USAGE}`);
  return 3;
}
