/**
 * The DrillScheduler's promises on an injected clock, against a real store file: the starting
 * deadline after downtime (one late start, or missed), forbid while the last run runs, one drill
 * per service and the global cap, pause/resume and stop-all kept in the store, the runner's
 * refusals, a claim whose process died, the history limit, and the next five run times.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DrillScheduler, type ScheduledDrill } from '../../../electron/core/drills/schedule/scheduler';
import { FleetError } from '../../../shared/errors';
import { alivePids, DAY, drill, FakeClock, HOUR, MIN, openTestStore, ownerFor, schedulerFor, takeErrors, TestRunner, type TestStore } from './schedule-harness';

const BERLIN = 'Europe/Berlin';
const iso = (s: string) => Date.parse(s);
// 03:00 in Berlin every day; 2026-06-01 is a Monday (CEST, +02:00): 03:00 local is 01:00Z.
const DAILY: ScheduledDrill = drill('gpu-loss', 'chat', { cron: '0 3 * * *', timeZone: BERLIN, startingDeadline: '15m' });

let store: TestStore;
let clock: FakeClock;
beforeEach(() => {
  store = openTestStore();
  clock = new FakeClock(iso('2026-06-01T00:00Z'));
});
afterEach(() => {
  expect(takeErrors()).toEqual([]);
  store.cleanup();
});

/** A console that was running until now, then stopped: its scheduler knows the drill up to now. */
async function consoleRanUntilNow(runner: TestRunner, drills: ScheduledDrill[], pid = 1000) {
  const rig = schedulerFor(store, clock, runner, { pid });
  rig.scheduler.setDrills(drills);
  await rig.scheduler.start();
  await rig.scheduler.stop();
  rig.owner.end();
  return rig;
}

describe('the starting deadline, after downtime', () => {
  it('a console back 10 minutes after the occurrence starts it late', async () => {
    const runner = new TestRunner(clock, 10 * MIN);
    await consoleRanUntilNow(runner, [DAILY]);
    clock.jumpTo(iso('2026-06-01T01:10Z'));
    const { scheduler } = schedulerFor(store, clock, runner, { pid: 2000 });
    scheduler.setDrills([DAILY]);
    const records = await scheduler.start();
    await scheduler.stop();
    expect(runner.calls.map((c) => [c.occurrence.localTime, c.occurrence.lateMs])).toEqual([['2026-06-01T03:00+02:00', 10 * MIN]]);
    expect(records).toMatchObject([{ outcome: 'started', lateMs: 10 * MIN, runId: 'run-1' }]);
  });

  it('back 20 minutes after it, past the 15-minute deadline: missed, not started', async () => {
    const runner = new TestRunner(clock, 10 * MIN);
    await consoleRanUntilNow(runner, [DAILY]);
    clock.jumpTo(iso('2026-06-01T01:20Z'));
    const { scheduler } = schedulerFor(store, clock, runner, { pid: 2000 });
    scheduler.setDrills([DAILY]);
    const records = await scheduler.start();
    await scheduler.stop();
    expect(runner.calls).toEqual([]);
    expect(records).toMatchObject([{ outcome: 'missed', reason: 'deadline', lateMs: 20 * MIN, localTime: '2026-06-01T03:00+02:00' }]);
  });

  it('down three days: the two older ones missed, only the latest started late', async () => {
    const runner = new TestRunner(clock, 10 * MIN);
    await consoleRanUntilNow(runner, [DAILY]);
    clock.jumpTo(iso('2026-06-03T01:05Z'));
    const { scheduler } = schedulerFor(store, clock, runner, { pid: 2000 });
    scheduler.setDrills([DAILY]);
    await scheduler.start();
    await scheduler.stop();
    expect(runner.calls.map((c) => c.occurrence.localTime)).toEqual(['2026-06-03T03:00+02:00']);
    expect(scheduler.history('gpu-loss').map((r) => [r.localTime, r.outcome, r.reason])).toEqual([
      ['2026-06-03T03:00+02:00', 'started', null],
      ['2026-06-02T03:00+02:00', 'missed', 'deadline'],
      ['2026-06-01T03:00+02:00', 'missed', 'deadline'],
    ]);
  });

  it('down a long time: only the newest historyLimit are listed, the oldest saying earlier ones were not', async () => {
    const runner = new TestRunner(clock, 1 * MIN);
    const quarterly = drill('lb-drain', 'chat', { cron: '*/15 * * * *', timeZone: BERLIN, historyLimit: 5 });
    await consoleRanUntilNow(runner, [quarterly]);
    clock.jumpTo(iso('2026-06-02T00:00Z'));
    const { scheduler } = schedulerFor(store, clock, runner, { pid: 2000 });
    scheduler.setDrills([quarterly]);
    await scheduler.start();
    await scheduler.stop();
    const history = scheduler.history('lb-drain');
    expect(history.map((r) => r.scheduledAt)).toEqual([0, 15, 30, 45, 60].map((m) => iso('2026-06-02T00:00Z') - m * MIN));
    expect(history[0].outcome).toBe('started');
    expect(history.slice(1).every((r) => r.outcome === 'missed')).toBe(true);
    expect(history[4].detail).toMatchObject({ earlierNotListed: true, evaluatedUntil: iso('2026-06-01T00:00Z') });
  });

  it('a drill seen for the first time owes nothing from before', async () => {
    clock.jumpTo(iso('2026-06-01T01:05Z'));
    const runner = new TestRunner(clock, 10 * MIN);
    const { scheduler } = schedulerFor(store, clock, runner);
    scheduler.setDrills([DAILY]);
    expect(await scheduler.start()).toEqual([]);
    await scheduler.stop();
    expect(scheduler.history('gpu-loss')).toEqual([]);
  });
});

