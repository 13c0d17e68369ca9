import { describe, expect, it } from 'vitest';
import { DrillHistory } from '../../../../shared/drill-report';
import type { DrillRunView } from '../../../../shared/drill-run';
import { BASELINE_RUNS, MARGIN_PCT, SLACK_REQUESTS, SLACK_SECONDS, drillHistory, median, regressionLimit } from '../../../../electron/core/drills/report/drill-history';
import { T0, runFixture } from './run-fixture';

const HOUR = 3_600_000;

/** A judged run of replica-maint `i` hours after T0 with these measurements. */
function run(i: number, m: { detect?: number | null; mitigate?: number | null; recover?: number | null; failed?: number }, over: Partial<DrillRunView> = {}): DrillRunView {
  const base = runFixture();
  return runFixture({
    id: `r${i}`,
    startedAt: T0 + i * HOUR,
    injectedAt: T0 + i * HOUR + 1000,
    endedAt: T0 + i * HOUR + 60_000,
    derived: { ...base.derived, detectSeconds: m.detect ?? null, mitigateSeconds: m.mitigate ?? null, recoverSeconds: m.recover ?? null, requestsFailed: m.failed ?? 0 },
    ...over,
  });
}

const history = (runs: DrillRunView[]) => DrillHistory.parse(drillHistory('replica-maint', runs));
const flagsOf = (h: DrillHistory) => h.entries.map((e) => e.regressions.map((g) => g.metric));

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });
});

describe('a drill history', () => {
  it('says its rule in numbers: five runs, 25 %, one second or one request of slack', () => {
    expect(history([]).rule).toEqual({ baselineRuns: 5, marginPct: 25, slackSeconds: 1, slackRequests: 1 });
    expect([BASELINE_RUNS, MARGIN_PCT, SLACK_SECONDS, SLACK_REQUESTS]).toEqual([5, 25, 1, 1]);
    expect(regressionLimit('recoverSeconds', 20)).toBe(26);
    expect(regressionLimit('failedRequests', 0)).toBe(1);
  });

  it('flags a run worse than the median of the previous five by more than the margin, and not one just inside it', () => {
    const earlier = [10, 12, 11, 30, 9].map((recover, i) => run(i, { recover }));
    // median 11 → limit 11 × 1.25 + 1 = 14.75
    const inside = history([...earlier, run(5, { recover: 14.7 })]);
    expect(flagsOf(inside)).toEqual([[], [], [], [], [], []]);
    const outside = history([...earlier, run(5, { recover: 14.8 })]);
    expect(flagsOf(outside).at(-1)).toEqual(['recoverSeconds']);
    expect(outside.entries.at(-1)!.regressions[0]).toEqual({ metric: 'recoverSeconds', value: 14.8, median: 11, limit: 14.75, baselineRunIds: ['r0', 'r1', 'r2', 'r3', 'r4'] });
  });

  it('needs five earlier judged runs with the measure before it flags anything', () => {
    const four = [5, 5, 5, 5].map((detect, i) => run(i, { detect }));
    expect(flagsOf(history([...four, run(4, { detect: 100 })])).flat()).toEqual([]);
    // A fifth earlier run that never measured detection does not make a baseline either.
    expect(flagsOf(history([...four, run(4, { detect: null }), run(5, { detect: 100 })])).flat()).toEqual([]);
    expect(flagsOf(history([...four, run(4, { detect: 5 }), run(5, { detect: 100 })])).at(-1)).toEqual(['detectSeconds']);
  });

  it('compares with the previous five only: an old slow spell does not excuse a slow run now', () => {
    const old = [100, 100, 100].map((mitigate, i) => run(i, { mitigate }));
    const recent = [10, 10, 10, 10, 10].map((mitigate, i) => run(3 + i, { mitigate }));
    const h = history([...old, ...recent, run(8, { mitigate: 20 })]);
    expect(flagsOf(h).at(-1)).toEqual(['mitigateSeconds']);
    expect(h.entries.at(-1)!.regressions[0].baselineRunIds).toEqual(['r3', 'r4', 'r5', 'r6', 'r7']);
  });

  it('does not flag one failed request against a median of none, but flags two', () => {
    const clean = [0, 0, 0, 0, 0].map((failed, i) => run(i, { failed }));
    expect(flagsOf(history([...clean, run(5, { failed: 1 })])).flat()).toEqual([]);
    expect(flagsOf(history([...clean, run(5, { failed: 2 })])).at(-1)).toEqual(['failedRequests']);
  });

  it('lists aborted and skipped runs without judging them or counting them in a baseline', () => {
    const judged = [10, 10, 10, 10].map((recover, i) => run(i, { recover }));
    const aborted = run(4, { recover: 500 }, { status: 'aborted', phase: 'observing', reasonCode: 'hypothesis-broken', reason: 'broken for 30 s', expectations: [] });
    const skipped = run(5, {}, { status: 'skipped', phase: 'pre-checks', injectedAt: null, reasonCode: 'blackout', reason: 'inside a blackout', expectations: [] });
    const h = history([...judged, aborted, skipped, run(6, { recover: 10 }), run(7, { recover: 30 })]);
    expect(h.entries.map((e) => [e.runId, e.judged])).toEqual([
      ['r0', true],
      ['r1', true],
      ['r2', true],
      ['r3', true],
      ['r4', false],
      ['r5', false],
      ['r6', true],
      ['r7', true],
    ]);
    // The aborted run's 500 s is not flagged, and not in r7's baseline (r0–r3, r6: median 10).
    expect(h.entries[4].regressions).toEqual([]);
    expect(h.entries[5].failedRequests).toBeNull();
    expect(h.entries[7].regressions.map((g) => [g.metric, g.median, g.baselineRunIds])).toEqual([['recoverSeconds', 10, ['r0', 'r1', 'r2', 'r3', 'r6']]]);
  });

  it('orders runs by start whatever order they come in, and leaves out other drills and runs still going', () => {
    const runs = [run(2, { recover: 1 }), run(0, { recover: 1 }), run(1, { recover: 1 }, { drill: 'region-down' }), run(3, { recover: 1 }, { status: 'observing', phase: 'observing', endedAt: null, expectations: [] })];
    expect(history(runs).entries.map((e) => e.runId)).toEqual(['r0', 'r2']);
  });
});
