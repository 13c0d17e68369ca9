/**
 * The incident rule on the console's events (electron/core/incidents/incidents-feature.ts): a
 * node.health event to unreachable opens an incident and is pushed; one for a subject a running
 * drill holds opens nothing (the drill's fault is the drill's); a recovery of a held subject
 * still reaches its open incident; events of other kinds are ignored. A look that fails (the
 * store busy past its timeout) is said once as an event and does not end the rule.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../../shared/contract';
import type { FleetEvent } from '../../../shared/status';
import { INCIDENT_BUNDLE_MIGRATION } from '../../../electron/core/incidents/bundle/incident-bundle-migration';
import { INCIDENT_MIGRATION } from '../../../electron/core/incidents/incident-migration';
import { incidentsFeature, MAINTENANCE_WAIT_MS } from '../../../electron/core/incidents/incidents-feature';
import type { LoadedInventory } from '../../../electron/core/inventory/load-inventory';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const INVENTORY = { nodes: [{ name: 'n1', region: 'r', protected: false }, { name: 'n2', region: 'r', protected: false }], replicas: [], loadBalancers: [], slos: [] } as unknown as LoadedInventory;
let seq = 0;
/** The rule's timer callbacks, run by hand. */
const ticks: Array<() => void> = [];
const health = (subject: string, to: string, ts: number): PushEvent => ({
  event: 'event.appended',
  payload: { id: ++seq, ts, kind: 'node.health', subject, severity: 'error', message: '', data: { from: 'healthy', to } } as FleetEvent,
});

function setup(held: Set<string>, maint: ReadonlySet<string> = new Set(), known: () => boolean = () => true, recorded: Array<{ kind: string; message: string }> = [], maxUnstoredSignals?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-incident-rule-'));
  dirs.push(dir);
  const db = new Database(join(dir, 'store.db'));
  db.exec(INCIDENT_MIGRATION.up + INCIDENT_BUNDLE_MIGRATION.up);
  const listeners: Array<(e: PushEvent) => void> = [];
  const pushed: string[] = [];
  const feature = incidentsFeature({
    db,
    inventory: () => INVENTORY,
    subscribe: (l) => (listeners.push(l), () => undefined),
    identity: { user: 'ops', host: 'console' },
    audit: { append: () => ({}) as never },
    push: (event, payload) => pushed.push(`${event} ${(payload as { status: string }).status}`),
    heldByDrills: () => held,
    inMaintenance: (r) => (known() ? maint.has(r) : null),
    timers: { now: () => 10_000, setTimeout: (fn) => (ticks.push(fn), ticks.length), clearTimeout: () => undefined },
    now: () => 10_000,
    settleEveryMs: 3_600_000,
    record: (e) => void recorded.push({ kind: e.kind, message: e.message }),
    maxUnstoredSignals,
  });
  void feature.services![0]!.start();
  const emit = (e: PushEvent) => listeners.forEach((l) => l(e));
  return { feature, emit, pushed, db, stop: () => (void feature.services![0]!.stop(), db.close()) };
}