describe('never two at once', () => {
  it('forbid: an occurrence while the last run still runs is skipped, the next one after it ended starts', async () => {
    const runner = new TestRunner(clock, 90 * MIN);
    const { scheduler } = schedulerFor(store, clock, runner);
    scheduler.setDrills([drill('slow', 'chat', { cron: '0 * * * *', timeZone: BERLIN })]);
    await scheduler.start();
    await clock.advanceTo(iso('2026-06-01T04:30Z'));
    await scheduler.stop();
    expect(runner.overlaps).toEqual([]);
    expect(scheduler.history('slow').reverse().map((r) => [r.localTime.slice(11, 16), r.outcome, r.reason])).toEqual([
      ['03:00', 'started', null],
      ['04:00', 'skipped', 'still-running'],
      ['05:00', 'started', null],
      ['06:00', 'skipped', 'still-running'],
    ]);
    expect(scheduler.history('slow')[0].detail).toMatchObject({ runId: 'run-2' });
  });

  it('one drill per service: the second drill on the same service is skipped', async () => {
    const runner = new TestRunner(clock, 30 * MIN, 2);
    const { scheduler } = schedulerFor(store, clock, runner, { globalCap: 2 });
    scheduler.setDrills([
      drill('a-gpu-loss', 'chat', { cron: '0 3 * * *', timeZone: BERLIN }),
      drill('b-replica-down', 'chat', { cron: '0 3 * * *', timeZone: BERLIN }),
      drill('c-lb-drain', 'embeddings', { cron: '0 3 * * *', timeZone: BERLIN }),
    ]);
    await scheduler.start();
    await clock.advanceTo(iso('2026-06-01T02:00Z'));
    await scheduler.stop();
    expect(runner.overlaps).toEqual([]);
    expect(runner.calls.map((c) => c.drill)).toEqual(['a-gpu-loss', 'c-lb-drain']);
    expect(scheduler.history('b-replica-down')).toMatchObject([{ outcome: 'skipped', reason: 'service-busy', detail: { drill: 'a-gpu-loss' } }]);
    expect(runner.maxConcurrent).toBe(2);
  });

  it('the global cap: with cap 1, a drill on another service waits its turn (skipped)', async () => {
    const runner = new TestRunner(clock, 30 * MIN, 1);
    const { scheduler } = schedulerFor(store, clock, runner);
    scheduler.setDrills([drill('a-gpu-loss', 'chat', { cron: '0 3 * * *', timeZone: BERLIN }), drill('c-lb-drain', 'embeddings', { cron: '0 3 * * *', timeZone: BERLIN })]);
    await scheduler.start();
    await clock.advanceTo(iso('2026-06-01T02:00Z'));
    await scheduler.stop();
    expect(runner.overlaps).toEqual([]);
    expect(runner.calls.map((c) => c.drill)).toEqual(['a-gpu-loss']);
    expect(scheduler.history('c-lb-drain')).toMatchObject([{ outcome: 'skipped', reason: 'global-cap', detail: { cap: 1, running: ['a-gpu-loss'] } }]);
  });

  it('three days of overlapping schedules on three services under cap 2 never overstep', async () => {
    const runner = new TestRunner(clock, 50 * MIN, 2);
    const { scheduler } = schedulerFor(store, clock, runner, { globalCap: 2 });
    scheduler.setDrills([
      drill('chat-quarterly', 'chat', { cron: '*/15 * * * *', timeZone: BERLIN }),
      drill('chat-hourly', 'chat', { cron: '5 * * * *', timeZone: BERLIN }),
      drill('embed-hourly', 'embeddings', { cron: '0 * * * *', timeZone: 'America/New_York' }),
      drill('rerank-20', 'rerank', { cron: '*/20 * * * *', timeZone: BERLIN }),
    ]);
    await scheduler.start();
    await clock.advanceTo(clock.now() + 3 * DAY);
    await scheduler.stop();
    expect(runner.overlaps).toEqual([]);
    expect(runner.maxConcurrent).toBe(2);
    const reasons = new Set(['chat-quarterly', 'chat-hourly', 'embed-hourly', 'rerank-20'].flatMap((d) => scheduler.history(d).map((r) => r.reason)));
    expect([...reasons].sort()).toEqual(expect.arrayContaining(['global-cap', 'service-busy', 'still-running']));
  }, 30_000);
});

