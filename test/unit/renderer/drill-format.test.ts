import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { drillHistory } from '../../../electron/core/drills/report/drill-history';
import type { DrillList } from '../../../shared/drill-run';
import { applyDrillRun, mergeDrillRunIntoList } from '../../../renderer/src/api/drill-cache';
import { drillQueries } from '../../../renderer/src/api/queries/drills';
import { describeSchedule, drillClock, drillPlotColumns, drillPlotWindowMs, formatZoned, liveDerived, milestoneMarkers, trendColumns } from '../../../renderer/src/model/drill-format';
import { T0, runFixture, secondsFixture } from '../drills/report/run-fixture';

describe('a drill schedule in words', () => {
  it.each([
    ['0 3 * * 2', 'Europe/Berlin', 'every Tuesday at 03:00 (Europe/Berlin)'],
    ['30 2 * * *', 'America/New_York', 'every day at 02:30 (America/New_York)'],
    ['*/15 * * * *', 'UTC', 'every 15 minutes (UTC)'],
    ['5 * * * *', 'UTC', 'every hour at :05 (UTC)'],
    ['0 */6 * * *', 'UTC', 'every 6 hours at :00 (UTC)'],
    ['0 9 * * 1-5', 'UTC', 'every Monday to Friday at 09:00 (UTC)'],
    ['0 9 * * 6,0', 'UTC', 'every Saturday and Sunday at 09:00 (UTC)'],
    ['0 4 1 * *', 'UTC', 'on day 1 of every month at 04:00 (UTC)'],
    ['0 4 24 12 *', 'UTC', 'every year on 24 December at 04:00 (UTC)'],
  ])('%s in %s is "%s"', (cron, zone, words) => {
    expect(describeSchedule(cron, zone)).toBe(words);
  });

  it('shows what it cannot say simply as the expression, never a guess', () => {
    expect(describeSchedule('0 3 1-7 * 2', 'UTC')).toBe('cron "0 3 1-7 * 2" (UTC)');
    expect(describeSchedule('15,45 2 * * *', 'UTC')).toBe('cron "15,45 2 * * *" (UTC)');
  });
});

describe('drill times and clock', () => {
  it("shows a time as the drill's zone's clock and names the zone", () => {
    // 2026-03-29 01:00 UTC: Berlin has just sprung forward (03:00 CEST), New York is on daylight time (GMT-4).
    expect(formatZoned(T0, 'Europe/Berlin')).toBe('Sun, 29 Mar 2026, 03:00 CEST');
    expect(formatZoned(T0, 'America/New_York')).toBe('Sat, 28 Mar 2026, 21:00 GMT-4');
  });

  it('counts from the injection, before it from the start, and stops at the end', () => {
    expect(drillClock({ startedAt: T0 - 4_000, injectedAt: null, endedAt: null }, T0)).toBe('T−00:04');
    expect(drillClock({ startedAt: T0 - 4_000, injectedAt: T0, endedAt: null }, T0 + 83_500)).toBe('T+01:23');
    expect(drillClock({ startedAt: T0, injectedAt: T0, endedAt: T0 + 3_723_000 }, T0 + 9_999_999)).toBe('T+1:02:03');
  });
});

describe('the live plot of a drill run', () => {
  it('has per second the success % of the probes (none sent: a gap) and their p95, in time order', () => {
    const seconds = secondsFixture(4, { 0: 5, 1: 1 });
    const columns = drillPlotColumns({ seconds: [seconds[3], { ...seconds[0], sent: 0, failed: 0 }, seconds[2], seconds[1]] });
    expect(columns.ts).toEqual([T0 - 2000, T0 - 1000, T0, T0 + 1000]);
    expect(columns.values.success).toEqual([null, 100, 0, 80]);
    expect(columns.values.p95).toEqual([40, 41, null, 43]);
  });

  it('shows the whole run from its start, and at least 20 s', () => {
    expect(drillPlotWindowMs({ startedAt: T0, endedAt: null, seconds: [] }, T0 + 3_000)).toBe(20_000);
    expect(drillPlotWindowMs({ startedAt: T0, endedAt: null, seconds: secondsFixture(3) }, T0 + 60_000)).toBe(64_000);
    expect(drillPlotWindowMs({ startedAt: T0, endedAt: T0 + 90_000, seconds: [] }, T0 + 999_999)).toBe(92_000);
  });

  it('marks every milestone at its time', () => {
    const run = runFixture();
    const markers = milestoneMarkers(run);
    expect(markers.map((m) => m.ts)).toEqual(run.milestones.map((m) => m.at));
    expect(markers.find((m) => m.label.startsWith('HAProxy marked'))).toMatchObject({ label: 'HAProxy marked the server DOWN (lb/llama/lab-r1)', color: '--unreachable' });
  });

  it("plots the history's runs at their start and names the flagged ones", () => {
    const base = runFixture();
    const runs = [10, 11, 12, 10, 11, 30].map((recover, i) => runFixture({ id: `r${i}`, startedAt: T0 + i * 1000, endedAt: T0 + i * 1000 + 1, derived: { ...base.derived, recoverSeconds: recover } }));
    const t = trendColumns(drillHistory('replica-maint', runs));
    expect(t.values.recover).toEqual([10, 11, 12, 10, 11, 30]);
    expect(t.flagged).toEqual([{ ts: T0 + 5000, label: 'r5' }]);
  });
});