describe('the incident rule', () => {
  it('opens an incident for a bad verdict and pushes it; a held subject’s bad verdict opens nothing', async () => {
    const { feature, emit, pushed, stop } = setup(new Set(['n2']));
    emit(health('n2', 'unreachable', 1000));
    expect(await feature.handlers!['incidents.list']({})).toEqual([]);
    emit({ event: 'event.appended', payload: { id: ++seq, ts: 1100, kind: 'lb.health', subject: 'n1', severity: 'error', message: '', data: { to: 'unhealthy' } } as FleetEvent });
    expect(await feature.handlers!['incidents.list']({})).toEqual([]);
    emit(health('n1', 'unreachable', 1200));
    const [inc] = await feature.handlers!['incidents.list']({});
    expect(inc).toMatchObject({ subjects: 1, status: 'open', scope: 'region:r' });
    expect(pushed).toEqual(['incident.updated open']);
    // The held node turning bad does not join it either; its recovery is not news to it.
    emit(health('n2', 'unhealthy', 1300));
    expect((await feature.handlers!['incidents.get']({ id: inc!.id })).affected.map((a) => a.subject)).toEqual(['n1']);
    stop();
  });

  it('a replica a load balancer has in maintenance (a warm spare, drained on purpose) opens nothing when it is down', async () => {
    const { feature, emit, stop } = setup(new Set(), new Set(['spare-1']));
    const replica = (subject: string, to: string, ts: number): PushEvent => ({
      event: 'event.appended',
      payload: { id: ++seq, ts, kind: 'replica.health', subject, severity: 'error', message: '', data: { from: 'healthy', to } } as FleetEvent,
    });
    emit(replica('spare-1', 'unreachable', 1000));
    expect(await feature.handlers!['incidents.list']({})).toEqual([]);
    emit(replica('live-1', 'unreachable', 1100));
    expect((await feature.handlers!['incidents.list']({})).map((i) => i.subjects)).toEqual([1]);
    stop();
  });

  it('a replica whose load balancer has not spoken yet waits for the rule’s next look: dropped if it is in maintenance then', async () => {
    let known = false;
    ticks.length = 0;
    const { feature, emit, stop } = setup(new Set(), new Set(['spare-1']), () => known);
    emit({ event: 'event.appended', payload: { id: ++seq, ts: 9_000, kind: 'replica.health', subject: 'spare-1', severity: 'error', message: '', data: { to: 'unreachable' } } as FleetEvent });
    expect(await feature.handlers!['incidents.list']({})).toEqual([]);
    known = true;
    ticks.shift()!();
    expect(await feature.handlers!['incidents.list']({})).toEqual([]);
    stop();
  });

  it('a waiting replica verdict counts once its load balancer says it is in rotation, or after MAINTENANCE_WAIT_MS without a word', async () => {
    let known = false;
    ticks.length = 0;
    const { feature, emit, stop } = setup(new Set(), new Set(), () => known);
    const down = (subject: string, ts: number): PushEvent => ({
      event: 'event.appended',
      payload: { id: ++seq, ts, kind: 'replica.health', subject, severity: 'error', message: '', data: { to: 'unreachable' } } as FleetEvent,
    });
    // The clock says 10 000: this verdict is older than the wait, so it counts at once, word or not.
    emit(down('old-1', 10_000 - MAINTENANCE_WAIT_MS));
    expect((await feature.handlers!['incidents.list']({})).map((i) => i.subjects)).toEqual([1]);
    // A fresh one waits; the load balancer then says it is in rotation: it counts at the rule's next look.
    // (Neither replica is in this inventory: no region, so each is its own incident's scope.)
    emit(down('live-1', 9_500));
    const scopes = async () => (await feature.handlers!['incidents.list']({})).map((i) => i.scope).sort();
    expect(await scopes()).toEqual(['subject:old-1']);
    known = true;
    ticks.shift()!();
    expect(await scopes()).toEqual(['subject:live-1', 'subject:old-1']);
    stop();
  });

  it('a signal or a look the store refuses is said once as an event, kept, and stored in order at the rule’s next look', async () => {
    ticks.length = 0;
    const recorded: Array<{ kind: string; message: string }> = [];
    const { feature, emit, db, stop } = setup(new Set(), new Set(), () => true, recorded);
    // Another process holds the write lock past the busy timeout.
    db.pragma('busy_timeout = 0');
    const other = new Database(db.name);
    other.prepare('BEGIN IMMEDIATE').run();
    expect(() => emit(health('n1', 'unreachable', 1000))).not.toThrow();
    emit(health('n2', 'unreachable', 1100));
    expect(() => ticks.shift()!()).not.toThrow();
    expect(recorded).toEqual([{ kind: 'incident.rule.failed', message: 'incident rule: database is locked' }]);
    // Still scheduled; once the lock is free the next look stores both, in order: one incident for the region.
    other.prepare('ROLLBACK').run();
    other.close();
    expect(ticks).toHaveLength(1);
    ticks.shift()!();
    const [inc] = await feature.handlers!['incidents.list']({});
    expect(inc).toMatchObject({ subjects: 2, status: 'open', scope: 'region:r' });
    expect(ticks).toHaveLength(1);
    stop();
  });

  it('keeps at most maxUnstoredSignals while the store refuses them: the oldest go, and that is said once', async () => {
    ticks.length = 0;
    const recorded: Array<{ kind: string; message: string }> = [];
    const { feature, emit, db, stop } = setup(new Set(), new Set(), () => true, recorded, 2);
    db.pragma('busy_timeout = 0');
    const other = new Database(db.name);
    other.prepare('BEGIN IMMEDIATE').run();
    emit(health('n1', 'unreachable', 1000));
    emit(health('n2', 'unreachable', 1100));
    emit(health('n2', 'unhealthy', 1200));
    emit(health('n2', 'unreachable', 1300));
    expect(recorded.map((r) => r.message)).toEqual([
      'incident rule: database is locked',
      'incident rule: more than 2 health signals waited for the store; the oldest are dropped, from n1 unreachable',
    ]);
    other.prepare('ROLLBACK').run();
    other.close();
    ticks.shift()!();
    // n1's fault was dropped: the incident has n2 only.
    const [inc] = await feature.handlers!['incidents.list']({});
    expect(inc).toMatchObject({ subjects: 1, status: 'open' });
    expect((await feature.handlers!['incidents.get']({ id: inc!.id })).affected.map((a) => a.subject)).toEqual(['n2']);
    stop();
  });
});
