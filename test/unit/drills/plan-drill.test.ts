import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DrillFile, DrillPlan, type DrillFileInput } from '../../../shared/drill';
import { FleetError } from '../../../shared/errors';
import type { DrillPlanInputs, LbServerReading } from '../../../electron/core/drills/drill-inputs';
import { formatDrillPlan } from '../../../electron/core/drills/format-drill-plan';
import { loadDrills } from '../../../electron/core/drills/load-drills';
import { planDrill } from '../../../electron/core/drills/plan-drill';
import { parseInventory, type LoadedInventory } from '../../../electron/core/inventory/load-inventory';
import { loadRunbooks } from '../../../electron/core/runbooks/load-runbooks';
import type { RunbookFile } from '../../../electron/core/runbooks/runbook-schema';

const inventoryPath = join(__dirname, '../../fixtures/drills/fleet.yaml');
const LAB = '/tmp/the-lab';
let inventory: LoadedInventory;
let runbooks: Map<string, RunbookFile>;
let builtins: Map<string, DrillFile>;

beforeAll(async () => {
  inventory = parseInventory(readFileSync(inventoryPath, 'utf8'), inventoryPath, { homeDir: '/home/me', defaultUser: 'me' });
  runbooks = new Map([...(await loadRunbooks(inventoryPath)).runbooks].map(([k, v]) => [k, v.runbook]));
  builtins = new Map([...(await loadDrills(inventoryPath)).drills].map(([k, v]) => [k, v.drill]));
});

const UP: LbServerReading = { state: 'ready', weight: 100, up: true };

/** A healthy lab-shaped fleet: every verdict healthy, every server ready at weight 100 and UP. */
function inputs(extra: Partial<DrillPlanInputs> = {}): DrillPlanInputs {
  return {
    inventory,
    labDir: LAB,
    nodeHealth: () => 'healthy',
    replicaHealth: () => 'healthy',
    lbServer: () => UP,
    readOnly: { global: false, clusters: [] },
    runbooks,
    newSeed: () => 'seed-from-test',
    ...extra,
  };
}

/** A drill (its file's shape, checked by the contract) with the parts a test does not care about filled in. */
function drill(parts: Partial<DrillFileInput>): DrillFile {
  return DrillFile.parse({
    name: 'd',
    description: 'A drill.',
    targets: { replica: 'edge-01-llm', maxTargets: 1 },
    fault: { kind: 'stop-service' },
    hypothesis: { minSuccessPct: 95, maxP95LatencyMs: 2000, window: '30s', probeRatePerSecond: 5, grace: '60s' },
    response: 'none',
    expectations: { detectedWithin: '15s' },
    ...parts,
  });
}

function plan(d: DrillFile, extra: Partial<DrillPlanInputs> = {}): DrillPlan {
  const p = planDrill(d, inputs(extra));
  // The runner stores and reads plans through the contract: every plan must satisfy it.
  expect(DrillPlan.parse(p)).toEqual(p);
  return p;
}

function refusal(fn: () => unknown): FleetError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FleetError) return err;
    throw err;
  }
  throw new Error('expected a FleetError');
}

