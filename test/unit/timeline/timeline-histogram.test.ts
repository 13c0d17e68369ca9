/**
 * timeline.histogram and timeline.kinds over a real store: the counts per bucket and severity are
 * exactly a brute-force count of the filter's events, on each of the histogram's paths (time and
 * severity alone from the index; any other filter grouped; text gathered or looked up); the kinds
 * come most frequent first and follow new events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineFilter, TimelineHistogram } from '../../../shared/timeline';
import { TimelineStore } from '../../../electron/core/timeline/timeline-store';
import { openFixture, T0, type TimelineFixture } from './helpers';
import { expected, IMPORTED, KINDS, TEST_INVENTORY, testEvents, type TestEvent } from './oracle';

const cleanups: (() => void)[] = [];
let fx: TimelineFixture;
let events: TestEvent[];

beforeAll(() => {
  fx = openFixture({ inventory: () => TEST_INVENTORY }, cleanups);
  const input = testEvents(1500);
  events = fx.store.appendEvents(input).map((e, i) => ({ ...input[i], id: e.id, origin: input[i].origin ?? null }));
});
afterAll(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/** What the histogram must say: the filter's events, each in bucket floor((ts − from) · n / (to − from)). */
function bruteForce(filter: TimelineFilter, from: number, to: number, n: number): Pick<TimelineHistogram, 'info' | 'warning' | 'error'> {
  const byId = new Map(events.map((e) => [e.id, e]));
  const out = { info: new Array<number>(n).fill(0), warning: new Array<number>(n).fill(0), error: new Array<number>(n).fill(0) };
  for (const id of expected(events, { ...filter, from, to }, 'asc')) {
    const e = byId.get(id)!;
    out[e.severity][Math.floor(((e.ts - from) * n) / (to - from))]++;
  }
  return out;
}

const from = T0 + 37_000;
const to = T0 + 433_123;

describe('timeline.histogram', () => {
  it.each([
    ['time alone (counted on the index)', {}],
    ['severities alone (counted on the index)', { severities: ['warning', 'error'] }],
    ['subjects (grouped)', { subjects: ['a1', 'rep-a1', 'lb1/chat/srv-9'] }],
    ['kinds and origin (grouped)', { kinds: ['audit.', 'node.xid'], origin: null }],
    ['an imported origin', { origin: IMPORTED }],
    ['text (gathered)', { text: 'charlie' }],
  ] as Array<[string, TimelineFilter]>)('%s: every bucket counts exactly the filter events in it', (_, filter) => {
    for (const n of [1, 7, 60]) {
      const h = fx.timeline.histogram({ filter: { ...filter, from, to }, buckets: n });
      expect(h).toMatchObject({ from, to, bucketMs: (to - from) / n });
      expect({ info: h.info, warning: h.warning, error: h.error }).toEqual(bruteForce(filter, from, to, n));
    }
  });

  it('text with more matches than it gathers is counted by looking each row up in the matches, with the same result', () => {
    const lookingUp = new TimelineStore(fx.db, { now: () => T0, histogramGatherMax: 0 });
    const filter = { text: 'alpha', severities: ['info', 'error'] } as TimelineFilter;
    const h = lookingUp.histogram({ filter: { ...filter, from, to }, buckets: 13 });
    expect({ info: h.info, warning: h.warning, error: h.error }).toEqual(bruteForce(filter, from, to, 13));
    expect(h.info.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it("without a range, spans the data's extent; a region is its subjects", () => {
    const lo = Math.min(...events.map((e) => e.ts));
    const hi = Math.max(...events.map((e) => e.ts));
    const all = fx.timeline.histogram({ filter: {}, buckets: 10 });
    expect([all.from, all.to]).toEqual([lo, hi + 1]);
    expect([...all.info, ...all.warning, ...all.error].reduce((a, b) => a + b, 0)).toBe(events.length);
    const region = fx.timeline.histogram({ filter: { region: 'r2' }, buckets: 4 });
    const r2 = new Set(['r2', 'c3', 'z1', 'rep-z1', 'lb2', 'chat2', 'lb2/chat2/rep-z1']);
    expect([...region.info, ...region.warning, ...region.error].reduce((a, b) => a + b, 0)).toBe(events.filter((e) => e.subject !== null && r2.has(e.subject)).length);
  });
});

describe('timeline.kinds', () => {
  it('lists the kinds present, most frequent first, and follows new events', () => {
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
    const want = [...counts].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
    expect(fx.timeline.kinds()).toEqual(want);
    expect(want.map((k) => k.kind).sort()).toEqual([...KINDS].sort());
    const [added] = fx.store.appendEvents([{ ts: T0, kind: 'brand.new', subject: null, severity: 'info', message: 'new' }]);
    try {
      expect(fx.timeline.kinds()).toContainEqual({ kind: 'brand.new', count: 1 });
    } finally {
      fx.db.prepare('DELETE FROM events WHERE id = ?').run(added.id);
    }
  });
});
