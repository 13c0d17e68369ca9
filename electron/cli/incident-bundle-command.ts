/**
 * `fleetops incident export ID --out FILE [--format bundle|md|html|csv]` and `fleetops incident
 * import FILE [--trust]`: the CLI's side of electron/core/incidents/bundle/, on a data directory
 * with or without a console running. Export writes the signed bundle (default) or a report;
 * import checks the bundle whole and writes it in one transaction, or refuses it with nothing
 * written. Both are on the data directory's audit record (incident.exported, incident.imported).
 * Exit status of import: 0 imported (or imported before: the same file), 1 intact but signed by
 * a key this data directory does not trust (use --trust or `fleetops bundle trust`), 3 refused
 * (the part and what is wrong) or it could not run.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { toErrorData } from '../../shared/errors';
import type { IncidentExportFormat } from '../../shared/incident';
import { osAuditIdentity } from '../core/audit/identity';
import { loadSigningKey } from '../core/bundle/signing-key';
import { fleetMigrations } from '../core/fleet/builtin-features';
import { ReadOnlySwitch } from '../core/gate/read-only-switch';
import { collectLocalIncident, collectImportedIncident } from '../core/incidents/bundle/collect-incident';
import { exportIncident } from '../core/incidents/bundle/export-incident';
import { importIncidentBundle } from '../core/incidents/bundle/import-incident';
import { incidentEventSource } from '../core/incidents/bundle/incident-events';
import { IncidentStore } from '../core/incidents/incident-store';
import { loadInventoryFile, type LoadedInventory } from '../core/inventory/load-inventory';
import { openConnection } from '../core/store/connection';
import { DEFAULT_STORE_FILE, openStore, type Store } from '../core/store/open-store';
import type { CliIo } from './io';
import { inventoryEnvFromProcess, secretFromEnv } from './runtime-env';

/** The store (for its audit log) and a connection of our own for the incident tables, closed together. */
async function withStore<T>(dataDir: string, fn: (store: Store, db: Database.Database) => Promise<T>): Promise<T> {
  // With every migration: an older data directory gets the tables it lacks (empty).
  const store = openStore(dataDir, { migrations: fleetMigrations() });
  const db = openConnection(join(dataDir, DEFAULT_STORE_FILE), { fileMustExist: true });
  db.pragma('foreign_keys = ON');
  try {
    return await fn(store, db);
  } finally {
    db.close();
    store.close();
  }
}

const who = () => {
  const id = osAuditIdentity();
  return { by: `${id.user}@${id.host}`, host: id.host };
};

export interface ExportArgs {
  dataDir: string;
  id: string;
  out: string;
  format: IncidentExportFormat;
  /** The inventory to fall back on when none was recorded when the incident opened. */
  inventoryPath: string | null;
}

export async function exportIncidentCommand(a: ExportArgs, io: CliIo): Promise<number> {
  if (!existsSync(join(a.dataDir, DEFAULT_STORE_FILE))) {
    io.err(`fleetops incident export: no fleetops store at ${join(a.dataDir, DEFAULT_STORE_FILE)} (use --data-dir DIR, or --inventory FILE of a lab)`);
    return 3;
  }
  let inventory: LoadedInventory | null = null;
  if (a.inventoryPath !== null) {
    try {
      inventory = await loadInventoryFile(a.inventoryPath, inventoryEnvFromProcess());
    } catch (err) {
      io.err(`fleetops incident export: the inventory ${a.inventoryPath} does not load (${toErrorData(err).message}); exporting without it`);
    }
  }
  try {
    return await withStore(a.dataDir, async (store, db) => {
      const incidents = new IncidentStore(db);
      const view = incidents.get(a.id);
      const { by, host } = who();
      const now = Date.now();
      const data = view.imported ? collectImportedIncident(db, view) : collectLocalIncident(a.id, { db, incidents, events: incidentEventSource(db), inventory, now, exportedBy: by });
      if (view.imported && a.format === 'bundle') {
        io.err(`fleetops incident export: incident ${a.id} was imported from a bundle signed by ${view.imported.signer}: share that bundle, or export a report of it (--format md, html or csv)`);
        return 3;
      }
      const key = a.format === 'bundle' ? await loadSigningKey(a.dataDir, secretFromEnv()) : null;
      const file = await exportIncident(data, a.format, { key: key ? async () => key : undefined, host, imported: view.imported ?? null });
      const out = resolve(a.out);
      await writeFile(out, file.bytes);
      store.audit.append({ kind: 'incident.exported', subject: a.id, detail: { by, format: a.format, file: out, bytes: file.bytes.length, events: data.events.length } });
      const signed = key ? `, signed by ${key.fingerprint}` : '';
      io.err(`wrote incident ${a.id} (${data.events.length} events) as ${a.format} to ${out}${signed}`);
      return 0;
    });
  } catch (err) {
    const e = toErrorData(err);
    io.err(`fleetops incident export: ${e.code}: ${e.message}`);
    return 3;
  }
}

