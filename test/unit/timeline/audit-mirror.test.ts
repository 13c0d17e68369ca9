/**
 * Every audit entry is a timeline event too (kind `audit.<kind>`), written in the same transaction
 * as the entry: an append that fails leaves no mirror, a mirror that fails leaves no entry, and the
 * chain is the same as without mirrors. The core pushes each mirror once committed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FleetEvent } from '../../../shared/status';
import { auditEventOf } from '../../../electron/core/audit/audit-mirror';
import { FleetCore } from '../../../electron/core/fleet/core';
import { ev, openFixture, T0 } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const auditEvents = (fx: ReturnType<typeof openFixture>) =>
  fx.db.prepare("SELECT kind, subject, severity, message, data FROM events WHERE kind LIKE 'audit.%' ORDER BY id").all() as Array<{ kind: string; subject: string | null; severity: string; message: string; data: string }>;

describe('audit entries on the timeline', () => {
  it('mirrors each entry as audit.<kind>: its subject, a one-line summary, and the entry itself in data', () => {
    const fx = openFixture({}, cleanups);
    const entry = fx.store.audit.append({ kind: 'change.refused', subject: 'gpu-a-007', detail: { action: 'drain', reason: 'read-only switch is on\nfor the fleet', code: 'READ_ONLY' }, ts: T0 + 5 });
    fx.store.audit.append({ kind: 'incident.note', subject: '6f1d1c1e-2b1a-4c3d-9e8f-0a1b2c3d4e5f', detail: { by: 'bob', text: 'GPU swapped' }, ts: T0 + 6 });
    fx.store.audit.append({ kind: 'settings.read-only', subject: null, ts: T0 + 7 });
    const rows = auditEvents(fx);
    expect(rows.map(({ data, ...r }) => r)).toEqual([
      { kind: 'audit.change.refused', subject: 'gpu-a-007', severity: 'warning', message: 'alice@ops-laptop change.refused gpu-a-007: read-only switch is on for the fleet, action drain' },
      { kind: 'audit.incident.note', subject: '6f1d1c1e-2b1a-4c3d-9e8f-0a1b2c3d4e5f', severity: 'info', message: 'alice@ops-laptop incident.note 6f1d1c1e-2b1a-4c3d-9e8f-0a1b2c3d4e5f: GPU swapped, by bob' },
      { kind: 'audit.settings.read-only', subject: null, severity: 'info', message: 'alice@ops-laptop settings.read-only' },
    ]);
    expect(JSON.parse(rows[0].data)).toEqual({ auditId: entry.seq, actor: 'alice@ops-laptop', detail: entry.detail });
    // On the timeline like any event, found by its words.
    expect(fx.timeline.query({ filter: { kinds: ['audit.'], text: 'swapped' } }).entries.map((e) => e.kind)).toEqual(['audit.incident.note']);
    expect(fx.store.audit.verify()).toMatchObject({ ok: true });
  });

  it('refusals, overrides, aborts and failures are warnings; the rest is info', () => {
    const severity = (kind: string) => auditEventOf({ seq: 1, ts: 0, osUser: 'u', host: 'h', kind, subject: null, detail: null, origin: null, prevHash: '', hash: '' }).severity;
    for (const kind of ['change.refused', 'runbook.override', 'runbook.abort', 'drill.abort', 'drill.abort-requested', 'change.failed', 'drill.stop-all', 'trust.refused']) expect(severity(kind), kind).toBe('warning');
    for (const kind of ['change', 'runbook.run', 'runbook.step', 'incident.ack', 'trust', 'drill.restore', 'aborted.not-really.x']) expect(severity(kind), kind).toBe('info');
  });

  it('a mirror that cannot be written leaves no entry: one transaction, the chain goes on from the last real entry', () => {
    const fx = openFixture({}, cleanups);
    fx.store.audit.append({ kind: 'change', subject: 'a1' });
    fx.db.exec("CREATE TRIGGER refuse_mirror BEFORE INSERT ON events WHEN new.kind = 'audit.boom' BEGIN SELECT RAISE(ABORT, 'no mirror'); END");
    expect(() => fx.store.audit.append({ kind: 'boom', subject: 'a1' })).toThrow(/no mirror/);
    expect(fx.store.audit.list().map((e) => e.kind)).toEqual(['change']);
    fx.db.exec('DROP TRIGGER refuse_mirror');
    expect(fx.store.audit.append({ kind: 'change', subject: 'a2' }).seq).toBe(2);
    expect(fx.store.audit.verify()).toMatchObject({ ok: true });
    expect(auditEvents(fx).map((r) => r.subject)).toEqual(['a1', 'a2']);
  });

  it('an entry that cannot be appended leaves no mirror', () => {
    const fx = openFixture({}, cleanups);
    fx.db.exec("CREATE TRIGGER refuse_entry AFTER INSERT ON audit WHEN new.kind = 'bust' BEGIN SELECT RAISE(ABORT, 'no entry'); END");
    expect(() => fx.store.audit.append({ kind: 'bust', subject: 'a1' })).toThrow(/no entry/);
    expect(auditEvents(fx)).toEqual([]);
    fx.store.appendEvents([ev(T0, 'node.health', 'a1', 'info', 'unrelated')]);
    expect(fx.store.listEvents({}).map((e) => e.kind)).toEqual(['node.health']);
  });

  it('the core pushes each mirror once it is committed, as event.appended, and the timeline answers through the contract', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-timeline-core-'));
    const core = new FleetCore({ dataDir: join(dir, 'data'), inventoryPath: null, inventoryEnv: { homeDir: dir, defaultUser: 'ops' }, history: false, identity: { user: 'alice', host: 'ops-laptop' } });
    cleanups.push(async () => {
      await core.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const pushed: FleetEvent[] = [];
    core.subscribe((e) => {
      if (e.event === 'event.appended') pushed.push(e.payload);
    });
    const entry = core.store.audit.append({ kind: 'trust', subject: 'gpu-a-007', detail: { action: 'host-key' } });
    expect(pushed).toEqual([expect.objectContaining({ kind: 'audit.trust', subject: 'gpu-a-007', data: { auditId: entry.seq, actor: 'alice@ops-laptop', detail: entry.detail } })]);
    const page = await core.handlers['timeline.query']({ filter: { kinds: ['audit.'] } });
    expect(page.entries.map((e) => [e.id, e.kind, e.origin])).toEqual([[pushed[0].id, 'audit.trust', null]]);
    expect(await core.handlers['timeline.kinds']({})).toEqual([{ kind: 'audit.trust', count: 1 }]);
  });
});
