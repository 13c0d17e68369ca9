/**
 * Imports an incident bundle into a data directory, or refuses it with nothing written:
 *
 * 1. the bundle reader's checks (electron/core/bundle/read-bundle.ts: limits for hostile files,
 *    the signature, every part's SHA-256 and size, UTF-8, JSON nesting) — nothing is extracted;
 * 2. every part against its schema, naming the part and line (incident-parts.ts), and the audit
 *    window's hash chain on its own (audit-window.ts);
 * 3. the signer: this console's key or one it trusts, or accepted for this import only when the
 *    caller says so (`--trust`, `trust: true`); otherwise BUNDLE_UNTRUSTED naming the key and the
 *    command that trusts it;
 * 4. the incident must not be here already: the same bundle file again returns it as it is (an
 *    import is idempotent), another bundle of the same incident, or this console's own incident,
 *    is refused saying which;
 * 5. one transaction (write-import.ts).
 * The caller audits it (`incident.imported`) once it is in.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { FleetError } from '../../../../shared/errors';
import type { IncidentView } from '../../../../shared/incident';
import type { BundleLimits } from '../../bundle/bundle-format';
import { readBundle } from '../../bundle/read-bundle';
import { signerTrust } from '../../bundle/trusted-signers';
import { IncidentStore } from '../incident-store';
import { parseIncidentParts } from './incident-parts';
import { partInvalid } from './part-check';
import { writeImport } from './write-import';

export interface ImportIncidentOptions {
  db: Database.Database;
  /** Where trusted-signers.json is. */
  dataDir: string;
  /** This console's own key's fingerprint. */
  ownFingerprint: string;
  /** Accept a signer this console does not trust, for this import only. */
  trust?: boolean;
  /** user@host. */
  importedBy: string;
  now: number;
  /** How the reader trusts the signer, said in the refusal (the CLI names the file). */
  trustHint?: string;
  limits?: BundleLimits;
}

export interface ImportedIncident {
  view: IncidentView;
  /** The same bundle had been imported before: nothing was written now. */
  already: boolean;
  signer: string;
  bundleSha256: string;
  events: number;
}

/** "bundle:<signer fingerprint>:<incident id>": what the imported events and incident carry. */
export const bundleOrigin = (signer: string, incidentId: string) => `bundle:${signer}:${incidentId}`;

export async function importIncidentBundle(file: Buffer, opts: ImportIncidentOptions): Promise<ImportedIncident> {
  const bundle = await readBundle(file, opts.limits, { keepJson: true });
  const { manifest } = bundle;
  if (manifest.kind !== 'incident') throw partInvalid('manifest.json', `is a ${manifest.kind} bundle, not an incident's`);
  const data = parseIncidentParts({ parts: bundle.parts, mediaTypes: new Map(manifest.parts.map((p) => [p.name, p.mediaType])), json: bundle.json }, manifest.subject);
  // The parsed JSON is in `data` now (checked); the reader's copy can go.
  bundle.json?.clear();
  const signer = bundle.signer.fingerprint;
  const trust = await signerTrust(opts.dataDir, signer, opts.ownFingerprint);
  if (trust === 'unknown' && !opts.trust) {
    throw new FleetError('BUNDLE_UNTRUSTED', `signed by ${signer} — not a key you trust (${opts.trustHint ?? 'trust it with `fleetops bundle trust FILE`, or import it with trust'})`, {
      subject: signer,
      detail: { signer, incident: manifest.subject, createdBy: manifest.createdBy },
    });
  }
  const id = data.incident.incident.id;
  const bundleSha256 = createHash('sha256').update(file).digest('hex');
  const store = new IncidentStore(opts.db);
  const existing = opts.db.prepare('SELECT i.origin AS origin, m.bundle_sha256 AS sha, m.exported_at AS exportedAt FROM incidents i LEFT JOIN incident_imports m ON m.incident_id = i.id WHERE i.id = ?').get(id) as
    | { origin: string | null; sha: string | null; exportedAt: string | null }
    | undefined;
  if (existing) {
    if (existing.sha === bundleSha256) return { view: store.get(id), already: true, signer, bundleSha256, events: data.events.length };
    throw new FleetError(
      'BAD_REQUEST',
      existing.origin === null
        ? `incident ${id} is this console's own: it is not imported over itself`
        : `incident ${id} is already here, imported from another bundle (exported ${existing.exportedAt}, ${existing.origin}): nothing was imported`,
      { subject: id },
    );
  }
  writeImport(opts.db, data, bundle, {
    origin: bundleOrigin(signer, id),
    signer,
    signerTrust: trust === 'unknown' ? 'accepted' : trust,
    exportedBy: manifest.createdBy,
    exportedAt: manifest.createdAt,
    importedAt: opts.now,
    importedBy: opts.importedBy,
    bundleSha256,
  });
  return { view: store.get(id), already: false, signer, bundleSha256, events: data.events.length };
}
