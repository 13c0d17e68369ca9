/**
 * timeline.query over a real store: every filter alone and combined gives exactly the events a
 * brute-force reading gives, in (ts, id) order both ways, paged by the keyset cursor so each event
 * comes once — with ties on ts, and ids out of ts order; text through both of its plans (gather
 * and scan) and a scan that runs out of budget; and each filter answered from an index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import type { TimelineFilter } from '../../../shared/timeline';
import { subjectsInScope } from '../../../electron/core/timeline/timeline-scope';
import { TimelineStore } from '../../../electron/core/timeline/timeline-store';
import { allPages, MIN, openFixture, T0, type TimelineFixture } from './helpers';
import { expected, IMPORTED, TEST_INVENTORY, testEvents, type TestEvent } from './oracle';

const cleanups: (() => void)[] = [];
let fx: TimelineFixture;
let events: TestEvent[];
/** The same data, text always scanned (never gathered), in chunks the budget cuts short. */
let scanning: TimelineStore;

beforeAll(() => {
  fx = openFixture({ inventory: () => TEST_INVENTORY }, cleanups);
  const input = testEvents(1500);
  events = fx.store.appendEvents(input).map((e, i) => ({ ...input[i], id: e.id, origin: input[i].origin ?? null }));
  scanning = new TimelineStore(fx.db, { inventory: () => TEST_INVENTORY, now: () => T0, gatherMax: 0, scanBudget: 1500 });
});
afterAll(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

const mid = T0 + 200_000;
const FILTERS: Array<[string, TimelineFilter]> = [
  ['nothing', {}],
  ['from/to', { from: mid, to: mid + 100_000 }],
  ['one subject', { subjects: ['a1'] }],
  ['subjects', { subjects: ['a1', 'rep-z1', 'drill-x'] }],
  ['severity', { severities: ['error'] }],
  ['severities', { severities: ['warning', 'error'] }],
  ['all severities', { severities: ['info', 'warning', 'error'] }],
  ['kind', { kinds: ['node.xid'] }],
  ['kind prefix', { kinds: ['audit.'] }],
  ['kind prefix and kind', { kinds: ['audit.', 'drill.started'] }],
  ['origin: this console', { origin: null }],
  ['origin: a bundle', { origin: IMPORTED }],
  ['text', { text: 'charlie' }],
  ['text, two words', { text: 'alpha bravo' }],
  ['text, prefix', { text: 'char*' }],
  ['text naming a subject', { text: 'rep-a1' }],
  ['text in kind', { text: 'xid' }],
  ['combined', { from: mid, subjects: ['a1', 'a2', 'rep-a1', 'lb1'], severities: ['info', 'error'], kinds: ['node.', 'lb.'] }],
  ['combined with text', { to: mid, severities: ['info', 'warning'], kinds: ['audit.', 'node.health'], text: 'delta', origin: null }],
];

describe('timeline.query', () => {
  it.each(FILTERS)('%s: every matching event once, in order, both ways', (_, filter) => {
    for (const order of ['desc', 'asc'] as const) {
      const want = expected(events, filter, order);
      expect(allPages(fx.timeline, { filter, order, limit: 37 }).ids).toEqual(want);
      if (filter.text !== undefined) expect(allPages(scanning, { filter, order, limit: 37 }).ids).toEqual(want);
    }
  });

  it('region and cluster: the subjects the inventory places there, never an event without a subject', () => {
    for (const [filter, scope] of [
      [{ region: 'r1' }, { region: 'r1' }],
      [{ cluster: 'c1' }, { cluster: 'c1' }],
      [{ region: 'r1', cluster: 'c2', severities: ['warning'] }, { region: 'r1', cluster: 'c2' }],
      [{ region: 'r2', subjects: ['z1', 'a1'] }, { region: 'r2' }],
    ] as Array<[TimelineFilter, { region?: string; cluster?: string }]>) {
      const subjects = new Set(subjectsInScope(TEST_INVENTORY, scope));
      const got = allPages(fx.timeline, { filter, limit: 50 }).ids;
      expect(got).toEqual(expected(events, filter, 'desc', { subjects }));
      expect(got.length).toBeGreaterThan(0);
    }
  });

  it('pages by the keyset cursor: ties on ts are split by id, and each event comes once', () => {
    const ties = events.filter((e) => e.ts === events[0].ts);
    expect(ties.length).toBeGreaterThanOrEqual(3);
    for (const order of ['desc', 'asc'] as const) {
      const { ids, pages } = allPages(fx.timeline, { filter: {}, order, limit: 2 });
      expect(new Set(ids).size).toBe(events.length);
      expect(pages).toBe(events.length / 2);
      // Strictly ordered by (ts, id): a cursor taking ts alone would skip or repeat tied events.
      const byId = new Map(events.map((e) => [e.id, e]));
      for (let i = 1; i < ids.length; i++) {
        const [a, b] = [byId.get(ids[i - 1])!, byId.get(ids[i])!];
        const cmp = a.ts - b.ts || a.id - b.id;
        expect(order === 'desc' ? cmp > 0 : cmp < 0).toBe(true);
      }
    }
    // The next page after a tie starts at the tied event right after the cursor.
    const page = fx.timeline.query({ filter: {}, order: 'asc', after: { ts: ties[0].ts, id: Math.min(...ties.map((e) => e.id)) }, limit: 1 });
    expect(page.entries[0].ts).toBe(ties[0].ts);
  });

  it('a text scan out of budget returns the page so far and where to go on; following it gives every match once', () => {
    // A word only the oldest events have: newest first, the scan reads a budget of rows without a match.
    const rare = openFixture({}, cleanups);
    const input = Array.from({ length: 3000 }, (_, i) => ({ ts: T0 + i * 1000, kind: 'node.health', subject: 'a1', severity: 'info' as const, message: i < 100 ? `zulu ${i}` : `yankee ${i}` }));
    const ids = rare.store.appendEvents(input).map((e) => e.id);
    const budgeted = new TimelineStore(rare.db, { gatherMax: 0, scanBudget: 2000 });
    const first = budgeted.query({ filter: { text: 'zulu' }, limit: 50 });
    expect(first.entries).toEqual([]);
    expect(first.next).not.toBeNull();
    expect(allPages(budgeted, { filter: { text: 'zulu' }, limit: 50 }).ids).toEqual(ids.slice(0, 100).reverse());
  });

  it('entries carry their origin and data', () => {
    const [e] = fx.store.appendEvents([{ ts: T0 + 10 * 86_400_000, kind: 'node.health', subject: 'a1', severity: 'error', message: 'a1 down', data: { to: 'unreachable' }, origin: IMPORTED }]);
    try {
      expect(fx.timeline.query({ filter: { from: T0 + 10 * 86_400_000 }, limit: 1 }).entries).toEqual([{ id: e.id, ts: e.ts, kind: 'node.health', subject: 'a1', severity: 'error', message: 'a1 down', data: { to: 'unreachable' }, origin: IMPORTED }]);
      // The event log's own listing is unchanged: no origin there.
      expect(fx.store.listEvents({ limit: 1 })[0]).not.toHaveProperty('origin');
    } finally {
      fx.db.prepare('DELETE FROM events WHERE id = ?').run(e.id);
    }
  });

  it('answers every filter without text from an index, the subject filters from the (subject, ts, id) one', () => {
    for (const [name, filter] of [...FILTERS.filter(([, f]) => f.text === undefined), ['region', { region: 'r1' }] as [string, TimelineFilter]]) {
      for (const order of ['desc', 'asc'] as const) {
        const plan = fx.timeline.explain(filter, order).join(' | ');
        expect(plan, name).not.toMatch(/SCAN events(?! USING)/);
        expect(plan, name).toMatch(/USING (COVERING )?INDEX events_/);
        // Only subjects: the index that keeps each subject's rows in (ts, id) order, not migration 1's (subject, id).
        const keys = Object.keys(filter);
        if (keys.length > 0 && keys.every((k) => k === 'subjects' || k === 'region')) expect(plan, name).toMatch(/events_subject_ts_id/);
      }
    }
  });

  it('refuses a range that ends before it starts, and an unknown region, cluster or incident, with stable codes', () => {
    const code = (f: TimelineFilter) => {
      try {
        fx.timeline.query({ filter: f });
      } catch (err) {
        expect(err).toBeInstanceOf(FleetError);
        return (err as FleetError).code;
      }
      return 'none';
    };
    expect(code({ from: mid, to: mid - MIN })).toBe('BAD_REQUEST');
    expect(code({ region: 'nowhere' })).toBe('NOT_FOUND');
    expect(code({ region: 'r1', cluster: 'c3' })).toBe('NOT_FOUND');
    expect(code({ incident: '00000000-0000-4000-8000-000000000000' })).toBe('NOT_FOUND');
    const noInventory = new TimelineStore(fx.db, { inventory: () => null });
    expect(() => noInventory.query({ filter: { cluster: 'c1' } })).toThrow(expect.objectContaining({ code: 'INVENTORY_NOT_LOADED' }));
    // An empty range and a kind prefix no event has are empty, not errors.
    expect(fx.timeline.query({ filter: { from: mid, to: mid } })).toEqual({ entries: [], next: null });
    expect(fx.timeline.query({ filter: { kinds: ['nosuch.'] } })).toEqual({ entries: [], next: null });
  });
});