describe('pause, resume and stop-all live in the store', () => {
  it('paused in one process, the scheduler of another skips; resumed, it starts again', async () => {
    const runner = new TestRunner(clock, 10 * MIN);
    const { scheduler } = schedulerFor(store, clock, runner);
    scheduler.setDrills([DAILY]);
    await scheduler.start();
    const other = schedulerFor(store, clock, new TestRunner(clock, 10 * MIN), { pid: 3000 });
    other.scheduler.setDrills([DAILY]);
    expect(other.scheduler.pause('gpu-loss', 'bob')).toBe(true);
    expect(other.scheduler.pause('gpu-loss', 'bob')).toBe(false);
    expect(scheduler.upcoming('gpu-loss').paused).toBe(true);
    await clock.advanceTo(iso('2026-06-02T00:00Z'));
    expect(other.scheduler.resume('gpu-loss', 'bob')).toBe(true);
    await clock.advanceTo(iso('2026-06-03T00:00Z'));
    await scheduler.stop();
    expect(scheduler.history('gpu-loss').map((r) => [r.localTime.slice(0, 10), r.outcome, r.reason])).toEqual([
      ['2026-06-02', 'started', null],
      ['2026-06-01', 'skipped', 'paused'],
    ]);
    expect(scheduler.history('gpu-loss')[1].detail).toMatchObject({ pausedBy: 'bob' });
  });

  it('the file says paused: skipped from the start; the file edited to unpaused resumes it', async () => {
    const runner = new TestRunner(clock, 10 * MIN);
    const { scheduler } = schedulerFor(store, clock, runner);
    scheduler.setDrills([{ ...DAILY, schedule: { ...(DAILY.schedule as object), paused: true } as ScheduledDrill['schedule'] }]);
    await scheduler.start();
    await clock.advanceTo(iso('2026-06-02T00:00Z'));
    scheduler.setDrills([DAILY]);
    await clock.advanceTo(iso('2026-06-03T00:00Z'));
    await scheduler.stop();
    expect(scheduler.history('gpu-loss').map((r) => r.outcome)).toEqual(['started', 'skipped']);
    expect(scheduler.history('gpu-loss')[1].detail).toMatchObject({ pausedBy: 'drill file' });
  });

  it('a pause from before downtime covers the occurrences missed in it (skipped, not missed)', async () => {
    const runner = new TestRunner(clock, 10 * MIN);
    const first = await consoleRanUntilNow(runner, [DAILY]);
    first.scheduler.pause('gpu-loss', 'alice');
    clock.jumpTo(iso('2026-06-03T12:00Z'));
    const { scheduler } = schedulerFor(store, clock, runner, { pid: 2000 });
    scheduler.setDrills([DAILY]);
    await scheduler.start();
    await scheduler.stop();
    expect(scheduler.history('gpu-loss').map((r) => r.reason)).toEqual(['paused', 'paused', 'paused']);
  });

  it('stop-all engaged anywhere refuses every drill until released', async () => {
    const runner = new TestRunner(clock, 10 * MIN);
    const { scheduler } = schedulerFor(store, clock, runner);
    scheduler.setDrills([DAILY]);
    await scheduler.start();
    const other = schedulerFor(store, clock, new TestRunner(clock, 10 * MIN), { pid: 3000 });
    expect(other.scheduler.stopAll.engage('carol', 'incident 42 in progress')).toMatchObject({ engaged: true, changedBy: 'carol' });
    await clock.advanceTo(iso('2026-06-03T00:00Z'));
    expect(runner.calls).toEqual([]);
    expect(scheduler.stopAll.state().engaged).toBe(true);
    other.scheduler.stopAll.release('carol');
    await clock.advanceTo(iso('2026-06-04T00:00Z'));
    await scheduler.stop();
    expect(scheduler.history('gpu-loss').map((r) => [r.localTime.slice(0, 10), r.reason])).toEqual([
      ['2026-06-03', null],
      ['2026-06-02', 'stop-all'],
      ['2026-06-01', 'stop-all'],
    ]);
    expect(scheduler.history('gpu-loss')[1].detail).toMatchObject({ engagedBy: 'carol', because: 'incident 42 in progress' });
  });
});

