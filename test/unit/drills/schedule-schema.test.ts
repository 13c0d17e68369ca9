/**
 * The `schedule:` block of a drill file (shared/drill-schedule.ts): what it accepts, the defaults
 * it fills in, and the message each mistake gets — a cron the library refuses, a zone Intl does
 * not know, a duration, a blackout that ends before it starts, a key that does not exist.
 */
import { describe, expect, it } from 'vitest';
import { DrillSchedule, parseDurationMs } from '../../../shared/drill-schedule';

function problems(input: unknown): string[] {
  const r = DrillSchedule.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('the schedule block', () => {
  it('takes the full example and fills the defaults of a short one', () => {
    const full = {
      cron: '0 3 * * 2',
      timeZone: 'Europe/Berlin',
      blackouts: [{ cron: '0 8 * * 1-5', duration: '10h' }, { from: '2026-12-20T00:00', to: '2027-01-04T00:00' }],
      concurrency: 'forbid',
      startingDeadline: '15m',
      historyLimit: 50,
      paused: false,
    };
    expect(DrillSchedule.parse(full)).toEqual(full);
    expect(DrillSchedule.parse({ cron: '*/15 * * * *', timeZone: 'America/New_York' })).toEqual({
      cron: '*/15 * * * *',
      timeZone: 'America/New_York',
      blackouts: [],
      concurrency: 'forbid',
      startingDeadline: '15m',
      historyLimit: 50,
      paused: false,
    });
  });

  it.each([
    ['0 3 * *', 'cron: cron "0 3 * *" has 4 fields; a drill schedule has five fields: minute hour day-of-month month day-of-week, like "0 3 * * 2"'],
    ['0 0 3 * * 2', 'cron: cron "0 0 3 * * 2" has 6 fields; a drill schedule has five fields: minute hour day-of-month month day-of-week, like "0 3 * * 2"'],
    ['@daily', 'cron: cron "@daily" has 1 field; a drill schedule has five fields: minute hour day-of-month month day-of-week, like "0 3 * * 2"'],
    ['61 3 * * 2', 'cron: cron "61 3 * * 2": Invalid value for minute: 61 (five fields: minute hour day-of-month month day-of-week, like "0 3 * * 2")'],
    ['0 3 * * 8', 'cron: cron "0 3 * * 8": Invalid value for dayOfWeek: 8 (five fields: minute hour day-of-month month day-of-week, like "0 3 * * 2")'],
    ['0 0 30 2 *', 'cron: cron "0 0 30 2 *" never matches a date'],
  ])('refuses cron %j', (cron, message) => {
    expect(problems({ cron, timeZone: 'UTC' })).toEqual([message]);
  });

  it('takes what Vixie cron and croner agree on: names, ranges, steps, 7 for Sunday', () => {
    for (const cron of ['0 3 * * tue', '0 3 * * 7', '*/20 1-5 * * 1-5', '15,45 2 * * *', '0 3 1 jan,jul *']) expect(problems({ cron, timeZone: 'UTC' })).toEqual([]);
  });

  it.each([
    ['Mars/Olympus', 'timeZone: "Mars/Olympus" is not an IANA time zone this runtime knows (like Europe/Berlin or America/New_York)'],
    ['+01:00', 'timeZone: "+01:00" is not an IANA time zone name (like Europe/Berlin or America/New_York)'],
    ['europe/berlin', 'timeZone: write the time zone as Europe/Berlin'],
  ])('refuses time zone %j', (timeZone, message) => {
    expect(problems({ cron: '0 3 * * 2', timeZone })).toEqual([message]);
  });

  it('durations: a whole number and one of s, m, h, d', () => {
    expect([parseDurationMs('90s'), parseDurationMs('15m'), parseDurationMs('10h'), parseDurationMs('1d')]).toEqual([90_000, 900_000, 36_000_000, 86_400_000]);
    for (const bad of ['0m', '1.5h', '15', '15 m', '1w', '-5m', '']) {
      expect(parseDurationMs(bad)).toBeNull();
      expect(problems({ cron: '0 3 * * 2', timeZone: 'UTC', startingDeadline: bad })).toEqual(['startingDeadline: a duration is a whole number and one unit: 90s, 15m, 10h or 1d']);
    }
  });

  it('blackouts: each shape checked, a window must end after it starts, dates must exist', () => {
    expect(
      problems({
        cron: '0 3 * * 2',
        timeZone: 'Europe/Berlin',
        blackouts: [
          { from: '2027-01-04T00:00', to: '2026-12-20T00:00' },
          { from: '2026-02-30T00:00', to: '2026-03-02T00:00' },
          { cron: '0 8 * * 1-5', duration: 'all day' },
          { cron: '0 8 * * 1-5' },
        ],
      }),
    ).toEqual([
      'blackouts.0: a blackout ends after it starts: "to" must be later than "from"',
      'blackouts.1.from: a local time is a real date and time as YYYY-MM-DDTHH:MM, like 2026-12-20T00:00',
      'blackouts.2.duration: a duration is a whole number and one unit: 90s, 15m, 10h or 1d',
      expect.stringMatching(/^blackouts\.3/),
    ]);
  });

  it('refuses unknown keys, other concurrency policies and a history limit below 1', () => {
    expect(problems({ cron: '0 3 * * 2', timeZone: 'UTC', timezone: 'UTC' })).toEqual([': Unrecognized key: "timezone"']);
    expect(problems({ cron: '0 3 * * 2', timeZone: 'UTC', concurrency: 'allow' })).toHaveLength(1);
    expect(problems({ cron: '0 3 * * 2', timeZone: 'UTC', historyLimit: 0 })).toHaveLength(1);
    expect(problems({ cron: '0 3 * * 2', timeZone: 'UTC', blackouts: [{ from: '2026-12-20T00:00', to: '2027-01-04T00:00', cron: '* * * * *' }] })).not.toEqual([]);
  });
});
