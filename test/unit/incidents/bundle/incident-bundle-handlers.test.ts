/**
 * `incidents.export` and `incidents.import` as the incidents feature answers them (what the
 * renderer's Export button and drag-and-drop call): a file per format (base64, its name and media
 * type), each export on the audit record; an import refused while read-only is on, refused for a
 * signer not trusted unless `trust`, each refusal audited; an imported incident pushed and
 * audited, and only reports of it exported (not a bundle).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSigningKey } from '../../../../electron/core/bundle/signing-key';
import { incidentEventSource } from '../../../../electron/core/incidents/bundle/incident-events';
import { incidentsFeature } from '../../../../electron/core/incidents/incidents-feature';
import { EXPORTED_AT, INCIDENT_ID, makeIncident, openDataDir, type DataDir } from './incident-fixture';

const root = mkdtempSync(join(tmpdir(), 'fleetops-incident-handlers-'));
const open: DataDir[] = [];
afterAll(() => {
  open.forEach((d) => d.close());
  rmSync(root, { recursive: true, force: true });
});

function feature(d: DataDir, readOnly = { on: false }) {
  const pushed: string[] = [];
  const f = incidentsFeature({
    db: d.db,
    inventory: () => null,
    subscribe: () => () => undefined,
    identity: { user: 'ops', host: d.dir.endsWith('a') ? 'console-a' : 'console-b' },
    audit: d.store.audit,
    push: (event, payload) => pushed.push(`${event} ${(payload as { id: string }).id}`),
    now: () => EXPORTED_AT,
    bundles: { dataDir: d.dir, signingKey: () => loadSigningKey(d.dir), events: incidentEventSource(d.db, () => EXPORTED_AT), readOnly: () => readOnly.on },
  });
  return { handlers: f.handlers!, pushed };
}

const audited = (d: DataDir, kind: string) => d.store.audit.list({ limit: 100 }).filter((e) => e.kind === kind);

describe('incidents.export / incidents.import', () => {
  it('exports every format as a named file, audited; imports it elsewhere once trusted, pushed and audited; refusals audited', async () => {
    const a = openDataDir(join(root, 'a'));
    open.push(a);
    makeIncident(a);
    const { handlers } = feature(a);
    const files = Object.fromEntries(await Promise.all((['bundle', 'md', 'html', 'csv'] as const).map(async (format) => [format, await handlers['incidents.export']({ id: INCIDENT_ID, format })])));
    expect(files.bundle).toMatchObject({ fileName: 'incident-0b7d4c1e-20261204T1159Z.bundle.tar.gz', mediaType: 'application/gzip' });
    expect(files.md.mediaType).toBe('text/markdown; charset=utf-8');
    expect(Buffer.from(files.html.base64, 'base64').toString()).toMatch(/^<!DOCTYPE html>/);
    expect(Buffer.from(files.csv.base64, 'base64').toString()).toMatch(/^time_utc,ts_ms,severity,kind,subject,message,event_id,origin,data\r\n/);
    expect(audited(a, 'incident.exported').map((e) => (e.detail as { format: string }).format).sort()).toEqual(['bundle', 'csv', 'html', 'md']);

    const b = openDataDir(join(root, 'b'));
    open.push(b);
    const readOnly = { on: true };
    const target = feature(b, readOnly);
    const base64 = files.bundle.base64;
    await expect(target.handlers['incidents.import']({ base64 })).rejects.toMatchObject({ code: 'READ_ONLY' });
    readOnly.on = false;
    await expect(target.handlers['incidents.import']({ base64 })).rejects.toMatchObject({ code: 'BUNDLE_UNTRUSTED', message: expect.stringMatching(/^signed by SHA256:\S+ — not a key you trust/) });
    const tampered = Buffer.from(base64, 'base64');
    tampered[tampered.length - 20] ^= 1;
    await expect(target.handlers['incidents.import']({ base64: tampered.toString('base64'), trust: true })).rejects.toMatchObject({ code: 'BUNDLE_INVALID' });
    expect(audited(b, 'incident.import.refused').map((e) => (e.detail as { code: string }).code)).toEqual(['BUNDLE_INVALID', 'BUNDLE_UNTRUSTED', 'READ_ONLY']);
    expect(b.db.prepare('SELECT count(*) AS n FROM incidents').get()).toEqual({ n: 0 });

    const view = await target.handlers['incidents.import']({ base64, trust: true });
    expect(view).toMatchObject({ id: INCIDENT_ID, imported: { signerTrust: 'accepted' } });
    expect(target.pushed).toEqual([`incident.updated ${INCIDENT_ID}`]);
    expect(audited(b, 'incident.imported')).toHaveLength(1);
    // Again: the same incident, nothing new on the record.
    expect((await target.handlers['incidents.import']({ base64, trust: true })).id).toBe(INCIDENT_ID);
    expect(audited(b, 'incident.imported')).toHaveLength(1);
    await expect(target.handlers['incidents.export']({ id: INCIDENT_ID, format: 'bundle' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/share that bundle/) });
    const md = Buffer.from((await target.handlers['incidents.export']({ id: INCIDENT_ID, format: 'md' })).base64, 'base64').toString();
    expect(md).toMatch(/\*\*imported\*\*: from a bundle signed by SHA256:/);

    // What was done about it: the runbook run on r1 during it, on both consoles (the reviewer's from the bundle).
    const linked = [{ kind: 'runbook', id: 'run-1', name: 'restart-replica', target: 'r1', status: 'succeeded', startedAt: expect.any(Number), endedAt: expect.any(Number), linkedBy: null }];
    expect(await handlers['incidents.runs']({ id: INCIDENT_ID })).toEqual(linked);
    expect(await target.handlers['incidents.runs']({ id: INCIDENT_ID })).toEqual(linked);
    // By hand: a run must exist here; an imported incident's runs are the bundle's; the link is audited once.
    await expect(handlers['incidents.link']({ id: INCIDENT_ID, kind: 'drill', runId: 'no-such-run' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no drill run no-such-run in this data directory' });
    expect(await handlers['incidents.link']({ id: INCIDENT_ID, kind: 'runbook', runId: 'run-1', by: 'carol@ops' })).toEqual([{ ...linked[0], linkedBy: 'carol@ops' }]);
    await handlers['incidents.link']({ id: INCIDENT_ID, kind: 'runbook', runId: 'run-1', by: 'carol@ops' });
    expect(audited(a, 'incident.link').map((e) => e.detail)).toEqual([{ by: 'carol@ops', kind: 'runbook', runId: 'run-1' }]);
    await expect(target.handlers['incidents.link']({ id: INCIDENT_ID, kind: 'runbook', runId: 'run-1' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    // A subject as it was when the incident opened: the same entry on the reviewer's console, from the bundle's inventory.
    const asItWas = { subject: 'n1', kind: 'node', region: 'r', cluster: 'c', source: 'incident-opened', entry: { name: 'n1', host: '10.0.0.1', cluster: { name: 'c', protected: false } } };
    expect(await handlers['incidents.subject']({ id: INCIDENT_ID, subject: 'n1' })).toMatchObject(asItWas);
    expect(await target.handlers['incidents.subject']({ id: INCIDENT_ID, subject: 'n1' })).toMatchObject(asItWas);
    expect(await target.handlers['incidents.subject']({ id: INCIDENT_ID, subject: 'n9' })).toMatchObject({ kind: null, entry: null });
  });
});