describe('the runner answers', () => {
  it('a refusal and a failure are recorded with their error, and hold nothing', async () => {
    const runner = new TestRunner(clock, 10 * MIN);
    const { scheduler } = schedulerFor(store, clock, runner);
    scheduler.setDrills([DAILY]);
    await scheduler.start();
    runner.refuse = { code: 'RUNBOOK_LOCKED', message: 'chat-1 is held by run 7' };
    await clock.advanceTo(iso('2026-06-02T00:00Z'));
    runner.refuse = null;
    runner.fail = new FleetError('HOST_UNREACHABLE', 'usw2-inf-01 did not answer');
    await clock.advanceTo(iso('2026-06-03T00:00Z'));
    runner.fail = null;
    await clock.advanceTo(iso('2026-06-04T00:00Z'));
    await scheduler.stop();
    expect(scheduler.history('gpu-loss').map((r) => [r.outcome, r.reason, r.error])).toEqual([
      ['started', null, null],
      ['skipped', 'start-failed', { code: 'HOST_UNREACHABLE', message: 'usw2-inf-01 did not answer' }],
      ['skipped', 'refused', { code: 'RUNBOOK_LOCKED', message: 'chat-1 is held by run 7' }],
    ]);
  });

  it('a tick that finds the store locked reports it, and the next wake-up catches up inside the deadline', async () => {
    const runner = new TestRunner(clock, 10 * MIN);
    const rig = schedulerFor(store, clock, runner);
    rig.db.pragma('busy_timeout = 0');
    rig.scheduler.setDrills([DAILY]);
    await rig.scheduler.start();
    const blocker = store.connect();
    blocker.exec('BEGIN IMMEDIATE');
    await clock.advanceTo(iso('2026-06-01T01:00:30Z'));
    expect(runner.calls).toEqual([]);
    expect(takeErrors()).toMatchObject([{ code: 'SQLITE_BUSY' }]);
    blocker.exec('COMMIT');
    await clock.advanceTo(iso('2026-06-01T01:05Z'));
    await rig.scheduler.stop();
    expect(runner.calls.map((c) => [c.occurrence.localTime, c.occurrence.lateMs])).toEqual([['2026-06-01T03:00+02:00', MIN]]);
  });

  it("the runner's answer that could not be written is kept and written by the next tick: the run id is not lost", async () => {
    const runner = new TestRunner(clock, 2 * HOUR);
    const blocker = store.connect();
    const rig = schedulerFor(store, clock, runner);
    rig.db.pragma('busy_timeout = 0');
    const start = runner.starter('a', () => rig.scheduler);
    const scheduler = new DrillScheduler({
      db: rig.db,
      owner: rig.owner,
      timers: clock,
      onError: (err) => rig.errors.push(err),
      // Another process takes the write lock while the runner is starting the drill.
      start: (d, o) => {
        blocker.exec('BEGIN IMMEDIATE');
        return start(d, o);
      },
    });
    rig.scheduler = scheduler;
    scheduler.setDrills([DAILY]);
    await scheduler.start();
    await clock.advanceTo(iso('2026-06-01T01:00:30Z'));
    expect(takeErrors()).toMatchObject([{ code: 'SQLITE_BUSY' }]);
    expect(scheduler.history('gpu-loss')).toMatchObject([{ outcome: 'starting', runId: null }]);
    blocker.exec('COMMIT');
    await clock.advanceTo(iso('2026-06-01T01:02Z'));
    await scheduler.stop();
    expect(runner.calls).toHaveLength(1);
    expect(scheduler.history('gpu-loss')).toMatchObject([{ outcome: 'started', runId: 'run-1' }]);
  });

  it('a run is running until the runner says it ended, whichever process asks', async () => {
    const runner = new TestRunner(clock, 3 * DAY);
    const { scheduler } = schedulerFor(store, clock, runner);
    scheduler.setDrills([DAILY]);
    await scheduler.start();
    await clock.advanceTo(iso('2026-06-02T00:00Z'));
    const other = schedulerFor(store, clock, runner, { pid: 3000 });
    other.scheduler.setDrills([DAILY]);
    await scheduler.stop();
    await other.scheduler.start();
    await clock.advanceTo(iso('2026-06-02T02:00Z'));
    expect(other.scheduler.history('gpu-loss')[0]).toMatchObject({ localTime: '2026-06-02T03:00+02:00', reason: 'still-running', detail: { runId: 'run-1' } });
    expect(other.scheduler.runEnded('run-1', 'succeeded')).toBe(true);
    expect(other.scheduler.runEnded('run-1', 'succeeded')).toBe(false);
    await clock.advanceTo(iso('2026-06-03T02:00Z'));
    await other.scheduler.stop();
    expect(other.scheduler.history('gpu-loss')[0]).toMatchObject({ outcome: 'started', runId: 'run-2' });
    expect(other.scheduler.history('gpu-loss')[2]).toMatchObject({ runId: 'run-1', endStatus: 'succeeded', endedAt: iso('2026-06-02T02:00Z') });
  });

  it('a claim whose process died before the runner answered holds nothing; its start is recorded interrupted', async () => {
    let answer: (r: { runId: string }) => void = () => {};
    const stuck = new Promise<{ runId: string }>((resolve) => (answer = resolve));
    const db = store.connect();
    const dyingErrors: unknown[] = [];
    const dying = new DrillScheduler({ db, owner: ownerFor(db, clock, 7001), timers: clock, start: () => stuck, onError: (err) => dyingErrors.push(err) });
    dying.setDrills([DAILY]);
    await dying.tick();
    clock.jumpTo(iso('2026-06-01T01:00Z'));
    const pending = dying.tick();
    // Its claim is in the store; the process is killed while the runner has not answered.
    alivePids.delete(7001);
    const runner = new TestRunner(clock, 10 * MIN);
    const { scheduler } = schedulerFor(store, clock, runner, { pid: 7002 });
    scheduler.setDrills([DAILY]);
    await scheduler.start();
    expect(scheduler.history('gpu-loss')).toMatchObject([{ outcome: 'starting' }]);
    await clock.advanceTo(iso('2026-06-02T01:00Z'));
    await scheduler.stop();
    expect(runner.calls.map((c) => c.occurrence.localTime)).toEqual(['2026-06-02T03:00+02:00']);
    expect(scheduler.history('gpu-loss').map((r) => [r.outcome, r.reason])).toEqual([
      ['started', null],
      ['skipped', 'start-interrupted'],
    ]);
    answer({ runId: 'never-seen' });
    await pending;
    expect(dyingErrors).toEqual([]);
  });
});

