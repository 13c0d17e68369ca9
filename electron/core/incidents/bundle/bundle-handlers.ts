/**
 * `incidents.export` and `incidents.import`, the console's side of export and offline review
 * (the renderer's Export button and drag-and-drop). Both on the audit record: what left the
 * console (`incident.exported`: format, file, SHA-256) and what came in (`incident.imported`:
 * signer, how it was trusted, the bundle's SHA-256) — refusals too (`incident.import.refused`),
 * since a tampered bundle offered to a console is worth knowing about.
 *
 * Importing is a change of what this console holds and, with `trust`, of whom it believes, so
 * the global read-only switch refuses it (a review workspace is read-only: `fleetops review`).
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { FleetError, toErrorData } from '../../../../shared/errors';
import type { IncidentView } from '../../../../shared/incident';
import type { AuditLog } from '../../audit/audit-log';
import type { SigningKey } from '../../bundle/signing-key';
import type { LoadedInventory } from '../../inventory/load-inventory';
import type { Handlers } from '../../rpc/handlers';
import type { IncidentStore } from '../incident-store';
import { collectImportedIncident, collectLocalIncident } from './collect-incident';
import { exportIncident } from './export-incident';
import { incidentRunSubjects, linkedRunIds, linkedRuns, readIncidentRuns } from './incident-runs';
import { subjectAsItWas } from './subject-as-it-was';
import { HISTORY_MARGIN_MS, readHistoryWindow, readImportedHistory } from './history-window';
import { incidentWindow } from '../../timeline/incident-window';
import { importIncidentBundle } from './import-incident';
import type { BundleEvent } from './otel-log-record';

export interface IncidentBundleNeeds {
  /** The data directory: its signing key and trusted signers. */
  dataDir: string;
  signingKey: () => Promise<SigningKey>;
  /** An incident's events, oldest first (the timeline's incident filter, this console's own). */
  events: (incidentId: string) => BundleEvent[];
  /** Whether the global read-only switch is on now. */
  readOnly: () => boolean;
  /** Writes the readings the history holds in memory (its last seconds), so what is read of it is complete up to now. */
  flushHistory?: () => void;
}

export interface BundleHandlerDeps {
  db: Database.Database;
  store: IncidentStore;
  audit: Pick<AuditLog, 'append'>;
  inventory: () => LoadedInventory | null;
  /** user@host of this process. */
  who: string;
  host: string;
  now: () => number;
  publish: (view: IncidentView) => IncidentView;
}

/** The history's last seconds written first; a failed write (reported by the history itself) leaves what is already there to read. */
function flushHistory(needs: IncidentBundleNeeds | undefined): void {
  try {
    needs?.flushHistory?.();
  } catch {
    // The history store reports its own write failures (history.write.failed).
  }
}

const windowOf = (view: IncidentView, now: number): [number, number] => {
  const w = incidentWindow(view, now);
  return [w.from, w.to];
};

type BundleMethod = 'incidents.export' | 'incidents.import' | 'incidents.history' | 'incidents.runs' | 'incidents.subject';

export function incidentBundleHandlers(needs: IncidentBundleNeeds | undefined, deps: BundleHandlerDeps): Pick<Handlers, BundleMethod> {
  const configured = (): IncidentBundleNeeds => {
    if (!needs) throw new FleetError('INTERNAL', 'this console was started without bundle support (no data directory for its signing key)');
    return needs;
  };
  return {
    'incidents.subject': async ({ id, subject }) => subjectAsItWas(deps.db, deps.store.get(id), subject),
    'incidents.runs': async ({ id }) => {
      const view = deps.store.get(id);
      if (view.imported) return linkedRuns(collectImportedIncident(deps.db, view).runs);
      return linkedRuns(readIncidentRuns(deps.db, incidentRunSubjects(view), ...windowOf(view, deps.now()), deps.now(), id), linkedRunIds(deps.db, id));
    },
    'incidents.history': async ({ id }) => {
      const view = deps.store.get(id);
      if (view.imported) return readImportedHistory(deps.db, view, deps.now());
      flushHistory(needs);
      const { from, to } = incidentWindow(view, deps.now());
      return readHistoryWindow(deps.db, view.affected, from - HISTORY_MARGIN_MS, to + HISTORY_MARGIN_MS);
    },
    'incidents.export': async ({ id, format }) => {
      const n = configured();
      const view = deps.store.get(id);
      flushHistory(n);
      const now = deps.now();
      const data = view.imported
        ? collectImportedIncident(deps.db, view)
        : collectLocalIncident(id, { db: deps.db, incidents: deps.store, events: n.events, inventory: deps.inventory(), now, exportedBy: deps.who });
      if (view.imported && format === 'bundle') throw new FleetError('BAD_REQUEST', `incident ${id} was imported from a bundle signed by ${view.imported.signer}: share that bundle, or export a report of it (md, html, csv)`, { subject: id });
      const file = await exportIncident(data, format, { key: n.signingKey, host: deps.host, imported: view.imported ?? null });
      deps.audit.append({
        kind: 'incident.exported',
        subject: id,
        detail: { by: deps.who, format, fileName: file.fileName, bytes: file.bytes.length, sha256: createHash('sha256').update(file.bytes).digest('hex'), events: data.events.length },
      });
      return { fileName: file.fileName, mediaType: file.mediaType, base64: file.bytes.toString('base64') };
    },
    'incidents.import': async ({ base64, trust }) => {
      const n = configured();
      const file = Buffer.from(base64, 'base64');
      const sha256 = createHash('sha256').update(file).digest('hex');
      try {
        if (n.readOnly()) throw new FleetError('READ_ONLY', 'read-only mode is on (global switch): importing a bundle adds another console’s incident and events here; turn read-only off to import');
        const key = await n.signingKey();
        const r = await importIncidentBundle(file, {
          db: deps.db,
          dataDir: n.dataDir,
          ownFingerprint: key.fingerprint,
          trust,
          importedBy: deps.who,
          now: deps.now(),
          trustHint: 'import it again choosing to trust it for this bundle, or trust the key for good with `fleetops bundle trust FILE`',
        });
        if (!r.already) {
          deps.audit.append({ kind: 'incident.imported', subject: r.view.id, detail: { by: deps.who, signer: r.signer, signerTrust: r.view.imported?.signerTrust ?? null, origin: r.view.imported?.origin ?? null, bundleSha256: sha256, events: r.events } });
        }
        return deps.publish(r.view);
      } catch (err) {
        const e = toErrorData(err);
        deps.audit.append({ kind: 'incident.import.refused', subject: null, detail: { by: deps.who, bundleSha256: sha256, bytes: file.length, code: e.code, reason: e.message } });
        throw err;
      }
    },
  };
}