export interface ImportArgs {
  dataDir: string;
  file: string;
  trust: boolean;
}

/** Imports FILE; `quiet` leaves the success line out (review prints its own). Returns the exit status and, when imported, the incident id. */
export async function importIncidentCommand(a: ImportArgs, io: CliIo, quiet = false): Promise<{ code: number; id: string | null }> {
  const path = resolve(a.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    io.err(`fleetops incident import: cannot read ${path}: ${(err as Error).message}`);
    return { code: 3, id: null };
  }
  try {
    return await withStore(a.dataDir, async (store, db) => {
      const { by } = who();
      const refuse = (code: string, reason: string) => store.audit.append({ kind: 'incident.import.refused', subject: null, detail: { by, file: path, code, reason } });
      const readOnly = new ReadOnlySwitch({ settings: store.settings, audit: store.audit, record: (e) => store.appendEvent(e), now: Date.now }).stored();
      if (readOnly.global) {
        refuse('READ_ONLY', 'read-only mode is on');
        io.err(`fleetops incident import: read-only mode is on (global switch) for ${a.dataDir}: importing adds another console's incident here; turn read-only off to import`);
        return { code: 3, id: null };
      }
      const key = await loadSigningKey(a.dataDir, secretFromEnv());
      try {
        const r = await importIncidentBundle(bytes, { db, dataDir: a.dataDir, ownFingerprint: key.fingerprint, trust: a.trust, importedBy: by, now: Date.now(), trustHint: `to trust it: fleetops bundle trust ${a.file}, or import with --trust` });
        if (!r.already) store.audit.append({ kind: 'incident.imported', subject: r.view.id, detail: { by, file: path, signer: r.signer, signerTrust: r.view.imported?.signerTrust ?? null, bundleSha256: r.bundleSha256, events: r.events } });
        if (!quiet) {
          io.out(
            r.already
              ? `incident ${r.view.id} (${r.view.title}) was imported from this same bundle before: nothing changed`
              : `imported incident ${r.view.id} (${r.view.title}): ${r.events} events, signed by ${r.signer} (${r.view.imported?.signerTrust === 'accepted' ? 'accepted with --trust' : r.view.imported?.signerTrust === 'own' ? "this data directory's own key" : 'a trusted key'})`,
          );
        }
        return { code: 0, id: r.view.id };
      } catch (err) {
        const e = toErrorData(err);
        refuse(e.code, e.message);
        io.err(`fleetops incident import: ${path} refused: ${e.code}: ${e.message}`);
        return { code: e.code === 'BUNDLE_UNTRUSTED' ? 1 : 3, id: null };
      }
    });
  } catch (err) {
    const e = toErrorData(err);
    io.err(`fleetops incident import: ${e.code}: ${e.message}`);
    return { code: 3, id: null };
  }
}
