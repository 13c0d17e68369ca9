/**
 * The drill observer against the lab's real HAProxy: for the built-in stop-service, freeze and
 * maint drills' own inject steps (systemctl stop over the lab node's SSH, the freeze line,
 * `set server … state maint`), the observed lb-down comes when HAProxy's configuration promises
 * (fall and rise read from `show stat`, inter derived from its checks' timing: the lab configures
 * inter 1s fall 2 rise 2) within one inter, maint at once; the freeze is seen as timeouts by
 * HAProxy (L7TOUT) and by the probes; the probes, the series and HAProxy's counters add up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillPlan } from '../../shared/drill';
import { readLbServers } from '../../electron/core/drills/lb-reader';
import { loadDrills } from '../../electron/core/drills/load-drills';
import { createDrillObserver } from '../../electron/core/drills/observe/drill-observer';
import type { DrillObserver, ObservedMilestone, ObserverHealth } from '../../electron/core/drills/observe/observer-types';
import { planDrill } from '../../electron/core/drills/plan-drill';
import { HaproxyRuntime } from '../../electron/core/haproxy';
import { loadInventoryFile, type LoadedInventory } from '../../electron/core/inventory/load-inventory';
import { startLab, type LabFleet } from '../../electron/core/lab/lab-fleet';
import { LAB_LB, LAB_SERVICE, startLabServices, type LabServices } from '../../electron/core/lab/lab-services';
import { createStepActions, type StepActions } from '../../electron/core/runbook-exec/step-actions';
import { loadRunbooks } from '../../electron/core/runbooks/load-runbooks';
import { SshPool } from '../../electron/core/ssh/pool';
import { waitFor } from './helpers/free-port';

/** The lab's HAProxy: `check inter 1s fall 2 rise 2` (lab-haproxy-config.ts). */
const LAB_INTER_MS = 1000;
const POLL_MS = 100;

let dir: string;
let lab: LabFleet | undefined;
let services: LabServices | undefined;
let inventory: LoadedInventory;
let runtime: HaproxyRuntime;
const pool = new SshPool();
let actions: StepActions;
const plans = new Map<string, DrillPlan>();
const observers: DrillObserver[] = [];

