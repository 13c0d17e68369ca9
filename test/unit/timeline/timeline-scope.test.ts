/**
 * The filters the timeline resolves before it queries: a region or cluster into the subjects the
 * inventory places there, and an incident into its window (started − 5 min … resolved, or now,
 * + 5 min) on its affected subjects, its own id and the fleet-wide events — for an imported
 * incident, only its bundle's events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { INCIDENT_MARGIN_MS } from '../../../electron/core/timeline/incident-window';
import { subjectsInScope } from '../../../electron/core/timeline/timeline-scope';
import { TimelineStore } from '../../../electron/core/timeline/timeline-store';
import { ev, insertIncident, MIN, openFixture, T0 } from './helpers';
import { IMPORTED, TEST_INVENTORY } from './oracle';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

describe('region and cluster', () => {
  it('a region is its nodes, the replicas on them or declaring it, the load balancers running there or routing to them, their services and servers', () => {
    expect(subjectsInScope(TEST_INVENTORY, { region: 'r1' }).sort()).toEqual(['a1', 'a2', 'b1', 'c1', 'c2', 'chat', 'lb1', 'lb1/chat/rep-a1', 'lb1/chat/srv-9', 'r1', 'rep-a1', 'rep-decl'].sort());
    expect(subjectsInScope(TEST_INVENTORY, { region: 'r2' }).sort()).toEqual(['c3', 'chat2', 'lb2', 'lb2/chat2/rep-z1', 'r2', 'rep-z1', 'z1'].sort());
  });

  it('a cluster is its nodes and what runs on them; the region and cluster together must agree', () => {
    expect(subjectsInScope(TEST_INVENTORY, { cluster: 'c2' }).sort()).toEqual(['b1', 'c2']);
    expect(subjectsInScope(TEST_INVENTORY, { cluster: 'c1' }).sort()).toEqual(['a1', 'a2', 'c1', 'chat', 'lb1', 'lb1/chat/rep-a1', 'lb1/chat/srv-9', 'rep-a1'].sort());
    expect(subjectsInScope(TEST_INVENTORY, { region: 'r1', cluster: 'c2' }).sort()).toEqual(['b1', 'c2']);
    expect(() => subjectsInScope(TEST_INVENTORY, { region: 'r2', cluster: 'c1' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: 'the inventory has no cluster "c1" in region "r2"' }));
    expect(() => subjectsInScope(TEST_INVENTORY, { region: 'mars' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: 'the inventory has no region "mars"' }));
    expect(() => subjectsInScope(null, { region: 'r1' })).toThrow(expect.objectContaining({ code: 'INVENTORY_NOT_LOADED' }));
  });
});

describe('the incident filter', () => {
  const ID = '6f1d1c1e-2b1a-4c3d-9e8f-0a1b2c3d4e5f';
  const started = T0 + 60 * MIN;
  const resolved = started + 30 * MIN;

  /** Events around one incident on node a1: in and out of its window, on it, on others, fleet-wide, on the incident itself. */
  function setup(opts: { resolved?: boolean; origin?: string; now?: number } = {}) {
    const fx = openFixture({ now: () => opts.now ?? T0 + 1000 * MIN }, cleanups);
    insertIncident(fx.db, { id: ID, startedAt: started, resolvedAt: opts.resolved === false ? undefined : resolved, subjects: ['a1', 'rep-a1'], origin: opts.origin });
    const origin = opts.origin ?? null;
    const list = [
      ev(started - INCIDENT_MARGIN_MS - 1, 'node.health', 'a1', 'warning', 'before the margin', origin),
      ev(started - INCIDENT_MARGIN_MS, 'node.health', 'a1', 'warning', 'first of the margin', origin),
      ev(started, 'node.health', 'a1', 'error', 'a1 unreachable', origin),
      ev(started + MIN, 'replica.health', 'rep-a1', 'error', 'rep-a1 down', origin),
      ev(started + 2 * MIN, 'node.health', 'b1', 'error', 'another node', origin),
      ev(started + 3 * MIN, 'inventory.loaded', null, 'info', 'fleet-wide', origin),
      ev(started + 4 * MIN, 'audit.incident.ack', ID, 'info', 'acknowledged', null),
      ev(started + 5 * MIN, 'node.health', 'a1', 'error', 'from elsewhere', origin === null ? IMPORTED : null),
      ev(resolved + INCIDENT_MARGIN_MS, 'node.health', 'a1', 'info', 'last of the margin', origin),
      ev(resolved + INCIDENT_MARGIN_MS + 1, 'node.health', 'a1', 'info', 'after the margin', origin),
      ev(resolved + 200 * MIN, 'node.health', 'a1', 'info', 'much later', origin),
    ];
    fx.store.appendEvents(list);
    const messages = (filter: Parameters<TimelineStore['query']>[0]['filter']) => fx.timeline.query({ filter: { incident: ID, ...filter }, order: 'asc' }).entries.map((e) => e.message);
    return { fx, messages };
  }

  it('gives the window with its margins, on the affected subjects, the incident itself and the fleet-wide events', () => {
    const { messages } = setup();
    expect(messages({})).toEqual(['first of the margin', 'a1 unreachable', 'rep-a1 down', 'fleet-wide', 'acknowledged', 'last of the margin']);
  });

  it('narrows further with the other filters; subjects asked for leave the fleet-wide events out', () => {
    const { messages } = setup();
    expect(messages({ severities: ['error'] })).toEqual(['a1 unreachable', 'rep-a1 down']);
    expect(messages({ subjects: ['a1', 'b1'] })).toEqual(['first of the margin', 'a1 unreachable', 'last of the margin']);
    expect(messages({ from: started + 30_000 })).toEqual(['rep-a1 down', 'fleet-wide', 'acknowledged', 'last of the margin']);
    expect(messages({ origin: IMPORTED })).toEqual([]);
  });

  it('while open, runs to now and its margin', () => {
    const { messages } = setup({ resolved: false, now: resolved + 190 * MIN });
    expect(messages({})).toEqual(['first of the margin', 'a1 unreachable', 'rep-a1 down', 'fleet-wide', 'acknowledged', 'last of the margin', 'after the margin']);
  });

  it("an imported incident's window holds its bundle's events only", () => {
    const { messages } = setup({ origin: IMPORTED });
    expect(messages({})).toEqual(['first of the margin', 'a1 unreachable', 'rep-a1 down', 'fleet-wide', 'last of the margin']);
  });

  it('counts the same events in its histogram', () => {
    const { fx } = setup();
    const h = fx.timeline.histogram({ filter: { incident: ID }, buckets: 3 });
    expect(h.from).toBe(started - INCIDENT_MARGIN_MS);
    expect(h.to).toBe(resolved + INCIDENT_MARGIN_MS + 1);
    expect([...h.info, ...h.warning, ...h.error].reduce((a, b) => a + b, 0)).toBe(6);
    expect(h.error.reduce((a, b) => a + b, 0)).toBe(2);
  });
});
