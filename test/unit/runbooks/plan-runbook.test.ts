import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { RunbookPlan } from '../../../shared/runbook';
import { parseInventory, type LoadedInventory } from '../../../electron/core/inventory/load-inventory';
import { formatPlan } from '../../../electron/core/runbooks/format-plan';
import { loadRunbooks, parseRunbook } from '../../../electron/core/runbooks/load-runbooks';
import { planRunbook, type PlanOptions } from '../../../electron/core/runbooks/plan-runbook';
import type { RunbookFile } from '../../../electron/core/runbooks/runbook-schema';
import { thrownFleetError } from '../thrown';

const inventoryPath = join(__dirname, '../../fixtures/runbooks/fleet.yaml');
let inventory: LoadedInventory;
let builtins: Map<string, RunbookFile>;

beforeAll(async () => {
  inventory = parseInventory(readFileSync(inventoryPath, 'utf8'), inventoryPath, { homeDir: '/home/me', defaultUser: 'me' });
  const set = await loadRunbooks(inventoryPath);
  builtins = new Map([...set.runbooks].map(([k, v]) => [k, v.runbook]));
});

/** HAProxy's weights in these tests: 1 (its default) everywhere but r-b1, at 7. */
const weightNow = (_lb: string, _backend: string, server: string) => (server === 'r-b1' ? 7 : 1);

function plan(name: string, target: string, extra: Partial<PlanOptions> = {}) {
  const p = planRunbook(builtins.get(name)!, { inventory, target, readOnly: { global: false, clusters: [] }, lockHolder: () => null, serverWeight: weightNow, ...extra });
  // The executor relies on the shared contract: every plan must satisfy it.
  expect(RunbookPlan.parse(p)).toEqual(p);
  return p;
}