/** The console's verdicts are the monitor's (its own tests); here every subject stays healthy. */
const health: ObserverHealth = { current: () => 'healthy', subscribe: () => () => undefined };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-drill-observe-'));
  lab = await startLab({ dir: join(dir, 'lab'), nodes: 3 });
  services = await startLabServices({ dir: lab.dir, inventoryPath: lab.inventoryPath, maxReplicas: 3, fleet: lab, healthIntervalSeconds: 1, startDelayMs: 200 });
  inventory = await loadInventoryFile(lab.inventoryPath, { homeDir: dir, defaultUser: 'ops' });
  const rt = inventory.loadBalancers[0]!.runtime;
  if (rt.kind !== 'tcp') throw new Error('the lab LB runtime is on TCP');
  runtime = new HaproxyRuntime({ kind: 'tcp', host: rt.host, port: rt.port });
  await waitFor(async () => (await runtime.servers()).every((s) => s.status === 'UP'), { what: 'every lab server UP', timeoutMs: 20_000 });
  actions = createStepActions({ runtimeFor: () => runtime, ssh: { pool, nodeFor: (name) => inventory.nodes.find((n) => n.name === name)! } });
  const drills = (await loadDrills(lab.inventoryPath)).drills;
  const runbooks = new Map([...(await loadRunbooks(lab.inventoryPath)).runbooks].map(([k, v]) => [k, v.runbook]));
  for (const name of ['replica-stop', 'replica-freeze', 'replica-maint']) {
    plans.set(
      name,
      planDrill(drills.get(name)!.drill, {
        inventory,
        labDir: lab.dir,
        nodeHealth: () => 'healthy',
        replicaHealth: () => 'healthy',
        lbServer: await readLbServers(new Map([[LAB_LB, runtime]])),
        readOnly: { global: false, clusters: [] },
        runbooks,
        seed: `observe-${name}`,
      }),
    );
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(observers.map((o) => o.stop()));
  await pool.closeAll();
  await services?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const signal = () => new AbortController().signal;

/** The first milestone of `kind` (already seen or still to come), or a clear failure after timeoutMs. */
function milestone<K extends ObservedMilestone['kind']>(o: DrillObserver, kind: K, timeoutMs: number): Promise<Extract<ObservedMilestone, { kind: K }>> {
  type M = Extract<ObservedMilestone, { kind: K }>;
  const seen = o.milestones().find((m): m is M => m.kind === kind);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${kind} within ${timeoutMs} ms; milestones: ${JSON.stringify(o.milestones())}`));
    }, timeoutMs);
    const off = o.onMilestone((m) => {
      if (m.kind !== kind) return;
      clearTimeout(timer);
      off();
      resolve(m as M);
    });
  });
}

/** Starts an observer on a plan's target, as the runner does, and waits for a steady baseline. */
async function observe(plan: DrillPlan): Promise<{ observer: DrillObserver; target: string }> {
  const target = plan.targets[0]!.name;
  const observer = createDrillObserver(
    {
      frontendUrl: plan.hypothesis.url,
      probe: { ratePerSecond: 10, timeoutMs: 1500 },
      hypothesis: { minSuccessPct: plan.hypothesis.minSuccessPct, maxP95Ms: plan.hypothesis.maxP95LatencyMs, windowSeconds: plan.hypothesis.windowSeconds },
      lbServers: [{ loadBalancer: LAB_LB, backend: LAB_SERVICE, server: target }],
      subjects: [target],
      lbPollMs: POLL_MS,
    },
    { runtimes: new Map([[LAB_LB, runtime]]), health },
  );
  observers.push(observer);
  await observer.start();
  await waitFor(() => observer.hypothesis().requests >= 5, { what: 'five probes answered before the fault', timeoutMs: 5000 });
  expect(observer.hypothesis()).toMatchObject({ holds: true, successPct: 100 });
  return { observer, target };
}

/** Injects a plan's fault through the runbook step executor; T0 is when the step returned (the fault is in place). */
async function inject(plan: DrillPlan): Promise<number> {
  for (const step of plan.inject) await actions.run(step.action, signal());
  return Date.now();
}

async function restore(plan: DrillPlan, observer: DrillObserver): Promise<void> {
  for (const step of plan.restore) await actions.run(step.action, signal());
  await milestone(observer, 'lb-up', 15_000);
  await observer.stop();
}

const totals = (o: DrillObserver) =>
  o.seconds().reduce(
    (t, s) => ({ sent: t.sent + s.sent, ok: t.ok + s.ok, failed: t.failed + s.failed, retries: t.retries + s.lb.retries, redispatches: t.redispatches + s.lb.redispatches, econ: t.econ + s.lb.econ }),
    { sent: 0, ok: 0, failed: 0, retries: 0, redispatches: 0, econ: 0 },
  );

describe('the drill observer in the lab', () => {
  it('stop-service: HAProxy marks the server DOWN (L4CON) within one inter of inter × fall, and its redispatches show what the client did not see', async () => {
    const plan = plans.get('replica-stop')!;
    const { observer, target } = await observe(plan);
    const before = await observer.lbReadings();
    const t0 = await inject(plan);
    const down = await milestone(observer, 'lb-down', 10_000);
    const tookMs = down.at - t0;
    expect(down.server).toEqual({ loadBalancer: LAB_LB, backend: LAB_SERVICE, server: target });
    expect(down.checkStatus).toBe('L4CON');
    const promise = observer.lbPromises().find((p) => p.server.server === target)!;
    expect(promise).toMatchObject({ fall: 2, rise: 2, downBy: 'failed-checks' });
    // inter, derived from HAProxy's own check timing, is the configured 1 s within a poll or two.
    expect(Math.abs(promise.interMs - LAB_INTER_MS)).toBeLessThanOrEqual(3 * POLL_MS);
    expect(promise.promisedDownMs).toBe(promise.interMs * 2);
    expect(Math.abs(tookMs - promise.interMs * promise.fall)).toBeLessThanOrEqual(promise.interMs);
    console.log(`stop-service: ${target} DOWN ${tookMs} ms after the stop (derived inter ${promise.interMs} ms × fall ${promise.fall} = ${promise.promisedDownMs} ms)`);

    await restore(plan, observer);
    expect(await observer.lbReadings()).toEqual(before);
    const t = totals(observer);
    // Open loop at 10/s: every probe due was sent and ended (none is in flight after stop).
    expect(t.ok + t.failed).toBe(t.sent);
    // A refused connection is redispatched by HAProxy to another server (retries 3, option
    // redispatch): the client got its answer, and only HAProxy's counters show what happened.
    expect(t.redispatches).toBeGreaterThan(0);
    expect(t.failed).toBeLessThan(t.redispatches);
    console.log(`stop-service: ${t.sent} probes, ${t.failed} failed; HAProxy: ${t.retries} retries, ${t.redispatches} redispatches, ${t.econ} connection errors`);
  }, 60_000);

  it('freeze: HAProxy sees check timeouts (L7TOUT), the probes see timeouts, and DOWN comes within one inter of fall × (inter + check timeout)', async () => {
    const plan = plans.get('replica-freeze')!;
    const { observer, target } = await observe(plan);
    const t0 = await inject(plan);
    const down = await milestone(observer, 'lb-down', 15_000);
    const tookMs = down.at - t0;
    expect(down.checkStatus).toBe('L7TOUT');
    const first = await milestone(observer, 'first-failed-request', 1000);
    expect(first.error).toMatch(/^timeout: /);
    const promise = observer.lbPromises().find((p) => p.server.server === target)!;
    expect(promise).toMatchObject({ fall: 2, rise: 2, downBy: 'check-timeouts' });
    // No `timeout check` in the lab: HAProxy waits inter for a check (its check_duration says so).
    expect(Math.abs(promise.checkTimeoutMs! - LAB_INTER_MS)).toBeLessThanOrEqual(50);
    expect(Math.abs(promise.interMs - LAB_INTER_MS)).toBeLessThanOrEqual(3 * POLL_MS);
    expect(promise.promisedDownMs).toBe(2 * (promise.interMs + promise.checkTimeoutMs!));
    expect(Math.abs(tookMs - promise.promisedDownMs)).toBeLessThanOrEqual(promise.interMs);
    console.log(`freeze: ${target} DOWN ${tookMs} ms after the freeze (${down.checkStatus}; fall ${promise.fall} × (inter ${promise.interMs} + check timeout ${promise.checkTimeoutMs}) = ${promise.promisedDownMs} ms)`);

    await restore(plan, observer);
    const series = observer.seconds();
    const failedSeconds = series.filter((s) => s.failed > 0);
    expect(failedSeconds.length).toBeGreaterThan(0);
    // The hung probes waited the probe timeout: that is their latency.
    expect(Math.max(...failedSeconds.map((s) => s.maxMs ?? 0))).toBeGreaterThanOrEqual(1500);
    const t = totals(observer);
    expect(t.ok + t.failed).toBe(t.sent);
    console.log(`freeze: ${t.sent} probes, ${t.failed} failed (timeouts); hypothesis ${JSON.stringify(observer.hypothesis())}`);
  }, 60_000);

  it('maint: out of rotation at the next poll, no check status, no failed probe', async () => {
    const plan = plans.get('replica-maint')!;
    const { observer, target } = await observe(plan);
    const before = await observer.lbReadings();
    const t0 = await inject(plan);
    const down = await milestone(observer, 'lb-down', 5000);
    const tookMs = down.at - t0;
    expect(down.checkStatus).toBeNull();
    // Immediate: HAProxy changes the state as it answers the command, no check involved; the
    // observer sees it at its next poll (100 ms here), far inside one inter.
    expect(tookMs).toBeLessThan(LAB_INTER_MS / 2);
    expect((await observer.lbReadings()).get(`${LAB_LB}/${LAB_SERVICE}/${target}`)).toMatchObject({ state: 'maint' });
    console.log(`maint: ${target} out ${tookMs} ms after the command (poll every ${POLL_MS} ms)`);
    await restore(plan, observer);
    expect(await observer.lbReadings()).toEqual(before);
    const t = totals(observer);
    expect(t).toMatchObject({ failed: 0 });
    expect(observer.milestones().map((m) => m.kind)).toEqual(['lb-down', 'lb-up']);
  }, 60_000);
});