describe('history and the run times shown', () => {
  it('keeps historyLimit occurrences per drill, and names the pruned runs for their reports', async () => {
    const pruned: string[] = [];
    const runner = new TestRunner(clock, 10 * MIN);
    const { scheduler } = schedulerFor(store, clock, runner, { onPruned: (d, ids) => pruned.push(...ids.map((id) => `${d}:${id}`)) });
    scheduler.setDrills([drill('hourly', 'chat', { cron: '0 * * * *', timeZone: BERLIN, historyLimit: 3 })]);
    await scheduler.start();
    await clock.advanceTo(iso('2026-06-01T05:30Z'));
    await scheduler.stop();
    // 03:00 to 07:00 local: five runs, the last three kept.
    expect(runner.calls).toHaveLength(5);
    expect(scheduler.history('hourly').map((r) => r.runId)).toEqual(['run-5', 'run-4', 'run-3']);
    expect(pruned).toEqual(['hourly:run-1', 'hourly:run-2']);
  });

  it('a run still going is never pruned', async () => {
    const runner = new TestRunner(clock, 5 * HOUR);
    const { scheduler } = schedulerFor(store, clock, runner);
    scheduler.setDrills([drill('hourly', 'chat', { cron: '0 * * * *', timeZone: BERLIN, historyLimit: 2 })]);
    await scheduler.start();
    await clock.advanceTo(iso('2026-06-01T03:30Z'));
    await scheduler.stop();
    expect(scheduler.history('hourly').map((r) => [r.runId, r.reason])).toEqual([
      [null, 'still-running'],
      [null, 'still-running'],
      ['run-1', null],
    ]);
  });

  it('the next five run times, in local time, with blackouts marked and the paused state', async () => {
    const runner = new TestRunner(clock, 10 * MIN);
    const { scheduler } = schedulerFor(store, clock, runner);
    scheduler.setDrills([drill('weekly', 'chat', { cron: '0 3 * * 2', timeZone: BERLIN, blackouts: [{ from: '2026-06-08T00:00', to: '2026-06-10T00:00' }] })]);
    const shown = scheduler.upcoming('weekly');
    expect(shown.paused).toBe(false);
    expect(shown.runs.map((r) => [r.localTime, r.blackout === null])).toEqual([
      ['2026-06-02T03:00+02:00', true],
      ['2026-06-09T03:00+02:00', false],
      ['2026-06-16T03:00+02:00', true],
      ['2026-06-23T03:00+02:00', true],
      ['2026-06-30T03:00+02:00', true],
    ]);
    scheduler.pause('weekly', 'alice');
    expect(scheduler.upcoming('weekly', 2).paused).toBe(true);
    expect(() => scheduler.upcoming('nope')).toThrow(/no scheduled drill named nope/);
  });

  it('refuses an invalid schedule or two drills of one name, naming the drill', () => {
    const { scheduler } = schedulerFor(store, clock, new TestRunner(clock, 0));
    expect(() => scheduler.setDrills([drill('bad', 'chat', { cron: '0 25 * * *', timeZone: BERLIN })])).toThrow(/^drill bad: its schedule is invalid: schedule.cron: cron "0 25 \* \* \*": Invalid value for hour: 25/);
    expect(() => scheduler.setDrills([DAILY, DAILY])).toThrow(/two scheduled drills are named gpu-loss/);
  });
});
