/**
 * The drill runner end to end against the lab (an in-process console on the lab's real HAProxy,
 * its replicas and nodes), through the contract: a maint drill passes with its milestones in
 * order and HAProxy's state as before; a region-down drill with no response breaks its
 * hypothesis, aborts within its grace and restores — `show servers state` and every lab
 * service as before; stop-all aborts a running drill and refuses new ones until released.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillRunView } from '../../shared/drill-run';
import { waitFor } from './helpers/free-port';
import { allServersUp, startLabConsole, type LabConsole } from './helpers/lab-console';

let c: LabConsole;

/** A region-down drill with short window and grace: its hypothesis breaks at once and it must abort. */
const REGION_DOWN_FAST = `name: region-down-fast
description: Every node and replica of us-west-2 down, no response; a short grace so the abort comes quickly.
targets:
  region: us-west-2
  maxTargets: 1
  allowProtected: true
fault:
  kind: region-down
hypothesis:
  service: llama
  minSuccessPct: 100
  maxP95LatencyMs: 2000
  window: 5s
  probeRatePerSecond: 10
  grace: 2s
response: none
expectations:
  detectedWithin: 15s
  restoredWithin: 3m
`;

/**
 * One llama replica answering 500 (HAProxy retries connection failures, not answers): a third of
 * the probes fail until HAProxy's checks take it out, and a 5 s window at 100 % stays broken for
 * longer than the 2 s grace, so the drill must abort.
 */
const ONE_500 = `name: one-500
description: One llama replica answers 500, no response; a strict hypothesis and a short grace.
targets:
  replicasOf: llama
  count: 1
  seed: five-hundred
  maxTargets: 1
  allowProtected: true
fault:
  kind: replica-http-500
hypothesis:
  minSuccessPct: 100
  maxP95LatencyMs: 2000
  window: 5s
  probeRatePerSecond: 10
  grace: 2s
response: none
expectations:
  detectedWithin: 15s
`;

/** Lab maint of one replica, observed for long enough that stop-all can catch it running. */
const MAINT_LONG = `name: maint-long
description: One llama replica in maint with a detection that never comes (so it keeps observing).
targets:
  replicasOf: llama
  count: 1
  seed: stop-all
  maxTargets: 1
  allowProtected: true
fault:
  kind: lb-weight-zero
hypothesis:
  minSuccessPct: 50
  maxP95LatencyMs: 5000
  window: 60s
  probeRatePerSecond: 2
  grace: 60s
response: none
expectations:
  mitigatedWithin: 60s
`;

beforeAll(async () => {
  c = await startLabConsole({
    name: 'drill-runner',
    drills: { tickMs: 100, settleMs: 1000, baselineTimeoutMs: 60_000 },
    units: true,
    beforeStart: (labDir) => {
      mkdirSync(join(labDir, 'drills'), { recursive: true });
      writeFileSync(join(labDir, 'drills', 'region-down-fast.yaml'), REGION_DOWN_FAST);
      writeFileSync(join(labDir, 'drills', 'maint-long.yaml'), MAINT_LONG);
      writeFileSync(join(labDir, 'drills', 'one-500.yaml'), ONE_500);
    },
  });
  await allServersUp(c);
  await everythingHealthy();
}, 120_000);

afterAll(async () => {
  await c?.stop();
});

async function everythingHealthy(): Promise<void> {
  await allServersUp(c, 60_000);
  const inv = c.core.topology()!;
  const nodes = inv.regions.flatMap((r) => r.clusters.flatMap((cl) => cl.nodes));
  await waitFor(() => nodes.every((n) => c.core.monitor.status(n)?.health === 'healthy') && c.replicas.every((r) => c.core.services.replicas.status(r)?.health === 'healthy'), {
    what: 'every lab node and replica healthy',
    timeoutMs: 60_000,
  });
}

const FINAL = ['passed', 'failed', 'aborted', 'skipped', 'restore-failed'];
async function untilEnded(runId: string, timeoutMs = 120_000): Promise<DrillRunView> {
  let view: DrillRunView | null = null;
  await waitFor(
    async () => {
      view = await c.call<DrillRunView>('drills.run', { runId });
      return FINAL.includes(view.status);
    },
    { what: `drill run ${runId} to end`, timeoutMs, intervalMs: 200 },
  );
  return view!;
}

