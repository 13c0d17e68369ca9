/**
 * Drills against a running lab (an in-process console on the lab's real HAProxy): every built-in
 * drill plans against it out of the box, on the console's own verdicts and HAProxy's own state;
 * and the lab faults' planned steps run in the runbook engine, through the change gate — locked
 * by their run, audited, refused while read-only, restored (undone) even while read-only, and
 * never applied to another lab than the one they were planned against.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrillFile, DrillPlan, type DrillFileInput } from '../../shared/drill';
import type { PlannedStep, RunbookPlan } from '../../shared/runbook';
import type { DrillPlanInputs } from '../../electron/core/drills/drill-inputs';
import { inProcessLabFaults } from '../../electron/core/drills/lab-fault-port';
import { readLbServers } from '../../electron/core/drills/lb-reader';
import { loadDrills } from '../../electron/core/drills/load-drills';
import { planDrill } from '../../electron/core/drills/plan-drill';
import { gatedStepActions } from '../../electron/core/gate/gated-step-actions';
import { loadInventoryFile, type LoadedInventory } from '../../electron/core/inventory/load-inventory';
import { labDirOfInventory } from '../../electron/core/lab/lab-files';
import { LAB_LB, LAB_SERVICE } from '../../electron/core/lab/lab-services';
import { RunbookEngine } from '../../electron/core/runbook-exec/run-engine';
import { createStepActions } from '../../electron/core/runbook-exec/step-actions';
import { loadRunbooks } from '../../electron/core/runbooks/load-runbooks';
import type { RunbookFile } from '../../electron/core/runbooks/runbook-schema';
import { waitFor } from './helpers/free-port';
import { allServersUp, startLabConsole, type LabConsole } from './helpers/lab-console';

let c: LabConsole;
let inventory: LoadedInventory;
let runbooks: Map<string, RunbookFile>;
let engine: RunbookEngine;

beforeAll(async () => {
  c = await startLabConsole({ name: 'drill-faults' });
  inventory = await loadInventoryFile(c.lab.inventoryPath, { homeDir: c.dir, defaultUser: 'ops' });
  runbooks = new Map([...(await loadRunbooks(c.lab.inventoryPath)).runbooks].map(([k, v]) => [k, v.runbook]));
  await allServersUp(c);
  // The console's own verdicts: every node and replica healthy before a drill may be planned to run.
  await waitFor(() => inventory.nodes.every((n) => c.core.monitor.status(n.name)?.health === 'healthy') && c.replicas.every((r) => c.core.services.replicas.status(r)?.health === 'healthy'), {
    what: 'every lab node and replica healthy',
    timeoutMs: 45_000,
  });
  const runtimeFor = () => c.runtime;
  // The runbook engine as the console composes it, with the lab's fault switches given to the step executor.
  const actions = createStepActions({ runtimeFor, lab: inProcessLabFaults(c.lab, c.services), pollIntervalMs: 50 });
  const { db, owner, locks } = c.core.coordination;
  engine = new RunbookEngine({ db, owner, locks, actions: gatedStepActions(actions, { gate: c.core.gate, inventory: () => inventory, runtimeFor }) });
}, 90_000);

afterAll(async () => {
  engine?.close();
  await c?.stop();
});

async function inputs(extra: Partial<DrillPlanInputs> = {}): Promise<DrillPlanInputs> {
  return {
    inventory,
    labDir: labDirOfInventory(c.lab.inventoryPath),
    nodeHealth: (n) => c.core.monitor.status(n)?.health,
    replicaHealth: (r) => c.core.services.replicas.status(r)?.health,
    lbServer: await readLbServers(new Map([[LAB_LB, c.runtime]])),
    readOnly: c.core.gate.readOnly.value,
    runbooks,
    ...extra,
  };
}

function drill(parts: Partial<DrillFileInput>): DrillFile {
  return DrillFile.parse({
    name: 'lab-drill',
    description: 'A lab drill.',
    targets: { replicasOf: LAB_SERVICE, count: 1, seed: 'lab', maxTargets: 1, allowProtected: true },
    fault: { kind: 'gpu-lost' },
    hypothesis: { minSuccessPct: 95, maxP95LatencyMs: 2000, window: '30s', probeRatePerSecond: 5, grace: '60s' },
    response: 'none',
    expectations: { detectedWithin: '15s' },
    ...parts,
  });
}

/**
 * The drill's inject steps as a run of the runbook engine, held open by a last step that waits
 * (for a server that stays UP to go DOWN) until the run is aborted: the abort undoes the injects,
 * which is the drill's restore.
 */
function heldRun(plan: DrillPlan, hold: string): RunbookPlan {
  const wait: PlannedStep = {
    index: plan.inject.length,
    title: 'Hold the drill open',
    action: { type: 'lb.wait', loadBalancer: LAB_LB, backend: LAB_SERVICE, server: hold, until: 'down', timeoutSeconds: 120 },
    undo: null,
    mutating: false,
    targets: [hold],
  };
  return { runbook: `drill ${plan.drill}`, target: plan.targets.map((t) => t.name).join(', '), params: { seed: plan.seed }, confirmation: plan.confirmation, onFailure: 'rollback', steps: [...plan.inject, wait], preconditions: plan.preconditions, locks: plan.locks };
}

