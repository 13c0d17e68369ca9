/**
 * Scheduled drills run while the console runs: the drills feature starts the DrillScheduler with
 * the console, the scheduler's start callback is the runner (the run is `scheduled`, with its
 * occurrence), and the runner tells the scheduler when the run ended (the occurrence's end).
 * Real clock: a `* * * * *` schedule fires at the next minute.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillList, DrillRunView } from '../../shared/drill-run';
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

beforeAll(async () => {
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

    let run: DrillRunView | undefined;
    await waitFor(
      async () => {
        run = (await c.call<DrillRunView[]>('drills.runs', { drill: 'every-minute' })).find((r) => ['passed', 'failed', 'aborted', 'restore-failed'].includes(r.status));
        return run;
      },
      { what: 'a scheduled run to end', timeoutMs: 100_000, intervalMs: 500 },
    );
    expect(run!.trigger).toMatchObject({ kind: 'scheduled', scheduledAt: d.schedule!.upcoming[0]!.at });
    expect(run!.status).toBe('passed');
    await waitFor(
      async () => {
        const recent = (await c.call<DrillList>('drills.list', {})).drills.find((x) => x.name === 'every-minute')!.schedule!.recent;
        return recent.find((o) => o.runId === run!.id && o.endedAt !== null && o.endStatus === 'passed');
      },
      { what: 'the occurrence marked ended', timeoutMs: 5_000 },
    );
    expect(await c.call('drills.pause', { name: 'every-minute' })).toEqual({ name: 'every-minute', paused: true });
    expect((await c.call<DrillList>('drills.list', {})).drills.find((x) => x.name === 'every-minute')!.schedule!.paused).toBe(true);
  }, 150_000);
});
