/**
 * Scheduled drills run while the console runs: the drills feature starts the DrillScheduler with
 * the console, the scheduler's start callback is the runner (the run is `scheduled`, with its
 * occurrence), and the runner tells the scheduler when the run ended (the occurrence's end).
 * Real clock: a `* * * * *` schedule fires at the next minute (or, if the runner refuses that one,
 * a later one).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFinalDrillStatus, type DrillList, type DrillRunView } from '../../shared/drill-run';
import { waitFor } from './helpers/free-port';
import { allServersUp, startLabConsole, type LabConsole } from './helpers/lab-console';

const EVERY_MINUTE = `name: every-minute
description: One llama replica in maint for a few seconds, every minute.
targets: { replicasOf: llama, count: 1, seed: sched, maxTargets: 1, allowProtected: true }
fault: { kind: lb-maint }
hypothesis: { minSuccessPct: 90, maxP95LatencyMs: 5000, window: 5s, probeRatePerSecond: 5, grace: 60s }
response: none
expectations: { restoredWithin: 60s }
schedule: { cron: "* * * * *", timeZone: Europe/Berlin }
`;

let c: LabConsole;
/** When the console (and its scheduler) began to start: no occurrence before it can be this run's. */
let consoleStartedAt: number;

beforeAll(async () => {
  consoleStartedAt = Date.now();
  c = await startLabConsole({
    name: 'drill-scheduled',
    drills: { schedule: true, tickMs: 100, settleMs: 500 },
    beforeStart: (labDir) => {
      mkdirSync(join(labDir, 'drills'), { recursive: true });
      writeFileSync(join(labDir, 'drills', 'every-minute.yaml'), EVERY_MINUTE);
    },
  });
  await allServersUp(c);
}, 120_000);

afterAll(async () => {
  await c?.stop();
});

describe('a scheduled drill', () => {
  it('is started by the scheduler through the runner, and its occurrence ends when the run does', async () => {
    const list = await c.call<DrillList>('drills.list', {});
    const d = list.drills.find((x) => x.name === 'every-minute')!;
    expect(d.schedule?.upcoming).toHaveLength(5);
    expect(d.schedule!.upcoming[1]!.at - d.schedule!.upcoming[0]!.at).toBe(60_000);

    // The first occurrence whose run started. The runner may refuse one (its pre-checks want every
    // target and the service healthy, and a lab on a loaded CI machine can miss a probe): that is
    // the scheduler doing its job, recorded with the runner's reason, and the next minute tries again.
    // Any other verdict (missed, still-running, ...) is a scheduler fault and fails at once.
    const occurrences = async () => (await c.call<DrillList>('drills.list', {})).drills.find((x) => x.name === 'every-minute')!.schedule!.recent;
    const first = await waitFor(
      async () => {
        const recent = await occurrences();
        const odd = recent.find((o) => o.outcome !== 'started' && o.outcome !== 'starting' && o.reason !== 'refused');
        const started = recent.filter((o) => o.outcome === 'started').sort((a, b) => a.scheduledAt - b.scheduledAt)[0];
        return odd ? { odd } : started ? { started } : null;
      },
      { what: 'a scheduled occurrence to start a run (three minutes)', timeoutMs: 185_000, intervalMs: 500 },
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}; occurrences: ${JSON.stringify((await occurrences()).map((o) => ({ at: o.scheduledAt, outcome: o.outcome, reason: o.reason, error: o.error })))}`);
    });
    expect(first).not.toHaveProperty('odd');
    const started = first.started!;
    // On the schedule: a whole minute since the console started, up to the last one listed as
    // upcoming. Not necessarily among those listed: one due while the console was coming up (or
    // between its start and the list above) had fired already, and is no longer upcoming.
    const minutes = d.schedule!.upcoming.map((u) => u.at);
    expect(started.scheduledAt % 60_000).toBe(0);
    expect(started.scheduledAt).toBeGreaterThanOrEqual(consoleStartedAt);
    expect(started.scheduledAt).toBeLessThanOrEqual(minutes.at(-1)!);

    const run = await waitFor(
      async () => {
        const r = await c.call<DrillRunView>('drills.run', { runId: started.runId! });
        return isFinalDrillStatus(r.status) ? r : null;
      },
      { what: `scheduled run ${started.runId} to end`, timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(run.trigger).toMatchObject({ kind: 'scheduled', scheduledAt: started.scheduledAt });
    expect({ status: run.status, reason: run.reason }).toEqual({ status: 'passed', reason: null });
    await waitFor(
      async () => (await occurrences()).find((o) => o.runId === run.id && o.endedAt !== null && o.endStatus === 'passed'),
      { what: 'the occurrence marked ended', timeoutMs: 5_000 },
    );
    expect(await c.call('drills.pause', { name: 'every-minute' })).toEqual({ name: 'every-minute', paused: true });
    expect((await c.call<DrillList>('drills.list', {})).drills.find((x) => x.name === 'every-minute')!.schedule!.paused).toBe(true);
  }, 270_000);
});
