/**
 * A drill whose response replaces the failed replica with a warm spare (the built-in
 * replace-replica runbook), against the lab's real HAProxy and its spare (stopped, in
 * maintenance): the report splits the recovery into the spare loading its model (the step that
 * starts its service → its first healthy answer; the lab's spare takes `startDelayMs` to listen)
 * and HAProxy's `rise × inter`; afterwards the spare is stopped and in maintenance again and
 * HAProxy's state is as before.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillRunView } from '../../shared/drill-run';
import { waitFor } from './helpers/free-port';
import { startLabConsole, type LabConsole } from './helpers/lab-console';
import { replaceDrillYaml } from './helpers/replace-drill';

let c: LabConsole;
let target: string;
let spare: string;

/** The lab's replicas start listening 1.5 s after their service starts (lab-services.ts DEFAULT_START_DELAY_MS). */
const LAB_START_DELAY_S = 1.5;


beforeAll(async () => {
  c = await startLabConsole({
    name: 'drill-replace',
    drills: { tickMs: 100, settleMs: 1000, baselineTimeoutMs: 60_000 },
    spares: 1,
    beforeStart: (labDir, replicas) => {
      [target, , spare] = replicas;
      mkdirSync(join(labDir, 'drills'), { recursive: true });
      writeFileSync(join(labDir, 'drills', 'replica-replace.yaml'), replaceDrillYaml('replica-replace', target, spare));
    },
  });
  // Every server but the spare UP, every replica but the spare healthy.
  await waitFor(async () => (await c.runtime.servers()).every((s) => (s.server === spare ? s.status === 'MAINT' : s.status === 'UP')), { what: 'LB up but the spare', timeoutMs: 30_000 });
  await waitFor(() => c.replicas.filter((r) => r !== spare).every((r) => c.core.services.replicas.status(r)?.health === 'healthy'), { what: 'replicas healthy', timeoutMs: 60_000 });
}, 120_000);

afterAll(async () => {
  await c?.stop();
});

async function serversState(): Promise<string[]> {
  const rows = await c.runtime.showServersState();
  return rows.map((r) => `${r.backend}/${r.server} admin=${r.adminFlags.join('+')} weight=${r.userWeight}`).sort();
}

describe('a drill whose response brings up a spare', () => {
  it('measures the spare’s model load (start → first healthy answer) beside rise × inter, and puts the spare back', async () => {
    const before = await serversState();
    const started = await c.call<DrillRunView>('drills.start', { name: 'replica-replace', seed: 'replace-1', confirm: 'replica-replace' });
    expect(started.status, started.reason ?? '').not.toBe('skipped');
    let view: DrillRunView | null = null;
    await waitFor(
      async () => {
        view = await c.call<DrillRunView>('drills.run', { runId: started.id });
        return ['passed', 'failed', 'aborted', 'restore-failed'].includes(view.status);
      },
      { what: 'the drill to end', timeoutMs: 150_000, intervalMs: 200 },
    );
    const run = view!;
    const at = (name: string) => run.milestones.find((m) => m.name === name);
    const texts = JSON.stringify(run.milestones.map((m) => `${m.name}: ${m.text}`));
    const spareStarted = at('spare-started');
    const spareHealthy = at('spare-healthy');
    expect(spareStarted?.subject, texts).toBe(spare);
    expect(spareHealthy?.subject, texts).toBe(spare);
    expect(at('response-started')!.at).toBeLessThanOrEqual(spareStarted!.at);
    // The lab's spare listens only after its start delay; the wait probes it every second.
    const load = run.derived.spareModelLoadSeconds;
    expect(load, texts).not.toBeNull();
    expect(load!).toBeGreaterThanOrEqual(LAB_START_DELAY_S);
    expect(load!).toBeLessThan(LAB_START_DELAY_S + 5);
    expect(load).toBeCloseTo((spareHealthy!.at - spareStarted!.at) / 1000, 3);
    expect(run.derived.riseTimesInterSeconds).not.toBeNull();
    expect(run.status, `${run.reason} ${JSON.stringify(run.expectations)} ${texts}`).toBe('passed');
    // The response was reverted with the fault: the spare stopped and in maintenance again.
    await waitFor(async () => JSON.stringify(await serversState()) === JSON.stringify(before), { what: 'show servers state as before', timeoutMs: 30_000 });
    expect(c.services.info().replicas.find((r) => r.name === spare)?.service).toBe('inactive');
    // The report names both parts of the recovery.
    const md = await c.call<{ content: string }>('drills.report', { runId: run.id, format: 'md' });
    expect(md.content).toMatch(/spare model load/);
  }, 200_000);
});
