/**
 * A service's error budget as an incident signal, on a real store (request_buckets as the console
 * writes them) and the rule's own timer run by hand: a fast burn opens a sev1 incident naming the
 * service, joins the region's open incident, and is an event on the timeline; the burn stopping
 * mitigates it; a drill's own fault opens nothing; the first look after a start only says where
 * each service stands (no "all well" event, no incident).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../../shared/contract';
import { DEFAULT_BURN_ALERTS } from '../../../electron/core/incidents/burn-rule';
import { incidentsFeature } from '../../../electron/core/incidents/incidents-feature';
import type { LoadedInventory } from '../../../electron/core/inventory/load-inventory';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';
import { openStore, type Store } from '../../../electron/core/store/open-store';
import type { AppendEventInput } from '../../../electron/core/store/event-log';

const MIN = 60_000;
const T0 = 30_000_000 * MIN;
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const INVENTORY = {
  nodes: [{ name: 'n1', region: 'usw2', protected: false }],
  replicas: [
    { name: 'r1', node: 'n1', region: null },
    { name: 'r2', node: 'n1', region: null },
  ],
  loadBalancers: [{ name: 'lb', backends: [{ name: 'llama', servers: ['r1', 'r2'] }] }],
  slos: [{ service: 'llama', target: 99.9, loadBalancer: 'lb', frontendUrl: 'http://x', alerts: DEFAULT_BURN_ALERTS }],
} as unknown as LoadedInventory;

function setup(held: Set<string> = new Set()) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-burn-'));
  let now = T0;
  const store: Store = openStore(dir, { migrations: fleetMigrations(), now: () => now });
  const db = new Database(store.path);
  cleanups.push(() => {
    db.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const minute = db.prepare('INSERT OR REPLACE INTO request_buckets (service, minute, ok, failed, latency_sum_ms, latency_max_ms) VALUES (?, ?, ?, ?, 0, 0)');
  /** `n` minutes ending with the current one, `ok` and `failed` requests each. */
  const traffic = (n: number, ok: number, failed: number) => {
    const last = Math.floor(now / MIN);
    for (let m = last - n + 1; m <= last; m++) minute.run('llama', m, ok, failed);
  };
  const ticks: Array<() => void> = [];
  const events: AppendEventInput[] = [];
  const feature = incidentsFeature({
    db,
    inventory: () => INVENTORY,
    subscribe: (_l: (e: PushEvent) => void) => () => undefined,
    identity: { user: 'ops', host: 'console' },
    audit: { append: () => ({}) as never },
    push: () => undefined,
    record: (e) => events.push(e),
    heldByDrills: () => held,
    timers: { now: () => now, setTimeout: (fn) => (ticks.push(fn), ticks.length), clearTimeout: () => undefined },
    now: () => now,
    settleEveryMs: 10_000,
  });
  void feature.services![0]!.start();
  cleanups.unshift(() => void feature.services![0]!.stop());
  const look = () => ticks.shift()!();
  return { feature, traffic, look, events, advance: (ms: number) => (now += ms), db };
}

describe('a service burning its error budget', () => {
  it('opens a sev1 incident for the service in its region, with an event saying how fast; the burn stopping mitigates it', async () => {
    const t = setup();
    t.traffic(61, 1000, 0);
    t.look(); // the first look: all well, nothing said
    expect(t.events).toEqual([]);
    expect(await t.feature.handlers!['incidents.list']({})).toEqual([]);

    t.advance(MIN);
    t.traffic(61, 970, 30); // 3 % failed against 0.1 % allowed: 30×
    t.look();
    const [summary] = await t.feature.handlers!['incidents.list']({});
    expect(summary).toMatchObject({ severity: 'sev1', scope: 'region:usw2', title: 'service llama burning (usw2)', status: 'open' });
    const view = await t.feature.handlers!['incidents.get']({ id: summary!.id });
    expect(view.affected).toEqual([expect.objectContaining({ subject: 'llama', kind: 'service', health: 'burning' })]);
    expect(view.severityReason).toBe('service llama is burning its error budget fast (SLO impact)');
    // Budget spent since it started (this minute: 3 % of requests failed), beside the 30-day budget (0.1 % of 43,200 min).
    expect(view.budgetSpent).toEqual([{ service: 'llama', minutes: 0.03, budgetMinutes: 43.2 }]);
    // A person sets the severity, with why; audited by the store.
    expect(await t.feature.handlers!['incidents.setSeverity']({ id: summary!.id, severity: 'sev2', reason: 'internal traffic only', by: 'bob@ops' })).toMatchObject({ severity: 'sev2', severityReason: 'set by bob@ops: internal traffic only' });
    expect(t.events).toEqual([expect.objectContaining({ kind: 'service.burn', subject: 'llama', severity: 'error', message: 'llama burning its error budget at 30.0× over 1 h and 30.0× over 5 min (alert at 14.4×)' })]);

    t.advance(MIN);
    t.traffic(6, 1000, 0); // the last five minutes clean: the 1 h / 5 min alert stops …
    t.look();
    expect((await t.feature.handlers!['incidents.get']({ id: summary!.id })).affected[0]).toMatchObject({ health: 'burning' }); // … the 6 h / 30 min one still fires
    t.advance(MIN);
    t.traffic(31, 1000, 0); // the last half hour clean: no alert fires
    t.look();
    const after = await t.feature.handlers!['incidents.get']({ id: summary!.id });
    expect(after.affected[0]).toMatchObject({ health: 'healthy' });
    expect(after.milestones.map((m) => m.name)).toContain('mitigated');
    expect(t.events.at(-1)).toMatchObject({ kind: 'service.burn', severity: 'info', message: "llama back within its error budget's alerts" });
  });

  it("a drill's own fault burns for the drill: no incident", async () => {
    const t = setup(new Set(['r1']));
    t.look();
    t.advance(MIN);
    t.traffic(61, 900, 100);
    t.look();
    expect(await t.feature.handlers!['incidents.list']({})).toEqual([]);
    expect(t.events).toEqual([]);
  });

  it('an SLO with alerts: [] never opens one for its budget', async () => {
    const t = setup();
    const slo = INVENTORY.slos[0]!;
    const saved = slo.alerts;
    slo.alerts = [];
    cleanups.push(() => (slo.alerts = saved));
    t.traffic(61, 0, 1000);
    t.look();
    expect(await t.feature.handlers!['incidents.list']({})).toEqual([]);
  });
});