/** HAProxy's own words for every server: admin state, weight, operational state. */
async function serversState(): Promise<string[]> {
  const rows = await c.runtime.showServersState();
  return rows.map((r) => `${r.backend}/${r.server} admin=${r.adminFlags.join('+')} weight=${r.userWeight}`).sort();
}

const labServices = () => c.services.info().replicas.map((r) => `${r.name}:${r.fault ?? 'none'}`).sort();

describe('a maint drill', () => {
  it('passes, its milestones in order, HAProxy as before', async () => {
    const before = await serversState();
    const started = await c.call<DrillRunView>('drills.start', { name: 'replica-maint', seed: 'maint-1', confirm: 'replica-maint' });
    expect(started.status).not.toBe('skipped');
    const view = await untilEnded(started.id);
    expect(view.status, `${view.reason} ${JSON.stringify(view.expectations)}`).toBe('passed');
    const names = view.milestones.map((m) => m.name);
    for (const n of ['started', 'injected', 'lb-down', 'restored', 'baseline']) expect(names).toContain(n);
    const at = (n: string) => view.milestones.find((m) => m.name === n)!.at;
    expect(at('started')).toBeLessThanOrEqual(at('injected'));
    expect(at('injected')).toBeLessThanOrEqual(at('lb-down'));
    expect(at('lb-down')).toBeLessThan(at('restored'));
    expect(at('restored')).toBeLessThanOrEqual(at('baseline'));
    expect(view.expectations.map((e) => [e.name, e.passed])).toEqual([
      ['restoredWithin', true],
      ['maxFailedRequests', true],
    ]);
    expect(view.derived.requestsSent).toBeGreaterThan(0);
    expect(view.seconds.length).toBeGreaterThan(0);
    expect(await serversState()).toEqual(before);
    // The fault was a run of the runbook engine, rolled back by the restore.
    const runs = await c.call<Array<{ id: string; status: string; runbook: string }>>('runs.list', {});
    expect(runs.find((r) => r.id === view.faultRunId)).toMatchObject({ status: 'rolled-back', runbook: 'drill replica-maint' });
    // Each milestone is a stored event; the start, injection, restore and end are audited.
    const events = c.core.store.listEvents({ limit: 500 }).filter((e) => (e.data as { drillRun?: string } | null)?.drillRun === view.id).map((e) => e.kind);
    expect(events).toEqual(expect.arrayContaining(['drill.started', 'drill.injected', 'drill.lb-down', 'drill.restored', 'drill.baseline']));
    const audit = c.core.store.audit.list({ limit: 500 }).filter((e) => (e.detail as { drillRun?: string }).drillRun === view.id).map((e) => e.kind);
    expect(audit).toEqual(expect.arrayContaining(['drill.start', 'drill.inject', 'drill.restore', 'drill.end']));
    expect(c.core.store.audit.verify().ok).toBe(true);
  }, 120_000);
});

describe('a drill whose hypothesis breaks, with no response', () => {
  it('aborts within its grace and restores: show servers state and every lab service as before', async () => {
    await everythingHealthy();
    const before = await serversState();
    const servicesBefore = labServices();
    const started = await c.call<DrillRunView>('drills.start', { name: 'one-500', confirm: 'one-500' });
    expect(started.status, started.reason ?? '').not.toBe('skipped');
    const view = await untilEnded(started.id);
    expect(view).toMatchObject({ status: 'aborted', reasonCode: 'hypothesis-broken', phase: 'observing' });
    const aborted = view.milestones.find((m) => m.name === 'aborted')!;
    const failed = view.milestones.find((m) => m.name === 'first-failure')!;
    // Broken from the first failures on (the window holds them 5 s): aborted once the 2 s grace is over, plus a few ticks.
    expect(aborted.at - failed.at).toBeGreaterThanOrEqual(2000);
    expect(aborted.at - failed.at).toBeLessThan(2000 + 3000);
    expect(view.milestones.map((m) => m.name)).toContain('restored');
    expect(labServices()).toEqual(servicesBefore);
    await waitFor(async () => JSON.stringify(await serversState()) === JSON.stringify(before), { what: 'show servers state as before', timeoutMs: 30_000 });
  }, 120_000);
});

