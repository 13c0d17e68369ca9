/**
 * The DST rules of shared/drill-schedule.ts, across both 2026 changes in Europe/Berlin (29 March
 * 02:00→03:00, 25 October 03:00→02:00) and America/New_York (8 March 02:00→03:00, 1 November
 * 02:00→01:00): first as pure occurrences, then as what a scheduler on an injected clock really
 * starts. A time in the spring gap runs once right after it; a time the autumn repeats runs
 * once, at the first; interval schedules follow real time (23 and 25 hourly runs those days).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compileSchedule, nextOccurrences } from '../../../electron/core/drills/schedule/occurrences';
import { DAY, drill, FakeClock, HOUR, MIN, openTestStore, schedulerFor, takeErrors, TestRunner, type TestStore } from './schedule-harness';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const iso = (s: string) => Date.parse(s);

/** Local times of the occurrences after `from` up to `until`, as "YYYY-MM-DDTHH:MM+hh:mm". */
function occurrences(cron: string, timeZone: string, from: string, until: string): string[] {
  const c = compileSchedule({ cron, timeZone });
  const out: string[] = [];
  for (let after = iso(from); ; ) {
    const [next] = nextOccurrences(c, after, 1);
    if (!next || next.at > iso(until)) return out;
    out.push(next.localTime);
    after = next.at;
  }
}

