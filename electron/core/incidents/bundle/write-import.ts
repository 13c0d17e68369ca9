/**
 * Writes a checked incident bundle into a data directory in ONE transaction: the incident (marked
 * with its origin), its milestones, notes and subjects, its events (each with the origin, so the
 * timeline never passes them for this fleet's), its history series (imported_history: see
 * incident-bundle-migration.ts for why not the live history tables), the import record and every
 * part as signed. Either all of it is there afterwards, or nothing is.
 *
 * The events go straight into the table, not through the console's event bus: the incident rule
 * must not take another fleet's node.health events for signals of this one.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { IncidentImported } from '../../../../shared/incident';
import type { ReadBundle } from '../../bundle/read-bundle';
import { createEventLog } from '../../store/event-log';
import type { IncidentData } from './incident-parts';

export interface ImportRecord extends IncidentImported {
  bundleSha256: string;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function writeImport(db: Database.Database, data: IncidentData, bundle: ReadBundle, record: ImportRecord): void {
  const i = data.incident.incident;
  const events = createEventLog(db);
  db.transaction(() => {
    db.prepare('INSERT INTO incidents (id, title, severity, severity_reason, scope, opened_by, status, started_at, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      i.id,
      i.title,
      i.severity,
      i.severityReason,
      i.scope,
      i.openedBy,
      i.status,
      i.startedAt,
      record.origin,
    );
    const milestone = db.prepare('INSERT INTO incident_milestones (incident_id, name, at, source, by, original) VALUES (?, ?, ?, ?, ?, ?)');
    for (const m of i.milestones) milestone.run(i.id, m.name, m.at, m.source, m.by, m.original === null ? null : JSON.stringify(m.original));
    const subject = db.prepare('INSERT INTO incident_subjects (incident_id, subject, kind, first_bad_at, health, changed_at) VALUES (?, ?, ?, ?, ?, ?)');
    for (const a of i.affected) subject.run(i.id, a.subject, a.kind, a.firstBadAt, a.health, a.changedAt);
    const note = db.prepare('INSERT INTO incident_notes (incident_id, at, by, text) VALUES (?, ?, ?, ?)');
    for (const n of i.notes) note.run(i.id, n.at, n.by, n.text);
    events.appendEvents(data.events.map((e) => ({ ts: e.ts, kind: e.kind, subject: e.subject, severity: e.severity, message: e.message, data: e.data, origin: record.origin })));
    const series = db.prepare('INSERT INTO imported_history (incident_id, seq, kind, subject, gpu, series) VALUES (?, ?, ?, ?, ?, ?)');
    data.history.series.forEach((s, seq) => series.run(i.id, seq, s.kind, s.subject, s.gpu, JSON.stringify(s)));
    db.prepare('INSERT INTO incident_imports (incident_id, origin, signer, signer_trust, bundle_sha256, exported_by, exported_at, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      i.id,
      record.origin,
      record.signer,
      record.signerTrust,
      record.bundleSha256,
      record.exportedBy,
      record.exportedAt,
      record.importedAt,
      record.importedBy,
    );
    const part = db.prepare('INSERT INTO incident_bundle_parts (incident_id, name, media_type, sha256, content) VALUES (?, ?, ?, ?, ?)');
    const manifest = Buffer.from(`${JSON.stringify(bundle.manifest, null, 2)}\n`, 'utf8');
    part.run(i.id, 'manifest.json', 'application/json', sha256(manifest), manifest);
    const signer = Buffer.from(bundle.signer.publicKeyPem, 'utf8');
    part.run(i.id, 'signer.pub.pem', 'application/x-pem-file', sha256(signer), signer);
    for (const p of bundle.manifest.parts) part.run(i.id, `parts/${p.name}`, p.mediaType, p.sha256, bundle.parts.get(p.name)!);
  })();
}