describe('the built-in drills against a lab-shaped fleet', () => {
  it.each(['gpu-lost-game-day', 'region-down', 'replica-freeze', 'replica-maint', 'replica-stop', 'replica-stop-drain'])('%s plans, and may run on a healthy fleet', (name) => {
    const p = plan(builtins.get(name)!);
    expect(p.preconditions.filter((c) => !c.ok)).toEqual([]);
    expect(p.inject.length).toBeGreaterThan(0);
    expect(p.restore.map((s) => s.action)).toEqual([...p.inject].reverse().map((s) => s.undo));
    // The lab's inference clusters are protected: by hand, the drill's name is typed.
    expect(p.confirmation).toBe(name);
    expect(p.hypothesis).toMatchObject({ service: 'llama', loadBalancer: 'lab-lb', url: 'http://127.0.0.1:8080/health' });
  });

  it('replica-stop: one replica of llama drawn with the seed, stopped and started over SSH exactly', () => {
    const p = plan(builtins.get('replica-stop')!, { seed: 'replay-1' });
    expect(p.seed).toBe('replay-1');
    expect(p.seedSource).toBe('operator');
    const [target] = p.targets;
    const node = target!.name.replace(/-llm$/, '');
    expect(p.inject).toEqual([
      {
        index: 0,
        title: `Stop vllm on ${node} (serves ${target!.name})`,
        action: { type: 'ssh.run', node, commandName: 'stop-service', commandLine: "systemctl stop 'vllm'", timeoutSeconds: 60 },
        undo: { type: 'ssh.run', node, commandName: 'start-service', commandLine: "systemctl start 'vllm'", timeoutSeconds: 60 },
        mutating: true,
        targets: [node, target!.name],
      },
    ]);
    expect(p.restore).toEqual([{ index: 0, title: `Start vllm on ${node}`, action: p.inject[0]!.undo, undo: null, mutating: true, targets: [node, target!.name] }]);
    expect(p.locks).toEqual([target!.name, node]);
    expect(p.fault).toEqual({ kind: 'stop-service', unit: 'vllm', timeout: '60s' });
    expect(p.lab).toBeNull();
    expect(p.hypothesis).toEqual({ service: 'llama', loadBalancer: 'lab-lb', url: 'http://127.0.0.1:8080/health', minSuccessPct: 95, maxP95LatencyMs: 2000, windowSeconds: 30, probeRatePerSecond: 5, graceSeconds: 60 });
    expect(p.response).toEqual({ kind: 'none' });
    expect(p.expectations).toEqual({ detectedWithinSeconds: 15, mitigatedWithinSeconds: null, restoredWithinSeconds: 120, maxFailedRequests: 50 });
    // The same seed replays the same target.
    expect(plan(builtins.get('replica-stop')!, { seed: 'replay-1' }).targets).toEqual(p.targets);
  });

  it('replica-stop-drain: the response runbook is resolved against its own parameters, on the drill\'s replica', () => {
    const p = plan(builtins.get('replica-stop-drain')!);
    expect(p.response).toEqual({
      kind: 'runbook',
      runbook: 'drain-replica',
      target: p.targets[0]!.name,
      params: { stopService: 'no', service: 'vllm', drainTimeoutSeconds: '30' },
      after: { kind: 'detection' },
    });
  });

  it('region-down: the lab faults, against this lab, and capacity judged on what is left', () => {
    const p = plan(builtins.get('region-down')!);
    expect(p.lab).toBe(LAB);
    expect(p.inject.map((s) => s.action.type)).toEqual(['lab.fault', 'lab.fault', 'lab.fault', 'lab.fault', 'lab.fault']);
    expect(p.preconditions.map((c) => c.text)).toContain(
      // A node the lab makes unreachable counts its replica out at once (step 2), before its own replica fault.
      'with the fault applied: after step 2, lab-lb backend llama keeps 4 serving servers: at least one serves (availability not checked: its serving replicas have no measured availability over 24 h); load not checked: no capacity declared for usw2-inf-01-llm, usw2-inf-02-llm, use1-inf-01-llm, use1-inf-02-llm, euc1-inf-01-llm and 1 more',
    );
    expect(p.preconditions[0]).toEqual({ ok: true, text: 'region us-west-2 (3 nodes, 2 replicas) is healthy', overridable: false });
  });

  it('the dry run prints every command as sent, the restore order and what stands in the way', () => {
    // Seed s1 draws use1-inf-01-llm; another replica of the service is down.
    const text = formatDrillPlan(plan(builtins.get('replica-freeze')!, { seed: 's1', replicaHealth: (n) => (n === 'euc1-inf-02-llm' ? 'unreachable' : 'healthy') }));
    expect(text).toContain('  replica use1-inf-01-llm (cluster use1-inference, protected): draw 1 of 1 from the 6 eligible replicas of llama (seed s1)');
    expect(text).toContain(`do:      ssh `);
    expect(text).toMatch(/do: {6}ssh \S+: pid=\$\(systemctl show -p MainPID --value 'vllm'\) \|\| exit; if \[ "\$pid" -gt 0 \]; then kill -STOP "\$pid"; else echo no main process for unit 'vllm' >&2; exit 1; fi {2}\(freeze-service, timeout 30s\)/);
    expect(text).toMatch(/restore: ssh \S+: pid=.* kill -CONT "\$pid"/);
    expect(text).toContain('Targets: 1 of the 6 eligible replicas of llama, drawn with seed s1 (seed s1, operator)');
    expect(text).toContain('[FAILED] service llama on lab-lb is not healthy now: euc1-inf-02-llm unreachable');
    expect(text).toContain("1. Thaw vllm's main process on use1-inf-01 with SIGCONT: ssh use1-inf-01: pid=");
    expect(text).toContain('Confirmation: protected cluster; type "replica-freeze" to run it by hand');
    expect(text.trimEnd().endsWith('Dry run: nothing was sent. This drill cannot run: 1 precondition(s) failed.')).toBe(true);
  });
});