describe('occurrences across the 2026 changes', () => {
  const cases: [string, string, string, string, string, string[]][] = [
    // zone, what, cron, from, until, expected local times
    [BERLIN, 'spring, 02:30 (in the gap): once, at 03:00', '30 2 * * *', '2026-03-27T12:00Z', '2026-03-30T12:00Z', ['2026-03-28T02:30+01:00', '2026-03-29T03:00+02:00', '2026-03-30T02:30+02:00']],
    [BERLIN, 'spring, 03:00 (outside)', '0 3 * * *', '2026-03-27T12:00Z', '2026-03-30T12:00Z', ['2026-03-28T03:00+01:00', '2026-03-29T03:00+02:00', '2026-03-30T03:00+02:00']],
    [BERLIN, 'autumn, 02:30 (repeated): once, the first', '30 2 * * *', '2026-10-23T12:00Z', '2026-10-26T12:00Z', ['2026-10-24T02:30+02:00', '2026-10-25T02:30+02:00', '2026-10-26T02:30+01:00']],
    [BERLIN, 'autumn, 04:00 (outside)', '0 4 * * *', '2026-10-23T12:00Z', '2026-10-26T12:00Z', ['2026-10-24T04:00+02:00', '2026-10-25T04:00+01:00', '2026-10-26T04:00+01:00']],
    [BERLIN, 'spring, a list in the gap: once, at 03:00', '15,45 2 * * *', '2026-03-28T12:00Z', '2026-03-29T12:00Z', ['2026-03-29T03:00+02:00']],
    [NEW_YORK, 'spring, 02:30 (in the gap): once, at 03:00', '30 2 * * *', '2026-03-06T12:00Z', '2026-03-09T12:00Z', ['2026-03-07T02:30-05:00', '2026-03-08T03:00-04:00', '2026-03-09T02:30-04:00']],
    [NEW_YORK, 'spring, 04:00 (outside)', '0 4 * * *', '2026-03-06T12:00Z', '2026-03-09T12:00Z', ['2026-03-07T04:00-05:00', '2026-03-08T04:00-04:00', '2026-03-09T04:00-04:00']],
    [NEW_YORK, 'autumn, 01:30 (repeated): once, the first', '30 1 * * *', '2026-10-30T12:00Z', '2026-11-02T12:00Z', ['2026-10-31T01:30-04:00', '2026-11-01T01:30-04:00', '2026-11-02T01:30-05:00']],
    [NEW_YORK, 'autumn, a list across the repeated hour: each time once', '30 1,2 * * *', '2026-10-31T12:00Z', '2026-11-01T12:00Z', ['2026-11-01T01:30-04:00', '2026-11-01T02:30-05:00']],
    [NEW_YORK, 'autumn, 02:30 (outside: New York repeats 01:00-02:00)', '30 2 * * *', '2026-10-30T12:00Z', '2026-11-02T12:00Z', ['2026-10-31T02:30-04:00', '2026-11-01T02:30-05:00', '2026-11-02T02:30-05:00']],
  ];
  it.each(cases)('%s %s', (zone, _what, cron, from, until, expected) => {
    expect(occurrences(cron, zone, from, until)).toEqual(expected);
  });

  it.each([
    [BERLIN, '2026-03-28T23:00Z', '2026-03-29T22:00Z', 23, '2026-03-29T02:'],
    [BERLIN, '2026-10-24T22:00Z', '2026-10-25T23:00Z', 25, null],
    [NEW_YORK, '2026-03-08T05:00Z', '2026-03-09T04:00Z', 23, '2026-03-08T02:'],
    [NEW_YORK, '2026-11-01T04:00Z', '2026-11-02T05:00Z', 25, null],
  ])('%s hourly on the local day from %s: %i runs, every real hour', (zone, dayStart, dayEnd, runs, missingHour) => {
    const local = occurrences('0 * * * *', zone, new Date(iso(dayStart) - 1).toISOString(), new Date(iso(dayEnd) - 1).toISOString());
    expect(local).toHaveLength(runs);
    if (missingHour) expect(local.some((t) => t.startsWith(missingHour))).toBe(false);
    // Real time between runs is always an hour, whatever the wall clock does.
    const c = compileSchedule({ cron: '0 * * * *', timeZone: zone });
    const ats = nextOccurrences(c, iso(dayStart) - 1, runs).map((o) => o.at);
    expect(ats.slice(1).map((at, i) => at - ats[i])).toEqual(Array(runs - 1).fill(HOUR));
  });

  it.each([
    [BERLIN, '2026-03-28T23:00Z', '2026-03-29T22:00Z', 92],
    [BERLIN, '2026-10-24T22:00Z', '2026-10-25T23:00Z', 100],
    [NEW_YORK, '2026-03-08T05:00Z', '2026-03-09T04:00Z', 92],
    [NEW_YORK, '2026-11-01T04:00Z', '2026-11-02T05:00Z', 100],
  ])('%s every 15 minutes on the local day from %s: %i runs', (zone, dayStart, dayEnd, runs) => {
    const local = occurrences('*/15 * * * *', zone, new Date(iso(dayStart) - 1).toISOString(), new Date(iso(dayEnd) - 1).toISOString());
    expect(local).toHaveLength(runs);
    expect(new Set(local).size).toBe(runs);
  });

  it('the autumn overlap runs an interval schedule at both offsets: 02:15 twice in Berlin', () => {
    const local = occurrences('*/15 * * * *', BERLIN, '2026-10-25T00:00Z', '2026-10-25T02:00Z');
    expect(local).toEqual([
      '2026-10-25T02:15+02:00', '2026-10-25T02:30+02:00', '2026-10-25T02:45+02:00',
      '2026-10-25T02:00+01:00', '2026-10-25T02:15+01:00', '2026-10-25T02:30+01:00', '2026-10-25T02:45+01:00',
      '2026-10-25T03:00+01:00',
    ]);
  });
});

