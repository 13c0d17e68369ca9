/**
 * Child process for schedule-processes.test.ts: one console's drill scheduler on the shared store
 * file, racing the others. Once the parent writes "go REAL_START" to stdin, its clock runs at
 * one simulated minute per real millisecond from BASE (the same in every worker, from the same
 * real instant), and it evaluates as fast as it can for RUN_MS. Every start it is asked for is
 * printed as a JSON line; each run ends as soon as it started, so the next occurrence is free.
 *   node -r tsx/cjs schedule-race-worker.ts DB_FILE LABEL BASE
 */
import Database from 'better-sqlite3';
import { DrillScheduler } from '../../../electron/core/drills/schedule/scheduler';
import { ProcessOwner } from '../../../electron/core/locks/process-owner';

const RUN_MS = 2_000;
const SIM_MS_PER_REAL_MS = 60_000;

const [file, label, baseText] = process.argv.slice(2);
const base = Number(baseText);
let simulated = base;
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
const owner = new ProcessOwner(db, { label: `race ${label}`, identity: { user: label, host: 'ops-1' }, now: () => simulated, leaseMs: 365 * 86_400_000 });
const scheduler: DrillScheduler = new DrillScheduler({
  db,
  owner,
  globalCap: 2,
  // The timer is never armed: start() is not called, the loop below ticks by hand.
  timers: { now: () => simulated, setTimeout: () => null, clearTimeout: () => {} },
  start: (drill, occurrence) => {
    const runId = `${label}:${drill.name}:${occurrence.scheduledAt}`;
    process.stdout.write(`${JSON.stringify({ fired: { drill: drill.name, scheduledAt: occurrence.scheduledAt, runId, by: label } })}\n`);
    return { runId };
  },
  onError: (err) => {
    process.stderr.write(`${label}: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
  onRecorded: (r) => {
    if (r.outcome === 'started' && r.runId) scheduler.runEnded(r.runId, 'succeeded');
  },
});
scheduler.setDrills([
  { name: 'quarterly', service: 'chat', schedule: { cron: '*/15 * * * *', timeZone: 'Europe/Berlin', startingDeadline: '1d', historyLimit: 10_000 } },
  { name: 'hourly', service: 'embeddings', schedule: { cron: '0 * * * *', timeZone: 'America/New_York', startingDeadline: '1d', historyLimit: 10_000 } },
]);

process.stdout.write('ready\n');
process.stdin.once('data', (data: Buffer) => {
  const realStart = Number(data.toString().trim().split(' ')[1]);
  void (async () => {
    let ticks = 0;
    for (;;) {
      const elapsed = Date.now() - realStart;
      if (elapsed > RUN_MS) break;
      simulated = base + Math.max(0, elapsed) * SIM_MS_PER_REAL_MS;
      await scheduler.tick();
      ticks++;
    }
    process.stdout.write(`${JSON.stringify({ done: { ticks } })}\n`);
    owner.end();
    db.close();
    process.exit(0);
  })().catch((err: unknown) => {
    process.stderr.write(`${label}: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
});