describe('preconditions', () => {
  it('a target that is not healthy now, or has no verdict yet, stops the drill', () => {
    const sick = plan(drill({}), { replicaHealth: (n) => (n === 'edge-01-llm' ? 'throttled' : 'healthy') });
    expect(sick.preconditions[0]).toEqual({ ok: false, text: 'replica edge-01-llm is not healthy now (replica edge-01-llm throttled): a drill measures the failure it causes, not one already there', overridable: false });
    const unknown = plan(drill({ targets: { node: 'use1-edge-02', maxTargets: 1 } }), { nodeHealth: () => undefined });
    expect(unknown.preconditions[0]).toMatchObject({ ok: false, text: 'node use1-edge-02 (1 node, 1 replica) is not healthy now (node use1-edge-02 has no verdict yet): a drill measures the failure it causes, not one already there' });
  });

  it('the service must be healthy: servers in rotation up and healthy, the load balancer readable', () => {
    const down = plan(drill({}), { lbServer: (_l, _b, s) => (s === 'edge-02-llm' ? { ...UP, up: false } : UP) });
    expect(down.preconditions[1]).toEqual({ ok: false, text: 'service edge on lab-lb is not healthy now: edge-02-llm DOWN on lab-lb', overridable: false });
    const spare = plan(drill({ hypothesis: { service: 'llama', minSuccessPct: 95, maxP95LatencyMs: 2000, window: '30s', probeRatePerSecond: 5, grace: '60s' } }), {
      lbServer: (_l, _b, s) => (s === 'euc1-inf-02-llm' ? { state: 'maint', weight: 100, up: false } : UP),
    });
    expect(spare.preconditions[1]).toEqual({ ok: true, text: 'service llama on lab-lb: 5 servers in rotation, all up and healthy; out of rotation: euc1-inf-02-llm maint', overridable: false });
    // Without HAProxy's view the drill cannot know the service is whole; the load-balancer faults cannot even be planned.
    expect(plan(drill({}), { lbServer: () => null }).preconditions[1]).toEqual({ ok: false, text: "service edge on lab-lb: the load balancer's view of its servers is not known (is HAProxy reachable?)", overridable: false });
  });

  it('read-only refuses the drill, globally or for a cluster it would change', () => {
    expect(plan(drill({}), { readOnly: { global: true, clusters: [] } }).preconditions).toContainEqual({
      ok: false,
      text: 'read-only mode is on (global switch): steps 1 would change things and are refused; turn read-only off to run this drill',
      overridable: false,
    });
    expect(plan(drill({}), { readOnly: { global: false, clusters: ['use1-edge'] } }).preconditions).toContainEqual({ ok: false, text: 'cluster use1-edge is read-only: steps 1 would change it and are refused', overridable: false });
    expect(plan(drill({}), { readOnly: { global: false, clusters: ['usw2-inference'] } }).preconditions).toContainEqual({ ok: true, text: 'read-only mode is off for everything this drill changes', overridable: false });
  });

  it('the runbook planner\'s capacity check runs with the fault applied: taking out every server fails, an override passes with its reason', () => {
    const all = drill({ targets: { replicasOf: 'edge', count: 2, maxTargets: 2 }, fault: { kind: 'lb-maint' } });
    const p = plan(all);
    expect(p.preconditions.at(-1)).toEqual({ ok: false, text: 'with the fault applied: after step 2 no server of lab-lb backend edge serves: run with an override and a reason to go ahead anyway', overridable: true });
    const o = plan(all, { override: { reason: 'game day, edge is drained' } });
    expect(o.preconditions.at(-1)).toEqual({ ok: true, text: 'with the fault applied: after step 2 no server of lab-lb backend edge serves: overridden by the operator (game day, edge is drained)', overridable: true });
  });

  it('capacity uses the measured availability and the SLO: losing the best replicas can miss it', () => {
    const three = drill({ targets: { replicasOf: 'llama', count: 5, maxTargets: 5, allowProtected: true, seed: 1 }, fault: { kind: 'replica-down' } });
    const p = plan(three, { replicaAvailability: () => 0.98 });
    expect(p.preconditions.at(-1)).toMatchObject({ ok: false, text: expect.stringMatching(/^with the fault applied: after step 5, lab-lb backend llama keeps 1 serving server: estimated availability 98\.0% < SLO 99\.9%/) });
  });

  it('a fault that takes no load-balancer server out leaves capacity as it is', () => {
    const p = plan(drill({ targets: { node: 'usw2-trn-01', maxTargets: 1 }, fault: { kind: 'xid-79' }, hypothesis: { service: 'llama', minSuccessPct: 95, maxP95LatencyMs: 2000, window: '30s', probeRatePerSecond: 5, grace: '60s' } }));
    expect(p.preconditions.at(-1)).toEqual({ ok: true, text: 'with the fault applied: no step changes a load-balancer server: serving capacity stays as it is', overridable: true });
    expect(p.confirmation).toBeNull();
  });
});

