/**
 * An incident exported from one data directory and imported into a fresh one
 * (electron/core/incidents/bundle/): the same timeline event for event (ts, kind, subject,
 * severity, message, data), each event carrying the bundle's origin; the same milestones (the
 * correction's original too), notes, subjects and history series; the runs, inventory and audit
 * window as parts. The same file again changes nothing; another bundle of the incident, or the
 * console's own incident, is refused. An imported incident is evidence: the rule neither joins
 * nor settles it, its milestones are not edited here (notes are), it is not re-exported as a
 * bundle, and its reports say where it came from. A signer not trusted is refused unless the
 * import says to trust it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadSigningKey } from '../../../../electron/core/bundle/signing-key';
import { trustSigner } from '../../../../electron/core/bundle/trusted-signers';
import { collectImportedIncident } from '../../../../electron/core/incidents/bundle/collect-incident';
import { exportIncident } from '../../../../electron/core/incidents/bundle/export-incident';
import { readImportedHistory } from '../../../../electron/core/incidents/bundle/history-window';
import { bundleOrigin, importIncidentBundle } from '../../../../electron/core/incidents/bundle/import-incident';
import { IncidentStore } from '../../../../electron/core/incidents/incident-store';
import { EXPORTED_AT, exported, INCIDENT_ID, makeIncident, MIN, openDataDir, rowCounts, signingKey, T, type DataDir } from './incident-fixture';

const root = mkdtempSync(join(tmpdir(), 'fleetops-incident-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const open: DataDir[] = [];
afterEach(() => open.splice(0).forEach((d) => d.close()));
let n = 0;
const dataDir = (host?: string) => {
  const d = openDataDir(join(root, `d${n++}`), host);
  open.push(d);
  return d;
};

const KEY = signingKey();
const comparable = (e: { ts: number; kind: string; subject: string | null; severity: string; message: string; data?: unknown }) => ({ ts: e.ts, kind: e.kind, subject: e.subject, severity: e.severity, message: e.message, data: e.data });

async function importInto(d: DataDir, bytes: Buffer, trust = true) {
  const own = await loadSigningKey(d.dir);
  return importIncidentBundle(bytes, { db: d.db, dataDir: d.dir, ownFingerprint: own.fingerprint, trust, importedBy: 'bob@review', now: EXPORTED_AT + 60 * MIN });
}

describe('an incident exported and imported into a fresh data directory', () => {
  it('has the same timeline event for event, milestones, notes, subjects and history; runs, inventory and audit as parts', async () => {
    const a = dataDir();
    makeIncident(a);
    const { data, bytes } = await exported(a, KEY);
    // The window's own events: its subjects and fleet-wide, not n9's, not those before or after it.
    expect(data.events.map((e) => e.subject)).not.toContain('n9');
    expect(data.events.some((e) => e.subject === null)).toBe(true);
    expect(data.events.every((e) => e.ts >= data.incident.window.from && e.ts <= data.incident.window.to)).toBe(true);
    expect(data.runs.runbookRuns.map((r) => r.id)).toEqual(['run-1']);
    expect(data.inventory).toMatchObject({ source: 'incident-opened', recordedAt: T });
    expect(data.history.source).toBe('raw');
    expect(data.history.series.map((s) => `${s.kind}:${s.subject}:${s.gpu}`)).toEqual(['node:n1:null', 'gpu:n1:0', 'gpu:n1:1', 'replica:r1:null']);
    expect(data.audit.entries.map((e) => e.kind)).toContain('run');

    const b = dataDir('console-b');
    const r = await importInto(b, bytes);
    expect(r.already).toBe(false);
    const origin = bundleOrigin(KEY.fingerprint, INCIDENT_ID);
    const imported = b.db.prepare('SELECT ts, kind, subject, severity, message, data, origin FROM events WHERE origin = ? ORDER BY ts, id').all(origin) as Array<{ ts: number; kind: string; subject: string | null; severity: string; message: string; data: string | null; origin: string }>;
    expect(imported.map((e) => comparable({ ...e, data: e.data === null ? undefined : JSON.parse(e.data) }))).toEqual(data.events.map(comparable));
    expect(imported).toHaveLength(data.events.length);

    const original = new IncidentStore(a.db).get(INCIDENT_ID);
    const view = new IncidentStore(b.db).get(INCIDENT_ID);
    expect({ ...view, imported: undefined }).toEqual({ ...original, imported: undefined });
    expect(view.milestones.find((m) => m.name === 'started')!.original).toMatchObject({ at: T, source: 'rule' });
    expect(view.imported).toMatchObject({ origin, signer: KEY.fingerprint, signerTrust: 'accepted', exportedBy: 'ops@console-a', importedBy: 'bob@review' });

    const series = (b.db.prepare('SELECT series FROM imported_history WHERE incident_id = ? ORDER BY seq').all(INCIDENT_ID) as Array<{ series: string }>).map((s) => JSON.parse(s.series) as unknown);
    expect(series).toEqual(data.history.series);
    // What the Timeline plots of it (incidents.history): the series the exporting console read, over the same window.
    const plotted = readImportedHistory(b.db, view, EXPORTED_AT + 60 * MIN);
    expect(plotted.series).toEqual(data.history.series);
    expect([plotted.from, plotted.to]).toEqual([data.history.from, data.history.to]);
    // Into imported_history, not the live history: this fleet's history is untouched.
    expect(rowCounts(b).history_raw).toBe(0);
    const parts = (b.db.prepare('SELECT name FROM incident_bundle_parts WHERE incident_id = ? ORDER BY name').all(INCIDENT_ID) as Array<{ name: string }>).map((p) => p.name);
    expect(parts).toEqual(['manifest.json', 'parts/audit.jsonl', 'parts/events.otel.jsonl', 'parts/history.json', 'parts/incident.json', 'parts/inventory.json', 'parts/report.html', 'parts/report.md', 'parts/runs.json', 'signer.pub.pem']);
    // Its model read back from the kept parts is the one exported (events with their origin now).
    const back = collectImportedIncident(b.db, view);
    expect(back.events.map(comparable)).toEqual(data.events.map(comparable));
    expect(back.runs).toEqual(data.runs);
    expect(back.audit).toEqual(data.audit);
    expect(back.inventory).toEqual(data.inventory);
  });

  it('the same file again changes nothing; another bundle of the incident, or the console’s own incident, is refused', async () => {
    const a = dataDir();
    makeIncident(a);
    const { bytes } = await exported(a, KEY);
    const b = dataDir('console-b');
    await importInto(b, bytes);
    const before = rowCounts(b);
    const again = await importInto(b, bytes);
    expect(again.already).toBe(true);
    expect(rowCounts(b)).toEqual(before);
    a.clock.ms = EXPORTED_AT + 1000;
    const later = (await exported(a, KEY)).bytes;
    await expect(importInto(b, later)).rejects.toThrow(/is already here, imported from another bundle .*nothing was imported/);
    await expect(importInto(a, bytes)).rejects.toThrow(/is this console's own/);
    expect(rowCounts(b)).toEqual(before);
  });

  it('is evidence: the rule neither joins nor settles it, no edits but notes, no bundle of it, reports say where it came from', async () => {
    const a = dataDir();
    makeIncident(a);
    const b = dataDir('console-b');
    // Imported while still open where it came from.
    const store = new IncidentStore(a.db);
    a.db.prepare("UPDATE incidents SET status = 'open' WHERE id = ?").run(INCIDENT_ID);
    a.db.prepare("DELETE FROM incident_milestones WHERE incident_id = ? AND name IN ('mitigated', 'resolved')").run(INCIDENT_ID);
    expect(store.get(INCIDENT_ID).status).toBe('open');
    await importInto(b, (await exported(a, KEY)).bytes);
    let clock = EXPORTED_AT;
    const local = new IncidentStore(b.db, () => clock);
    // This fleet's own n1 turning bad opens its own incident for region r, beside the imported open one.
    const [mine] = local.signal({ subject: 'n1', kind: 'node', health: 'unreachable', at: clock, region: 'r', protected: false });
    expect(mine).not.toBe(INCIDENT_ID);
    local.signal({ subject: 'n1', kind: 'node', health: 'healthy', at: clock, region: 'r', protected: false });
    clock += 60 * MIN;
    local.settle(MIN);
    expect(local.get(INCIDENT_ID).status).toBe('open');
    expect(local.get(INCIDENT_ID).affected.find((s) => s.subject === 'n1')!.health).toBe('healthy');
    expect(local.openOn(['r1'])).toBeNull();
    expect(() => local.acknowledge(INCIDENT_ID, 'bob')).toThrow(/imported from a bundle/);
    expect(() => local.setMilestone(INCIDENT_ID, 'resolved', clock, 'bob')).toThrow(/imported from a bundle/);
    expect(local.note(INCIDENT_ID, 'reviewed', 'bob').notes.at(-1)).toMatchObject({ text: 'reviewed', by: 'bob' });
    const view = local.get(INCIDENT_ID);
    const data = collectImportedIncident(b.db, view);
    const html = (await exportIncident(data, 'html', { host: 'console-b', imported: view.imported })).bytes.toString();
    expect(html).toContain('data-imported');
    expect(html).toContain(KEY.fingerprint);
    expect(html).toContain('reviewed');
  });

  it('a signer not trusted is refused naming it and how to trust it; with trust it is accepted; a trusted one is trusted', async () => {
    const a = dataDir();
    makeIncident(a);
    const { bytes } = await exported(a, KEY);
    const b = dataDir('console-b');
    const before = rowCounts(b);
    const refused = (await importInto(b, bytes, false).catch((e: unknown) => e)) as { code: string; message: string };
    expect(refused).toMatchObject({ code: 'BUNDLE_UNTRUSTED' });
    expect(refused.message).toMatch(new RegExp(`^signed by ${KEY.fingerprint.replace(/[+/]/g, '\\$&')} — not a key you trust \\(.*bundle trust`));
    expect(rowCounts(b)).toEqual(before);
    await trustSigner(b.dir, KEY.publicPem, 'console-a');
    expect((await importInto(b, bytes, false)).view.imported?.signerTrust).toBe('trusted');
  });
});
