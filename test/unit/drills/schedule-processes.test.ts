/**
 * Several consoles on one data directory: an occurrence fires in exactly one of them, because
 * deciding it is inserting its (drill, scheduled_at) row and only one insert wins. First two
 * schedulers on two connections of one file in this process (the same instant, interleaved at
 * every await), then three real processes racing over the same simulated hours.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { drill, FakeClock, MIN, openTestStore, schedulerFor, takeErrors, TestRunner, type TestStore } from './schedule-harness';

const iso = (s: string) => Date.parse(s);
const ROOT = path.resolve(__dirname, '..', '..', '..');

let store: TestStore;
const children: ChildProcess[] = [];
afterEach(() => {
  expect(takeErrors()).toEqual([]);
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  store?.cleanup();
});

describe('two schedulers on two connections to one file', () => {
  it('evaluating the same instant: exactly one starts the occurrence, the other records nothing', async () => {
    store = openTestStore();
    const clock = new FakeClock(iso('2026-06-01T00:00Z'));
    const runner = new TestRunner(clock, 10 * MIN);
    const a = schedulerFor(store, clock, runner, { pid: 101, name: 'a' });
    const b = schedulerFor(store, clock, runner, { pid: 102, name: 'b' });
    const drills = [drill('gpu-loss', 'chat', { cron: '0 3 * * *', timeZone: 'Europe/Berlin' })];
    a.scheduler.setDrills(drills);
    b.scheduler.setDrills(drills);
    await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    clock.jumpTo(iso('2026-06-01T01:00Z'));
    const [fromA, fromB] = await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    expect(runner.calls).toHaveLength(1);
    expect([...fromA, ...fromB]).toMatchObject([{ outcome: 'started', runId: 'run-1' }]);
    expect(a.scheduler.history('gpu-loss')).toEqual(b.scheduler.history('gpu-loss'));
  });

  it('an occurrence already in the table is never decided again, even with the evaluation mark behind it', async () => {
    store = openTestStore();
    const clock = new FakeClock(iso('2026-06-01T00:00Z'));
    const runner = new TestRunner(clock, 10 * MIN);
    const a = schedulerFor(store, clock, runner, { pid: 111, name: 'a' });
    const b = schedulerFor(store, clock, runner, { pid: 112, name: 'b' });
    const drills = [drill('gpu-loss', 'chat', { cron: '0 3 * * *', timeZone: 'Europe/Berlin' })];
    a.scheduler.setDrills(drills);
    b.scheduler.setDrills(drills);
    await a.scheduler.tick();
    clock.jumpTo(iso('2026-06-01T01:00Z'));
    await a.scheduler.tick();
    expect(runner.calls.map((c) => c.by)).toEqual(['a']);
    // The mark lags (a state row restored from an older copy, a process that wrote rows but not
    // the mark): the row itself still says the occurrence is decided.
    b.db.prepare('UPDATE drill_schedule_state SET evaluated_until = ?').run(iso('2026-06-01T00:00Z'));
    clock.jumpTo(iso('2026-06-01T01:05Z'));
    expect(await b.scheduler.tick()).toEqual([]);
    expect(runner.calls.map((c) => c.by)).toEqual(['a']);
    expect(b.scheduler.history('gpu-loss')).toMatchObject([{ outcome: 'started', runId: 'run-1' }]);
  });

  it('both running for a day on their own timers: every occurrence decided once, never two runs at once', async () => {
    store = openTestStore();
    const clock = new FakeClock(iso('2026-10-24T12:00Z'));
    const runner = new TestRunner(clock, 20 * MIN, 2);
    const drills = [
      drill('quarterly', 'chat', { cron: '*/15 * * * *', timeZone: 'Europe/Berlin', historyLimit: 1000 }),
      drill('hourly', 'chat', { cron: '0 * * * *', timeZone: 'Europe/Berlin', historyLimit: 1000 }),
      drill('embed', 'embeddings', { cron: '*/10 * * * *', timeZone: 'America/New_York', historyLimit: 1000 }),
    ];
    const rigs = [schedulerFor(store, clock, runner, { pid: 201, name: 'a', globalCap: 2 }), schedulerFor(store, clock, runner, { pid: 202, name: 'b', globalCap: 2 })];
    for (const r of rigs) r.scheduler.setDrills(drills);
    await Promise.all(rigs.map((r) => r.scheduler.start()));
    // Across the Berlin autumn change, so the repeated hour is in it too.
    await clock.advanceTo(iso('2026-10-25T12:00Z'));
    await Promise.all(rigs.map((r) => r.scheduler.stop()));
    expect(runner.overlaps).toEqual([]);
    const keys = runner.calls.map((c) => `${c.drill}@${c.occurrence.scheduledAt}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const d of drills) {
      const history = rigs[0].scheduler.history(d.name);
      // 24 real hours (the repeated local hour among them) of every-10, every-15 and hourly occurrences.
      const expected = (d.name === 'embed' ? 6 : d.name === 'quarterly' ? 4 : 1) * 24;
      expect(history).toHaveLength(expected);
      expect(history.filter((r) => r.outcome === 'started').map((r) => r.runId).sort()).toEqual(runner.calls.filter((c) => c.drill === d.name).map((c) => c.runId).sort());
    }
  });
});

interface Worker {
  child: ChildProcess;
  lines: string[];
  ready: Promise<void>;
  exited: Promise<{ code: number | null; stderr: string }>;
}

function startWorker(file: string, label: string, base: number): Worker {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'schedule-race-worker.ts'), file, label, String(base)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  let buffered = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((r) => child.once('exit', (code) => r({ code, stderr })));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        if (line === 'ready') resolve();
        else lines.push(line);
      }
    });
    void exited.then(({ code }) => reject(new Error(`worker ${label} exited (${code}) before it was ready: ${stderr}`)));
  });
  return { child, lines, ready, exited };
}

describe('three processes racing on one store file', () => {
  it('every occurrence is decided once and started by at most one process', async () => {
    store = openTestStore();
    const base = iso('2026-03-27T00:00Z');
    const workers = ['p1', 'p2', 'p3'].map((label) => startWorker(store.file, label, base));
    await Promise.all(workers.map((w) => w.ready));
    const go = `go ${Date.now() + 200}\n`;
    for (const w of workers) w.child.stdin?.write(go);
    const results = await Promise.all(workers.map((w) => w.exited));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);

    const fired = workers.flatMap((w) => w.lines.map((l) => JSON.parse(l) as { fired?: { drill: string; scheduledAt: number; runId: string; by: string } })).flatMap((m) => (m.fired ? [m.fired] : []));
    const keys = fired.map((f) => `${f.drill}@${f.scheduledAt}`);
    expect(new Set(keys).size).toBe(keys.length);

    const db = store.connect();
    const rows = db.prepare('SELECT drill, scheduled_at, outcome, run_id, owner_id FROM drill_schedule_occurrences').all() as { drill: string; scheduled_at: number; outcome: string; run_id: string | null; owner_id: string }[];
    const started = rows.filter((r) => r.outcome === 'started');
    expect(started.map((r) => r.run_id).sort()).toEqual(fired.map((f) => f.runId).sort());
    expect(rows.filter((r) => r.outcome === 'starting')).toEqual([]);
    // A simulated day and more went by: dozens of occurrences, decided by more than one process.
    expect(rows.length).toBeGreaterThan(100);
    expect(new Set(rows.map((r) => r.owner_id)).size).toBeGreaterThan(1);
    // Every occurrence from the start up to where the evaluation got is there, once (the key guarantees "once").
    const until = (db.prepare('SELECT MIN(evaluated_until) AS t FROM drill_schedule_state').get() as { t: number }).t;
    const quarterly = rows.filter((r) => r.drill === 'quarterly' && r.scheduled_at <= until).length;
    expect(quarterly).toBe(Math.floor((until - base) / (15 * MIN)));
  }, 30_000);
});