describe('what cannot be planned at all', () => {
  it('a lab fault against a fleet that is not a lab', () => {
    expect(refusal(() => planDrill(builtins.get('region-down')!, inputs({ labDir: null }))).message).toMatch(/^fault region-down is one of the lab's: it can only be injected into a fleetops lab/);
  });

  it('a response runbook that does not exist, or does not resolve on the drill\'s targets', () => {
    const response = (r: DrillFileInput['response']) => () => planDrill(drill({ response: r }), inputs());
    expect(refusal(response({ runbook: 'nope', after: 'detection' }))).toMatchObject({ code: 'NOT_FOUND', message: 'response: there is no runbook "nope" (runbooks: cordon-gpu-node, drain-replica, promote-spare-node, region-failback, region-failover, replace-replica)' });
    expect(refusal(response({ runbook: 'drain-replica', params: { stopService: 'maybe' }, after: '30s' })).message).toBe('parameter "stopService" = "maybe" does not match its pattern yes|no');
    expect(refusal(() => planDrill(drill({ targets: { replicasOf: 'edge', count: 2, maxTargets: 2 }, response: { runbook: 'drain-replica', after: 'detection' } }), inputs())).message).toBe(
      'response: runbook drain-replica targets a replica, and this drill hits 2 (edge-01-llm, edge-02-llm): name it with response.target',
    );
  });

  it('a region runbook response defaults to the targets\' region; a delay is in seconds', () => {
    const p = plan(drill({ response: { runbook: 'region-failover', params: { to: 'eu-central-1' }, after: '2m' } }));
    expect(p.response).toMatchObject({ kind: 'runbook', runbook: 'region-failover', target: 'us-east-1', after: { kind: 'delay', seconds: 120 } });
  });

  it('a hypothesis without a service to watch', () => {
    expect(refusal(() => planDrill(drill({ targets: { node: 'usw2-trn-01', maxTargets: 1 }, fault: { kind: 'xid-79' } }), inputs())).message).toBe(
      'hypothesis: the targets are servers of no load-balancer backend: name the service to watch with hypothesis.service',
    );
    const wrongLb = drill({ hypothesis: { service: 'edge', loadBalancer: 'ext-lb', minSuccessPct: 95, maxP95LatencyMs: 2000, window: '30s', probeRatePerSecond: 5, grace: '60s' } });
    expect(refusal(() => planDrill(wrongLb, inputs()))).toMatchObject({ code: 'NOT_FOUND', message: 'hypothesis: load balancer "ext-lb" has no backend edge (it is on lab-lb)' });
  });

  it('the hypothesis path and service can be named; the health path is the default', () => {
    expect(plan(drill({})).hypothesis.url).toBe('http://127.0.0.1:8080/healthz');
    const p = plan(drill({ hypothesis: { service: 'llama', path: '/v1/models', minSuccessPct: 99.5, maxP95LatencyMs: 800, window: '1m', probeRatePerSecond: 0.5, grace: '5m' } }));
    expect(p.hypothesis).toEqual({ service: 'llama', loadBalancer: 'lab-lb', url: 'http://127.0.0.1:8080/v1/models', minSuccessPct: 99.5, maxP95LatencyMs: 800, windowSeconds: 60, probeRatePerSecond: 0.5, graceSeconds: 300 });
  });
});