describe('drill runs in the query cache', () => {
  const running = runFixture({ id: 'a', status: 'observing', phase: 'observing', endedAt: null, expectations: [] });
  const ended = runFixture({ id: 'a' });

  it('puts a new run first in the lists of its drill and of every drill, not in another drill’s', () => {
    const other = runFixture({ id: 'b', drill: 'region-down' });
    expect(mergeDrillRunIntoList([other], running, '*')?.map((r) => r.id)).toEqual(['a', 'b']);
    expect(mergeDrillRunIntoList([other], running, 'region-down')?.map((r) => r.id)).toEqual(['b']);
    expect(mergeDrillRunIntoList(undefined, running, '*')).toBeUndefined();
  });

  it('keeps an ended run ended when an older push arrives after it', () => {
    const list = [ended];
    expect(mergeDrillRunIntoList(list, running, '*')).toBe(list);
    expect(mergeDrillRunIntoList([running], ended, '*')).toEqual([ended]);
  });

  it('folds a push into the run, the lists and the drill list, and refetches what an ended run changes', async () => {
    const client = new QueryClient();
    const list: DrillList = {
      drills: [{ name: 'replica-maint', description: 'd', source: 'builtin', file: 'f', faultKind: 'lb-maint', response: 'none', schedule: null, lastRun: { id: 'a', status: 'injecting', startedAt: running.startedAt, endedAt: null } }],
      errors: [],
      stopAll: { engaged: false, since: null, by: null },
    };
    client.setQueryData(drillQueries.list().queryKey, list);
    client.setQueryData(drillQueries.runs(null).queryKey, []);
    client.setQueryData(drillQueries.runs('replica-maint').queryKey, []);
    applyDrillRun(client, running);
    expect(client.getQueryData(drillQueries.run('a').queryKey)?.status).toBe('observing');
    expect(client.getQueryData(drillQueries.runs(null).queryKey)?.map((r) => r.id)).toEqual(['a']);
    expect(client.getQueryData(drillQueries.runs('replica-maint').queryKey)?.map((r) => r.id)).toEqual(['a']);
    // The phase of the last run is patched in, not fetched.
    expect(client.getQueryData(drillQueries.list().queryKey)?.drills[0].lastRun?.status).toBe('observing');
    expect(client.getQueryState(drillQueries.list().queryKey)?.isInvalidated).toBe(false);
    client.setQueryData(drillQueries.history('replica-maint').queryKey, drillHistory('replica-maint', []));
    applyDrillRun(client, ended);
    expect(client.getQueryState(drillQueries.list().queryKey)?.isInvalidated).toBe(true);
    expect(client.getQueryState(drillQueries.history('replica-maint').queryKey)?.isInvalidated).toBe(true);
    // A late push of the running state does not undo the end.
    applyDrillRun(client, running);
    expect(client.getQueryData(drillQueries.run('a').queryKey)?.status).toBe('passed');
    client.clear();
  });
});

describe('the derived times of a run still going', () => {
  it('are read off the milestones and the seconds so far; an ended run keeps what the runner derived', () => {
    const ended = runFixture();
    const running = runFixture({ status: 'responding', phase: 'responding', endedAt: null, expectations: [], derived: { ...ended.derived, detectSeconds: null, lbDetectSeconds: null, recoverSeconds: null, mitigateSeconds: null, requestsSent: 0, requestsFailed: 0, failedRatio: null } });
    const d = liveDerived(running);
    expect([d.detectSeconds, d.lbDetectSeconds, d.mitigateSeconds, d.recoverSeconds, d.responseSeconds]).toEqual([6, 4, 8, 17, null]);
    // secondsFixture(20): 5 probes a second, 3 failed.
    expect([d.requestsSent, d.requestsFailed, d.failedRatio]).toEqual([100, 3, 0.03]);
    expect(liveDerived(ended)).toBe(ended.derived);
  });
});