describe('planRunbook: drain-replica', () => {
  it('renders the exact HAProxy commands and their undos, and leaves out the SSH step unless asked', () => {
    const p = plan('drain-replica', 'r-a1');
    expect(p.steps.map((s) => [s.index, s.action.type, 'command' in s.action ? s.action.command : null, s.undo && 'command' in s.undo ? s.undo.command : null, s.mutating])).toEqual([
      // 0-based, as the executor runs and journals them; the printed plan numbers from 1.
      [0, 'confirm', null, null, false],
      [1, 'lb.set-state', 'set server llama/r-a1 state drain', 'set server llama/r-a1 state ready', true],
      [2, 'lb.wait', null, null, false],
      [3, 'lb.set-state', 'set server llama/r-a1 state maint', 'set server llama/r-a1 state drain', true],
    ]);
    expect(p.steps[0].action).toEqual({ type: 'confirm', expect: 'r-a1' });
    expect(p.steps[2].action).toEqual({ type: 'lb.wait', loadBalancer: 'lb-global', backend: 'llama', server: 'r-a1', until: 'sessions-zero', timeoutSeconds: 120 });
    expect(p.params).toEqual({ stopService: 'no', service: 'vllm', drainTimeoutSeconds: '120' });
    expect(p.locks).toEqual(['r-a1']);
    expect(p.confirmation).toBeNull();
    expect(p.onFailure).toBe('rollback');
    expect(p.preconditions.every((c) => c.ok)).toBe(true);
  });

  it('with stopService=yes, stops the service on the replica node with a quoted command line', () => {
    const p = plan('drain-replica', 'r-a1', { params: { stopService: 'yes', service: 'vllm@1.service', drainTimeoutSeconds: '30' } });
    expect(p.steps[2].action).toMatchObject({ timeoutSeconds: 30 });
    expect(p.steps[4]).toMatchObject({
      action: { type: 'ssh.run', node: 'gpu-a01', commandName: 'stop-service', commandLine: "systemctl stop 'vllm@1.service'", timeoutSeconds: 60 },
      undo: { type: 'ssh.run', node: 'gpu-a01', commandName: 'start-service', commandLine: "systemctl start 'vllm@1.service'" },
      targets: ['gpu-a01'],
      mutating: true,
    });
    expect(p.locks).toEqual(['r-a1', 'gpu-a01']);
  });

  it.each(['; rm -rf /', '$(id)', '`id`', 'vllm\nreboot', "vllm'", 'vllm"'])('refuses the hostile service %j by its pattern, naming param and pattern', (service) => {
    const err = thrownFleetError(() => plan('drain-replica', 'r-a1', { params: { stopService: 'yes', service } }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toBe(`parameter "service" = ${JSON.stringify(service)} does not match its pattern [a-z0-9][a-z0-9@._-]{0,63}`);
  });

  it('unknown target, unknown parameter and missing parameter are clear errors', () => {
    expect(thrownFleetError(() => plan('drain-replica', 'r-zz'))).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/^runbook drain-replica targets a replica, and "r-zz" is not one \(replicas: r-a1, /) });
    expect(thrownFleetError(() => plan('drain-replica', 'r-a1', { params: { sevice: 'x' } }))).toMatchObject({ code: 'BAD_REQUEST', message: 'runbook drain-replica has no parameter "sevice" (parameters: stopService, service, drainTimeoutSeconds)' });
    expect(thrownFleetError(() => plan('replace-replica', 'r-a1'))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^runbook replace-replica needs --param spare=…/) });
    expect(thrownFleetError(() => plan('replace-replica', 'r-a1', { params: { spare: 'nope' } }))).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/^parameter "spare": "nope" is not a replica/) });
  });

  it('names the run that holds a lock', () => {
    const p = plan('drain-replica', 'r-a1', { lockHolder: (s) => (s === 'r-a1' ? 'run 42 (replace-replica by alice)' : null) });
    expect(p.preconditions).toContainEqual({ ok: false, text: 'r-a1 is held by run 42 (replace-replica by alice): wait for it to finish or stop it', overridable: false });
  });

  it('read-only refuses the changing steps, globally or for the cluster, with a clear message', () => {
    const global = plan('drain-replica', 'r-a1', { readOnly: { global: true, clusters: [] } });
    expect(global.preconditions).toContainEqual({
      ok: false,
      text: 'read-only mode is on (global switch): steps 2, 4 would change things and are refused; turn read-only off to run this runbook',
      overridable: false,
    });
    const cluster = plan('drain-replica', 'r-a1', { readOnly: { global: false, clusters: ['infer-a'] } });
    expect(cluster.preconditions).toContainEqual({ ok: false, text: 'cluster infer-a is read-only: steps 2, 4 would change it and are refused', overridable: false });
    const other = plan('drain-replica', 'r-a1', { readOnly: { global: false, clusters: ['infer-b'] } });
    expect(other.preconditions.every((c) => c.ok)).toBe(true);
  });

  it('a replica in a protected cluster needs its name typed', () => {
    expect(plan('drain-replica', 'r-b1').confirmation).toBe('r-b1');
    expect(plan('drain-replica', 'r-a2').confirmation).toBeNull();
  });

  it('an LB step on a server in two backends becomes one step per backend', () => {
    const p = plan('drain-replica', 'r-b2');
    expect(p.steps.filter((s) => s.action.type === 'lb.set-state').map((s) => (s.action as { command: string }).command)).toEqual([
      'set server llama/r-b2 state drain',
      'set server batch/r-b2 state drain',
      'set server llama/r-b2 state maint',
      'set server batch/r-b2 state maint',
    ]);
  });
});

