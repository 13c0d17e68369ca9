/**
 * Blackout windows: recurring (a cron start and a wall-clock duration) and one-off (local from/to),
 * on ordinary days and across DST; local times that a change skips or repeats; and a scheduler
 * that starts nothing inside one — neither on time nor late.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blackoutAt, compileSchedule, nextOccurrences } from '../../../electron/core/drills/schedule/occurrences';
import { addWallClock, formatLocal, instantsOfWallTime, resolveWallTime } from '../../../electron/core/drills/schedule/zoned-time';
import { drill, FakeClock, HOUR, MIN, openTestStore, schedulerFor, takeErrors, TestRunner, type TestStore } from './schedule-harness';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const iso = (s: string) => Date.parse(s);

describe('local wall-clock time in a zone', () => {
  it('an ordinary time is one instant, a repeated one two, a skipped one none', () => {
    expect(instantsOfWallTime({ year: 2026, month: 6, day: 1, hour: 12, minute: 0 }, BERLIN)).toEqual([iso('2026-06-01T10:00Z')]);
    expect(instantsOfWallTime({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, BERLIN)).toEqual([iso('2026-10-25T00:30Z'), iso('2026-10-25T01:30Z')]);
    expect(instantsOfWallTime({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, BERLIN)).toEqual([]);
    expect(instantsOfWallTime({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, NEW_YORK)).toEqual([iso('2026-11-01T05:30Z'), iso('2026-11-01T06:30Z')]);
    expect(instantsOfWallTime({ year: 2026, month: 3, day: 8, hour: 2, minute: 0 }, NEW_YORK)).toEqual([]);
  });

  it('a window bound: the earlier of a repeated time to start, the later to end, the end of the gap for a skipped one', () => {
    const repeated = { year: 2026, month: 10, day: 25, hour: 2, minute: 30 };
    expect(resolveWallTime(repeated, BERLIN, 'start')).toBe(iso('2026-10-25T00:30Z'));
    expect(resolveWallTime(repeated, BERLIN, 'end')).toBe(iso('2026-10-25T01:30Z'));
    const skipped = { year: 2026, month: 3, day: 29, hour: 2, minute: 30 };
    expect(resolveWallTime(skipped, BERLIN, 'start')).toBe(iso('2026-03-29T01:00Z'));
    expect(resolveWallTime(skipped, BERLIN, 'end')).toBe(iso('2026-03-29T01:00Z'));
    expect(resolveWallTime({ year: 2026, month: 3, day: 8, hour: 2, minute: 59 }, NEW_YORK, 'start')).toBe(iso('2026-03-08T07:00Z'));
  });

  it('formats an instant with the offset in force', () => {
    expect(formatLocal(iso('2026-03-29T00:59Z'), BERLIN)).toBe('2026-03-29T01:59+01:00');
    expect(formatLocal(iso('2026-03-29T01:00Z'), BERLIN)).toBe('2026-03-29T03:00+02:00');
    expect(formatLocal(iso('2026-11-01T06:30Z'), NEW_YORK)).toBe('2026-11-01T01:30-05:00');
    expect(formatLocal(iso('2026-07-01T00:00Z'), 'Asia/Kolkata')).toBe('2026-07-01T05:30+05:30');
  });

  it('adds wall-clock time: 22:00 plus 8 hours is 06:00 on both change nights', () => {
    expect(formatLocal(addWallClock(iso('2026-03-28T21:00Z'), 8 * HOUR, BERLIN, 'end'), BERLIN)).toBe('2026-03-29T06:00+02:00');
    expect(formatLocal(addWallClock(iso('2026-10-24T20:00Z'), 8 * HOUR, BERLIN, 'end'), BERLIN)).toBe('2026-10-25T06:00+01:00');
  });
});

describe('blackout windows', () => {
  it('recurring on weekdays: 08:00 up to 18:00 local, not on Saturday', () => {
    const c = compileSchedule({ cron: '0 * * * *', timeZone: BERLIN, blackouts: [{ cron: '0 8 * * 1-5', duration: '10h' }] });
    // Monday 30 March 2026 (CEST, +02:00).
    expect(blackoutAt(c, iso('2026-03-30T05:59Z'))).toBeNull();
    expect(blackoutAt(c, iso('2026-03-30T06:00Z'))).toEqual({ index: 0, kind: 'recurring', from: iso('2026-03-30T06:00Z'), to: iso('2026-03-30T16:00Z') });
    expect(blackoutAt(c, iso('2026-03-30T15:59Z'))).not.toBeNull();
    expect(blackoutAt(c, iso('2026-03-30T16:00Z'))).toBeNull();
    expect(blackoutAt(c, iso('2026-04-04T10:00Z'))).toBeNull();
  });

  it('recurring over a change night ends at its local time: 7 real hours in spring, 9 in autumn', () => {
    const c = compileSchedule({ cron: '0 * * * *', timeZone: BERLIN, blackouts: [{ cron: '0 22 * * *', duration: '8h' }] });
    const spring = blackoutAt(c, iso('2026-03-29T03:59Z'));
    expect(spring).toEqual({ index: 0, kind: 'recurring', from: iso('2026-03-28T21:00Z'), to: iso('2026-03-29T04:00Z') });
    expect(blackoutAt(c, iso('2026-03-29T04:00Z'))).toBeNull();
    // 05:30 local on the autumn morning is still blacked out (an elapsed 8 h would have ended at 05:00).
    const autumn = blackoutAt(c, iso('2026-10-25T04:30Z'));
    expect(autumn).toEqual({ index: 0, kind: 'recurring', from: iso('2026-10-24T20:00Z'), to: iso('2026-10-25T05:00Z') });
    expect(blackoutAt(c, iso('2026-10-25T05:00Z'))).toBeNull();
  });

  it('one-off, in local time: from its first instant up to (not including) its last', () => {
    const c = compileSchedule({ cron: '0 3 * * 2', timeZone: BERLIN, blackouts: [{ from: '2026-12-20T00:00', to: '2027-01-04T00:00' }] });
    expect(blackoutAt(c, iso('2026-12-19T22:59:59Z'))).toBeNull();
    expect(blackoutAt(c, iso('2026-12-19T23:00Z'))).toEqual({ index: 0, kind: 'one-off', from: iso('2026-12-19T23:00Z'), to: iso('2027-01-03T23:00Z') });
    expect(blackoutAt(c, iso('2027-01-03T22:59:59Z'))).not.toBeNull();
    expect(blackoutAt(c, iso('2027-01-03T23:00Z'))).toBeNull();
  });

  it('one-off bounds the changes skip or repeat: from the end of the spring gap to the second 02:30 of autumn', () => {
    const c = compileSchedule({ cron: '0 3 * * 2', timeZone: BERLIN, blackouts: [{ from: '2026-03-29T02:30', to: '2026-10-25T02:30' }] });
    expect(blackoutAt(c, iso('2026-03-29T00:59:59Z'))).toBeNull();
    expect(blackoutAt(c, iso('2026-03-29T01:00Z'))).not.toBeNull();
    expect(blackoutAt(c, iso('2026-10-25T01:29:59Z'))).not.toBeNull();
    expect(blackoutAt(c, iso('2026-10-25T01:30Z'))).toBeNull();
  });

  it('the next five run times say which a blackout will keep from starting', () => {
    const c = compileSchedule({ cron: '0 3 * * 2', timeZone: BERLIN, blackouts: [{ from: '2026-12-20T00:00', to: '2027-01-04T00:00' }] });
    const next = nextOccurrences(c, iso('2026-12-10T00:00Z'), 5);
    expect(next.map((o) => [o.localTime, o.blackout?.kind ?? null])).toEqual([
      ['2026-12-15T03:00+01:00', null],
      ['2026-12-22T03:00+01:00', 'one-off'],
      ['2026-12-29T03:00+01:00', 'one-off'],
      ['2027-01-05T03:00+01:00', null],
      ['2027-01-12T03:00+01:00', null],
    ]);
  });
});

describe('a scheduler honours blackouts', () => {
  let store: TestStore;
  afterEach(() => {
    expect(takeErrors()).toEqual([]);
    store?.cleanup();
  });

  it('starts an hourly drill outside business hours only, and records the ones inside as skipped', async () => {
    store = openTestStore();
    const clock = new FakeClock(iso('2026-03-29T22:30Z')); // Monday 00:30 local
    const runner = new TestRunner(clock, 10 * MIN);
    const { scheduler } = schedulerFor(store, clock, runner);
    scheduler.setDrills([drill('replica-down', 'chat', { cron: '0 * * * *', timeZone: BERLIN, blackouts: [{ cron: '0 8 * * 1-5', duration: '10h' }] })]);
    await scheduler.start();
    await clock.advanceTo(iso('2026-03-30T21:59Z')); // Monday 23:59 local
    await scheduler.stop();
    const hours = (list: string[]) => list.map((t) => Number(t.slice(11, 13)));
    expect(hours(runner.calls.map((c) => c.occurrence.localTime))).toEqual([1, 2, 3, 4, 5, 6, 7, 18, 19, 20, 21, 22, 23]);
    const skipped = scheduler.history('replica-down').filter((r) => r.outcome === 'skipped');
    expect(skipped.every((r) => r.reason === 'blackout')).toBe(true);
    expect(hours(skipped.map((r) => r.localTime)).sort((a, b) => a - b)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(skipped[0].detail).toMatchObject({ blackout: { index: 0, kind: 'recurring' } });
  });

  it('does not start late into a blackout that began after the occurrence', async () => {
    store = openTestStore();
    const clock = new FakeClock(iso('2026-03-30T03:00Z'));
    const runner = new TestRunner(clock, 10 * MIN);
    const rig = schedulerFor(store, clock, runner);
    const schedule = { cron: '0 7 * * *', timeZone: BERLIN, startingDeadline: '2h', blackouts: [{ cron: '0 8 * * 1-5', duration: '10h' }] };
    rig.scheduler.setDrills([drill('replica-down', 'chat', schedule)]);
    await rig.scheduler.start();
    await rig.scheduler.stop();
    // Down over 07:00 local (05:00Z); back at 08:30 local: inside the deadline, inside the blackout.
    clock.jumpTo(iso('2026-03-30T06:30Z'));
    const again = schedulerFor(store, clock, runner, { pid: 5000 });
    again.scheduler.setDrills([drill('replica-down', 'chat', schedule)]);
    const records = await again.scheduler.start();
    await again.scheduler.stop();
    expect(runner.calls).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'skipped', reason: 'blackout', localTime: '2026-03-30T07:00+02:00', lateMs: 90 * MIN });
  });
});