const operator = { user: 'alice', host: 'console-1' };
const labFaults = () => c.lab.info().faults;
const audit = (kind: string, runId: string) => c.core.store.audit.list({ limit: 200 }).filter((e) => e.kind === kind && (e.detail as { run?: string }).run === runId);

describe('the built-in drills against the running lab', () => {
  it('each plans against it out of the box, every precondition met', async () => {
    const { drills } = await loadDrills(c.lab.inventoryPath);
    expect(drills.size).toBeGreaterThanOrEqual(6);
    const base = await inputs();
    expect(base.labDir).toBe(c.lab.dir);
    for (const [name, { drill: d }] of drills) {
      const plan = planDrill(d, base);
      expect(DrillPlan.parse(plan)).toEqual(plan);
      expect(plan.preconditions.filter((p) => !p.ok), name).toEqual([]);
      expect(plan.hypothesis.url).toBe(`${inventory.loadBalancers[0]!.frontendUrl}/health`);
    }
  });
});

describe('lab faults as runbook steps, through the change gate', () => {
  it('inject under the run\'s lock, audited with the exact words; the abort restores it', async () => {
    const plan = planDrill(drill({}), await inputs());
    const node = plan.inject[0]!.action.type === 'lab.fault' && plan.inject[0]!.action.fault.on === 'node' ? plan.inject[0]!.action.fault.node : '';
    expect(node).not.toBe('');
    const hold = c.replicas.find((r) => !plan.locks.includes(r))!;
    const run = engine.start(heldRun(plan, hold), { confirm: plan.confirmation ?? undefined, operator });
    await waitFor(() => engine.get(run.runId).steps[0]!.status === 'succeeded', { what: 'the inject step' });
    expect(labFaults()).toEqual([{ node, kind: 'gpu-lost', gpuIndex: 0 }]);
    expect(audit('change', run.runId)).toEqual([
      expect.objectContaining({ subject: node, detail: expect.objectContaining({ action: 'lab.fault', command: `lab: inject gpu-lost into node ${node}, GPU 0`, phase: 'do', step: 0 }) }),
    ]);

    engine.abort(run.runId);
    expect((await run.done).status).toBe('rolled-back');
    expect(labFaults()).toEqual([]);
    expect(audit('change', run.runId).map((e) => (e.detail as { action: string; phase: string }).action + ' ' + (e.detail as { phase: string }).phase)).toEqual(['lab.clear undo', 'lab.fault do']);
  });

  it('a replica fault reaches the lab replica with its options, and is cleared on restore', async () => {
    const plan = planDrill(drill({ fault: { kind: 'replica-rate-limit', retryAfterSeconds: 7 } }), await inputs());
    const replica = plan.targets[0]!.name;
    const hold = c.replicas.find((r) => r !== replica)!;
    const run = engine.start(heldRun(plan, hold), { confirm: plan.confirmation ?? undefined, operator });
    await waitFor(() => engine.get(run.runId).steps[0]!.status === 'succeeded', { what: 'the inject step' });
    expect(c.services.info().replicas.find((r) => r.name === replica)).toMatchObject({ fault: 'rate-limit', retryAfterSeconds: 7 });
    engine.abort(run.runId);
    expect((await run.done).status).toBe('rolled-back');
    expect(c.services.info().replicas.find((r) => r.name === replica)).toMatchObject({ fault: null });
  });

  it('read-only refuses the injection (nothing reaches the lab), but never a restore', async () => {
    const plan = planDrill(drill({}), await inputs());
    const hold = c.replicas.find((r) => !plan.locks.includes(r))!;
    c.core.gate.readOnly.set({ global: true, clusters: [] });
    try {
      const refused = engine.start(heldRun(plan, hold), { confirm: plan.confirmation ?? undefined, operator });
      const view = await refused.done;
      expect(view.steps[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/^read-only mode is on \(global switch\): lab\.fault on \S+ refused/) });
      expect(labFaults()).toEqual([]);
      expect(audit('change.refused', refused.runId)).toHaveLength(1);
    } finally {
      c.core.gate.readOnly.set({ global: false, clusters: [] });
    }

    const run = engine.start(heldRun(plan, hold), { confirm: plan.confirmation ?? undefined, operator });
    await waitFor(() => engine.get(run.runId).steps[0]!.status === 'succeeded', { what: 'the inject step' });
    expect(labFaults()).toHaveLength(1);
    c.core.gate.readOnly.set({ global: true, clusters: [] });
    try {
      engine.abort(run.runId);
      expect((await run.done).status).toBe('rolled-back');
      // A drill's fault must never outlive the drill: read-only does not strand it.
      expect(labFaults()).toEqual([]);
    } finally {
      c.core.gate.readOnly.set({ global: false, clusters: [] });
    }
  });

  it('a step planned against another lab is refused, and this lab is left alone', async () => {
    const plan = planDrill(drill({}), await inputs({ labDir: `${c.lab.dir}-elsewhere` }));
    const hold = c.replicas.find((r) => !plan.locks.includes(r))!;
    const run = engine.start(heldRun(plan, hold), { confirm: plan.confirmation ?? undefined, operator });
    const view = await run.done;
    expect(view.steps[0]!.error).toBe(`the step was planned against the lab in ${c.lab.dir}-elsewhere, but this console's lab is ${c.lab.dir}: plan it again`);
    expect(labFaults()).toEqual([]);
  });
});