describe('planRunbook: capacity', () => {
  it('draining the only server of a backend fails an overridable precondition; an override with a reason passes it', () => {
    const p = plan('drain-replica', 'r-b2');
    const capacity = p.preconditions.at(-1)!;
    expect(capacity).toEqual({ ok: false, overridable: true, text: 'after step 3 no server of lb-global backend batch serves: run with an override and a reason to go ahead anyway' });
    const overridden = plan('drain-replica', 'r-b2', { override: { reason: 'batch traffic paused for the night' } }).preconditions.at(-1)!;
    expect(overridden).toEqual({ ok: true, overridable: true, text: 'after step 3 no server of lb-global backend batch serves: overridden by the operator (batch traffic paused for the night)' });
    expect(plan('drain-replica', 'r-b2', { override: { reason: '  ' } }).preconditions.at(-1)!.ok).toBe(false);
  });

  it('counts only replicas that are serving now, and names the SLO at risk', () => {
    const health = (name: string) => (name === 'r-a1' ? 'healthy' : 'unhealthy');
    expect(plan('drain-replica', 'r-a1', { replicaHealth: health }).preconditions.at(-1)).toEqual({
      ok: false,
      overridable: true,
      text: 'after step 2 no server of lb-global backend llama serves (SLO 99.9% on llama): run with an override and a reason to go ahead anyway',
    });
    expect(plan('drain-replica', 'r-a1', { replicaHealth: () => 'healthy' }).preconditions.at(-1)!.ok).toBe(true);
  });
});

describe('planRunbook: replace-replica', () => {
  it('starts the spare, waits for it, puts it in rotation, then drains and maints the failed one', () => {
    const health = (name: string) => (name === 'r-a2' ? 'healthy' : 'unhealthy');
    const p = plan('replace-replica', 'r-a1', { params: { spare: 'spare-a3' }, replicaHealth: health });
    expect(p.steps.map((s) => s.action)).toEqual([
      { type: 'confirm', expect: 'r-a1' },
      { type: 'ssh.run', node: 'gpu-a03', commandName: 'start-service', commandLine: "systemctl start 'vllm'", timeoutSeconds: 120 },
      { type: 'wait.healthy', subject: 'spare-a3', subjectKind: 'replica', timeoutSeconds: 600 },
      { type: 'lb.set-state', loadBalancer: 'lb-global', backend: 'llama', server: 'spare-a3', state: 'ready', command: 'set server llama/spare-a3 state ready' },
      { type: 'lb.wait', loadBalancer: 'lb-global', backend: 'llama', server: 'spare-a3', until: 'up', timeoutSeconds: 120 },
      { type: 'lb.set-state', loadBalancer: 'lb-global', backend: 'llama', server: 'r-a1', state: 'drain', command: 'set server llama/r-a1 state drain' },
      { type: 'lb.set-state', loadBalancer: 'lb-global', backend: 'llama', server: 'r-a1', state: 'maint', command: 'set server llama/r-a1 state maint' },
    ]);
    expect(p.steps[1].undo).toMatchObject({ type: 'ssh.run', commandLine: "systemctl stop 'vllm'" });
    expect(p.steps[3].undo).toMatchObject({ command: 'set server llama/spare-a3 state maint' });
    expect(p.locks).toEqual(['r-a1', 'gpu-a03', 'spare-a3']);
    expect(p.preconditions.every((c) => c.ok)).toBe(true);
  });

  it('a spare in a protected cluster makes the run need the typed name too', () => {
    expect(plan('replace-replica', 'r-a1', { params: { spare: 'r-b1' } }).confirmation).toBe('r-a1');
  });
});