describe('a region-down drill with no response', () => {
  it('takes the region down and puts every node and replica back; the lab LB fails over by itself (retries, redispatch)', async () => {
    await everythingHealthy();
    const before = await serversState();
    const servicesBefore = labServices();
    const started = await c.call<DrillRunView>('drills.start', { name: 'region-down-fast', confirm: 'region-down-fast' });
    expect(started.status, started.reason ?? '').not.toBe('skipped');
    const view = await untilEnded(started.id);
    // One replica of three is in us-west-2 and HAProxy retries elsewhere: the hypothesis may hold
    // (passed) or break for longer than the grace (aborted); either way it is restored.
    expect(['passed', 'aborted']).toContain(view.status);
    expect(view.milestones.map((m) => m.name)).toEqual(expect.arrayContaining(['injected', 'console-detected', 'restored']));
    expect(c.lab.info().faults).toEqual([]);
    expect(labServices()).toEqual(servicesBefore);
    await waitFor(async () => JSON.stringify(await serversState()) === JSON.stringify(before), { what: 'show servers state as before', timeoutMs: 30_000 });
  }, 120_000);
});

describe('a drill with a runbook response (the built-in replica-stop-drain)', () => {
  it('stops the service, drains the replica once the console detects it, then puts back both: service started, drain reverted', async () => {
    await everythingHealthy();
    const before = await serversState();
    const started = await c.call<DrillRunView>('drills.start', { name: 'replica-stop-drain', seed: 'drain-1', confirm: 'replica-stop-drain' });
    expect(started.status, started.reason ?? '').not.toBe('skipped');
    const view = await untilEnded(started.id, 150_000);
    const names = view.milestones.map((m) => m.name);
    expect(names, JSON.stringify(view.milestones.map((m) => m.text))).toEqual(expect.arrayContaining(['injected', 'console-detected', 'response-started', 'response-finished', 'restored']));
    expect(names.indexOf('console-detected')).toBeLessThan(names.indexOf('response-started'));
    const runs = await c.call<Array<{ id: string; status: string; runbook: string }>>('runs.list', {});
    expect(runs.find((r) => r.id === view.responseRunId)).toMatchObject({ runbook: 'drain-replica', status: 'rolled-back' });
    expect(runs.find((r) => r.id === view.faultRunId)).toMatchObject({ status: 'rolled-back' });
    await waitFor(async () => JSON.stringify(await serversState()) === JSON.stringify(before), { what: 'show servers state as before', timeoutMs: 30_000 });
    expect(view.status, `${view.reason} ${JSON.stringify(view.expectations)}`).toBe('passed');
  }, 180_000);
});

describe('stop-all', () => {
  it('aborts a running drill and refuses new ones until released', async () => {
    await everythingHealthy();
    const before = await serversState();
    const started = await c.call<DrillRunView>('drills.start', { name: 'maint-long', confirm: 'maint-long' });
    expect(started.status, started.reason ?? '').not.toBe('skipped');
    await waitFor(async () => (await c.call<DrillRunView>('drills.run', { runId: started.id })).status === 'observing', { what: 'the drill observing' });
    const r = await c.call<{ engaged: boolean; aborted: string[] }>('drills.stopAll', {});
    expect(r.aborted).toEqual([started.id]);
    const view = await untilEnded(started.id);
    expect(view).toMatchObject({ status: 'aborted', reasonCode: 'stop-all' });
    expect(await serversState()).toEqual(before);
    const refused = await c.call<DrillRunView>('drills.start', { name: 'maint-long', confirm: 'maint-long' });
    expect(refused).toMatchObject({ status: 'skipped', reasonCode: 'stop-all' });
    await c.call('drills.releaseStopAll', {});
    const list = await c.call<{ stopAll: { engaged: boolean } }>('drills.list', {});
    expect(list.stopAll.engaged).toBe(false);
  }, 120_000);
});