describe('a scheduler on an injected clock, across the changes', () => {
  let store: TestStore;
  afterEach(() => {
    expect(takeErrors()).toEqual([]);
    store?.cleanup();
  });

  /** Starts a scheduler at `from`, moves the clock to `until`, and returns the local times of the runs it started. */
  async function started(cron: string, timeZone: string, from: string, until: string, runMs = 10 * MIN): Promise<string[]> {
    store = openTestStore();
    const clock = new FakeClock(iso(from));
    const runner = new TestRunner(clock, runMs);
    const { scheduler } = schedulerFor(store, clock, runner);
    scheduler.setDrills([drill('gpu-loss', 'chat', { cron, timeZone })]);
    await scheduler.start();
    await clock.advanceTo(iso(until));
    await scheduler.stop();
    expect(runner.overlaps).toEqual([]);
    // Started on time, every one: the timer woke at the occurrence itself.
    expect(runner.calls.map((c) => c.occurrence.lateMs)).toEqual(runner.calls.map(() => 0));
    const records = scheduler.history('gpu-loss').filter((r) => r.outcome === 'started');
    expect(records.map((r) => r.runId).sort()).toEqual(runner.calls.map((c) => c.runId).sort());
    return runner.calls.map((c) => c.occurrence.localTime);
  }

  it('Berlin, 02:30 across spring and autumn: once at 03:00, once at the first 02:30', async () => {
    expect(await started('30 2 * * *', BERLIN, '2026-03-27T12:00Z', '2026-03-30T12:00Z')).toEqual(['2026-03-28T02:30+01:00', '2026-03-29T03:00+02:00', '2026-03-30T02:30+02:00']);
    store.cleanup();
    expect(await started('30 2 * * *', BERLIN, '2026-10-23T12:00Z', '2026-10-26T12:00Z')).toEqual(['2026-10-24T02:30+02:00', '2026-10-25T02:30+02:00', '2026-10-26T02:30+01:00']);
  });

  it('New York, 02:30 in spring and 01:30 in autumn', async () => {
    expect(await started('30 2 * * *', NEW_YORK, '2026-03-06T12:00Z', '2026-03-09T12:00Z')).toEqual(['2026-03-07T02:30-05:00', '2026-03-08T03:00-04:00', '2026-03-09T02:30-04:00']);
    store.cleanup();
    expect(await started('30 1 * * *', NEW_YORK, '2026-10-30T12:00Z', '2026-11-02T12:00Z')).toEqual(['2026-10-31T01:30-04:00', '2026-11-01T01:30-04:00', '2026-11-02T01:30-05:00']);
  });

  it('a time outside the change keeps its local time on both sides', async () => {
    expect(await started('0 4 * * *', BERLIN, '2026-10-23T12:00Z', '2026-10-26T12:00Z')).toEqual(['2026-10-24T04:00+02:00', '2026-10-25T04:00+01:00', '2026-10-26T04:00+01:00']);
  });

  it('hourly through the Berlin spring night and every 15 minutes through the New York autumn night', async () => {
    const hourly = await started('0 * * * *', BERLIN, '2026-03-28T23:30Z', '2026-03-29T03:30Z');
    expect(hourly).toEqual(['2026-03-29T01:00+01:00', '2026-03-29T03:00+02:00', '2026-03-29T04:00+02:00', '2026-03-29T05:00+02:00']);
    store.cleanup();
    const quarterly = await started('*/15 * * * *', NEW_YORK, '2026-11-01T04:50Z', '2026-11-01T07:05Z', 5 * MIN);
    expect(quarterly).toEqual([
      '2026-11-01T01:00-04:00', '2026-11-01T01:15-04:00', '2026-11-01T01:30-04:00', '2026-11-01T01:45-04:00',
      '2026-11-01T01:00-05:00', '2026-11-01T01:15-05:00', '2026-11-01T01:30-05:00', '2026-11-01T01:45-05:00',
      '2026-11-01T02:00-05:00',
    ]);
  });

  it('a whole local day: 23 hourly runs on the spring day, 25 on the autumn day (New York)', async () => {
    const spring = await started('0 * * * *', NEW_YORK, '2026-03-08T04:59Z', '2026-03-09T03:59Z');
    expect(spring).toHaveLength(23);
    expect(spring.every((t) => t.startsWith('2026-03-08'))).toBe(true);
    store.cleanup();
    const autumn = await started('0 * * * *', NEW_YORK, '2026-11-01T03:59Z', '2026-11-02T04:59Z');
    expect(autumn).toHaveLength(25);
    expect(autumn.every((t) => t.startsWith('2026-11-01'))).toBe(true);
  }, 30_000);

  it('a week of a weekly drill spanning the change starts it once', async () => {
    const weekly = await started('0 3 * * 0', BERLIN, '2026-03-23T00:00Z', new Date(iso('2026-03-23T00:00Z') + 14 * DAY).toISOString());
    expect(weekly).toEqual(['2026-03-29T03:00+02:00', '2026-04-05T03:00+02:00']);
  });
});