describe('planRunbook: region runbooks', () => {
  it('failover readies and weights the standby region, takes the failed one to weight 0 and drain, verifies through the frontend', () => {
    const p = plan('region-failover', 'us-west', { params: { to: 'eu-central', requests: '200', minSuccessPct: '99.5' } });
    const commands = p.steps.flatMap((s) => ('command' in s.action ? [s.action.command] : []));
    expect(commands.slice(0, 3)).toEqual(['set server llama/r-b1 state ready', 'set server llama/r-b2 state ready', 'set server batch/r-b2 state ready']);
    expect(commands).toContain('set weight llama/r-a1 0');
    expect(commands.slice(-3)).toEqual(['set server llama/r-a1 state drain', 'set server llama/r-a2 state drain', 'set server llama/spare-a3 state drain']);
    expect(p.steps.find((s) => s.action.type === 'verify.traffic')!.action).toEqual({ type: 'verify.traffic', url: 'http://10.0.0.5:8080/health', requests: 200, minSuccessPct: 99.5 });
    expect(p.confirmation).toBe('us-west');
    expect(() => plan('region-failover', 'mars', { params: { to: 'eu-central' } })).toThrow('runbook region-failover targets a region, and "mars" is not one (regions: us-west, eu-central)');
  });

  it('failback raises weights in steps with a verification after each', () => {
    const p = plan('region-failback', 'us-west', { params: { from: 'eu-central' }, override: { reason: 'batch is idle' } });
    const seq = p.steps.map((s) => (s.action.type === 'lb.set-weight' && s.action.server === 'r-a1' ? `w${s.action.weight}` : s.action.type === 'verify.traffic' ? 'verify' : null)).filter((x) => x !== null);
    expect(seq).toEqual(['w25', 'verify', 'w50', 'verify', 'w100', 'verify']);
  });

  it('undoes a weight change by restoring the weight the server had just before that step (weight: previous)', () => {
    const failover = plan('region-failover', 'us-west', { params: { to: 'eu-central' } });
    const undoOf = (p: RunbookPlan, server: string, weight: number) =>
      p.steps.find((s) => s.action.type === 'lb.set-weight' && s.action.server === server && s.action.weight === weight)?.undo;
    // The standby at weight 7 in HAProxy gets 100; its undo puts 7 back, not 0.
    expect(undoOf(failover, 'r-b1', 100)).toMatchObject({ type: 'lb.set-weight', weight: 7, command: 'set weight llama/r-b1 7' });
    expect(undoOf(failover, 'r-a1', 0)).toMatchObject({ weight: 1, command: 'set weight llama/r-a1 1' });

    // Failing back changes r-a1 three times: each undo restores the step before it, the first one what HAProxy had.
    const failback = plan('region-failback', 'us-west', { params: { from: 'eu-central' }, override: { reason: 'batch is idle' } });
    expect([25, 50, 100].map((w) => (undoOf(failback, 'r-a1', w) as { weight: number }).weight)).toEqual([1, 25, 50]);
  });

  it('refuses a spare or standby region that is the target itself', () => {
    expect(thrownFleetError(() => plan('replace-replica', 'r-a1', { params: { spare: 'r-a1' } })).message).toBe('parameter "spare" names the target itself (r-a1): choose another replica');
    expect(thrownFleetError(() => plan('region-failover', 'us-west', { params: { to: 'us-west' } })).code).toBe('BAD_REQUEST');
  });

  it('refuses to plan an undo that restores a weight HAProxy did not report', () => {
    const err = thrownFleetError(() => plan('region-failover', 'us-west', { params: { to: 'eu-central' }, serverWeight: (_l, _b, s) => (s === 'r-b1' ? null : 1) }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/would restore llama\/r-b1's weight on rollback, but lb-global did not say what it is now/);
    expect(() => plan('region-failover', 'us-west', { params: { to: 'eu-central' }, serverWeight: undefined })).toThrow(/did not say what it is now/);
  });

});

describe('formatPlan', () => {
  it('prints every step numbered with its exact command and undo, locks, preconditions and confirmation', () => {
    const text = formatPlan(plan('drain-replica', 'r-b1', { params: { stopService: 'yes' } }));
    expect(text).toContain('2. Stop new sessions to the replica\n   do:   haproxy lb-global: set server llama/r-b1 state drain\n   undo: haproxy lb-global: set server llama/r-b1 state ready\n');
    expect(text).toContain("5. Stop its service\n   do:   ssh gpu-b01: systemctl stop 'vllm'  (stop-service, timeout 60s)\n   undo: ssh gpu-b01: systemctl start 'vllm'");
    expect(text).toContain('Locks: r-b1, gpu-b01\n');
    expect(text).toContain('  [ok] no other run holds r-b1, gpu-b01\n');
    expect(text).toContain('Confirmation: protected cluster; type "r-b1" to run\n');
    expect(text.endsWith('Dry run: nothing was sent.\n')).toBe(true);
  });
});
