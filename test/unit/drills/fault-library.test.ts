import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChosenTarget, DrillFault } from '../../../shared/drill';
import { FleetError } from '../../../shared/errors';
import { PlannedAction } from '../../../shared/runbook';
import { describeAction } from '../../../shared/runbook-text';
import type { LbReader } from '../../../electron/core/drills/drill-inputs';
import { renderFault, resolveFault, type FaultContext } from '../../../electron/core/drills/fault-library';
import { parseInventory } from '../../../electron/core/inventory/load-inventory';
import { fleetView } from '../../../electron/core/runbooks/plan-context';

const inventoryPath = join(__dirname, '../../fixtures/drills/fleet.yaml');
const fleet = fleetView(parseInventory(readFileSync(inventoryPath, 'utf8'), inventoryPath, { homeDir: '/home/me', defaultUser: 'me' }));
const LAB = '/tmp/the-lab';

/** HAProxy's state now: weight 100 everywhere but edge-02-llm (weight 7, draining). */
const lbServer: LbReader = (_lb, _backend, server) => (server === 'edge-02-llm' ? { state: 'drain', weight: 7, up: true } : { state: 'ready', weight: 100, up: true });
const ctx: FaultContext = { fleet, labDir: LAB, lbServer };

const replica = (name: string): ChosenTarget => ({ kind: 'replica', name, cluster: fleet.replica(name)?.cluster ?? null, region: fleet.replica(name)?.region ?? null, protected: false, why: 'test' });
const node = (name: string): ChosenTarget => ({ kind: 'node', name, cluster: fleet.node(name)!.cluster, region: fleet.node(name)!.region, protected: false, why: 'test' });
const region = (name: string): ChosenTarget => ({ kind: 'region', name, cluster: null, region: name, protected: false, why: 'test' });

function render(fault: DrillFault, targets: ChosenTarget[], c: FaultContext = ctx) {
  const steps = renderFault(resolveFault(fault), targets, c);
  // Every action is the contract's PlannedAction exactly: the executor parses nothing else.
  for (const s of steps) for (const a of [s.action, s.restore]) expect(PlannedAction.parse(a)).toEqual(a);
  return steps;
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

describe('stop-service', () => {
  it('stops the unit on the replica\'s node and starts it to restore, each command line exactly as sent', () => {
    const [step, ...rest] = render({ kind: 'stop-service' }, [replica('edge-01-llm')]);
    expect(rest).toEqual([]);
    expect(step).toEqual({
      title: 'Stop vllm on use1-edge-01 (serves edge-01-llm)',
      action: { type: 'ssh.run', node: 'use1-edge-01', commandName: 'stop-service', commandLine: "systemctl stop 'vllm'", timeoutSeconds: 60 },
      restoreTitle: 'Start vllm on use1-edge-01',
      restore: { type: 'ssh.run', node: 'use1-edge-01', commandName: 'start-service', commandLine: "systemctl start 'vllm'", timeoutSeconds: 60 },
      targets: ['use1-edge-01', 'edge-01-llm'],
      outOfService: ['edge-01-llm'],
    });
  });

  it('takes the unit and timeout it is given; a region target is every node serving a replica there', () => {
    const steps = render({ kind: 'stop-service', unit: 'vllm@1.service', timeout: '2m' }, [region('us-east-1')]);
    expect(steps.map((s) => [s.action.type === 'ssh.run' && s.action.node, s.action.type === 'ssh.run' && s.action.commandLine, s.action.type === 'ssh.run' && s.action.timeoutSeconds])).toEqual([
      ['use1-inf-01', "systemctl stop 'vllm@1.service'", 120],
      ['use1-inf-02', "systemctl stop 'vllm@1.service'", 120],
      ['use1-edge-01', "systemctl stop 'vllm@1.service'", 120],
      ['use1-edge-02', "systemctl stop 'vllm@1.service'", 120],
    ]);
  });

  it('refuses a replica with no node (an external provider): there is nothing to reach over SSH', () => {
    expect(refusal(() => render({ kind: 'stop-service' }, [replica('ext-0')])).message).toBe('replica ext-0: runs on no inventory node (an external provider?), so there is no service to reach over SSH');
  });
});

describe('freeze', () => {
  it('SIGSTOPs the unit\'s main PID as systemd reports it, refusing PID 0, and SIGCONTs it to restore', () => {
    const [step] = render({ kind: 'freeze' }, [node('use1-edge-02')]);
    expect(step!.action).toEqual({
      type: 'ssh.run',
      node: 'use1-edge-02',
      commandName: 'freeze-service',
      commandLine: `pid=$(systemctl show -p MainPID --value 'vllm') || exit; if [ "$pid" -gt 0 ]; then kill -STOP "$pid"; else echo no main process for unit 'vllm' >&2; exit 1; fi`,
      timeoutSeconds: 30,
    });
    expect(step!.restore).toEqual({
      type: 'ssh.run',
      node: 'use1-edge-02',
      commandName: 'thaw-service',
      commandLine: `pid=$(systemctl show -p MainPID --value 'vllm') || exit; if [ "$pid" -gt 0 ]; then kill -CONT "$pid"; else echo no main process for unit 'vllm' >&2; exit 1; fi`,
      timeoutSeconds: 30,
    });
    expect(step!.title).toBe("Freeze vllm's main process on use1-edge-02 (serves edge-02-llm) with SIGSTOP");
    expect(step!.restoreTitle).toBe("Thaw vllm's main process on use1-edge-02 with SIGCONT");
  });
});

describe('lb-maint and lb-weight-zero', () => {
  it('lb-maint puts the server in maintenance and restores the state HAProxy has now', () => {
    expect(render({ kind: 'lb-maint' }, [replica('edge-01-llm'), replica('edge-02-llm')]).map((s) => [s.action, s.restore])).toEqual([
      [
        { type: 'lb.set-state', loadBalancer: 'lab-lb', backend: 'edge', server: 'edge-01-llm', state: 'maint', command: 'set server edge/edge-01-llm state maint' },
        { type: 'lb.set-state', loadBalancer: 'lab-lb', backend: 'edge', server: 'edge-01-llm', state: 'ready', command: 'set server edge/edge-01-llm state ready' },
      ],
      [
        { type: 'lb.set-state', loadBalancer: 'lab-lb', backend: 'edge', server: 'edge-02-llm', state: 'maint', command: 'set server edge/edge-02-llm state maint' },
        { type: 'lb.set-state', loadBalancer: 'lab-lb', backend: 'edge', server: 'edge-02-llm', state: 'drain', command: 'set server edge/edge-02-llm state drain' },
      ],
    ]);
  });

  it('lb-weight-zero sets weight 0 and restores the weight HAProxy has now, not a guess', () => {
    const [step] = render({ kind: 'lb-weight-zero' }, [replica('edge-02-llm')]);
    expect(step).toMatchObject({
      title: 'Set the weight of edge/edge-02-llm to 0 on lab-lb',
      action: { type: 'lb.set-weight', loadBalancer: 'lab-lb', backend: 'edge', server: 'edge-02-llm', weight: 0, command: 'set weight edge/edge-02-llm 0' },
      restoreTitle: 'Restore the weight of edge/edge-02-llm to 7 on lab-lb',
      restore: { type: 'lb.set-weight', loadBalancer: 'lab-lb', backend: 'edge', server: 'edge-02-llm', weight: 7, command: 'set weight edge/edge-02-llm 7' },
    });
  });

  it('a node target is the servers it hosts', () => {
    expect(render({ kind: 'lb-maint' }, [node('usw2-inf-01')]).map((s) => s.targets)).toEqual([['usw2-inf-01-llm']]);
  });

  it('refuses to plan when HAProxy cannot say what the restore would put back', () => {
    const err = refusal(() => render({ kind: 'lb-weight-zero' }, [replica('edge-01-llm')], { ...ctx, lbServer: () => null }));
    expect(err.message).toBe('lb-weight-zero on edge/edge-01-llm would restore its weight afterwards, but lab-lb did not say what it is now (is the load balancer reachable?); plan again once it answers');
    expect(refusal(() => render({ kind: 'lb-maint' }, [node('usw2-trn-01')])).message).toBe('lb-maint: node usw2-trn-01 is no server of any load-balancer backend');
  });
});

describe('the lab\'s faults', () => {
  it('a GPU fault goes to the replica\'s node (GPU 0 unless told), cleared to restore', () => {
    const [step] = render({ kind: 'gpu-lost' }, [replica('usw2-inf-02-llm')]);
    expect(step).toEqual({
      title: 'Inject gpu-lost into node usw2-inf-02, GPU 0',
      action: { type: 'lab.fault', lab: LAB, fault: { on: 'node', node: 'usw2-inf-02', kind: 'gpu-lost', gpuIndex: 0 } },
      restoreTitle: 'Clear gpu-lost from node usw2-inf-02',
      restore: { type: 'lab.clear', lab: LAB, fault: { on: 'node', node: 'usw2-inf-02', kind: 'gpu-lost', gpuIndex: 0 } },
      targets: ['usw2-inf-02'],
      outOfService: ['usw2-inf-02-llm'],
    });
    expect(describeAction(step!.action)).toBe('lab: inject gpu-lost into node usw2-inf-02, GPU 0');
    expect(describeAction(step!.restore)).toBe('lab: clear gpu-lost from node usw2-inf-02');
    expect(render({ kind: 'xid-79', gpu: 1 }, [node('use1-edge-01')])[0]!.action).toEqual({ type: 'lab.fault', lab: LAB, fault: { on: 'node', node: 'use1-edge-01', kind: 'xid-79', gpuIndex: 1 } });
  });

  it('a node fault on a replica without a node (an external provider) is refused', () => {
    expect(refusal(() => render({ kind: 'gpu-lost' }, [replica('ext-0')])).message).toBe('replica ext-0 runs on no inventory node (an external provider?), so a node fault cannot reach it');
  });

  it('a GPU the node does not have is refused', () => {
    expect(refusal(() => render({ kind: 'xid-79', gpu: 2 }, [node('use1-edge-01')])).message).toBe('xid-79: node use1-edge-01 has no GPU 2 (it has 2)');
  });

  it.each([
    ['gpu-missing', { kind: 'gpu-missing', gpu: 1 }, { gpuIndex: 1 }],
    ['ecc-uncorrectable', { kind: 'ecc-uncorrectable' }, { gpuIndex: 0 }],
    ['thermal-slowdown', { kind: 'thermal-slowdown', gpu: 1 }, { gpuIndex: 1 }],
    ['slow-ssh', { kind: 'slow-ssh' }, {}],
  ] as const)('%s is the lab node fault of that name on the node, cleared to restore', (kind, fault, gpu) => {
    const [step] = render(fault as DrillFault, [node('use1-edge-01')]);
    const expected = { on: 'node', node: 'use1-edge-01', kind, ...gpu };
    expect([step!.action, step!.restore]).toEqual([
      { type: 'lab.fault', lab: LAB, fault: expected },
      { type: 'lab.clear', lab: LAB, fault: expected },
    ]);
    expect(step!.outOfService).toEqual(['edge-01-llm']);
  });

  it('node-unreachable hits the whole node, for every node of a node group', () => {
    expect(render({ kind: 'node-unreachable' }, [node('usw2-trn-01'), node('euc1-trn-01')]).map((s) => s.action)).toEqual([
      { type: 'lab.fault', lab: LAB, fault: { on: 'node', node: 'usw2-trn-01', kind: 'node-unreachable' } },
      { type: 'lab.fault', lab: LAB, fault: { on: 'node', node: 'euc1-trn-01', kind: 'node-unreachable' } },
    ]);
  });

  it.each([
    ['replica-down', { kind: 'replica-down' }, { kind: 'down' }, 'down into replica edge-01-llm'],
    ['replica-http-500', { kind: 'replica-http-500' }, { kind: 'http-500' }, 'http-500 into replica edge-01-llm'],
    ['replica-wrong-answer', { kind: 'replica-wrong-answer' }, { kind: 'wrong-answer' }, 'wrong-answer into replica edge-01-llm'],
    ['replica-model-load-failed', { kind: 'replica-model-load-failed' }, { kind: 'model-load-failed' }, 'model-load-failed into replica edge-01-llm'],
    ['replica-rate-limit (default Retry-After)', { kind: 'replica-rate-limit' }, { kind: 'rate-limit', retryAfterSeconds: 30 }, 'rate-limit into replica edge-01-llm (Retry-After 30 s)'],
    ['replica-rate-limit', { kind: 'replica-rate-limit', retryAfterSeconds: 5 }, { kind: 'rate-limit', retryAfterSeconds: 5 }, 'rate-limit into replica edge-01-llm (Retry-After 5 s)'],
    ['replica-slow', { kind: 'replica-slow', slowMs: 8000 }, { kind: 'slow', slowMs: 8000 }, 'slow into replica edge-01-llm (8000 ms per answer)'],
  ] as const)('%s is the lab replica fault of that name, cleared to restore', (_what, fault, expected, words) => {
    const [step] = render(fault as DrillFault, [replica('edge-01-llm')]);
    expect(step!.action).toEqual({ type: 'lab.fault', lab: LAB, fault: { on: 'replica', replica: 'edge-01-llm', ...expected } });
    expect(step!.restore).toEqual({ type: 'lab.clear', lab: LAB, fault: { on: 'replica', replica: 'edge-01-llm', ...expected } });
    expect(describeAction(step!.action)).toBe(`lab: inject ${words}`);
  });

  it('region-down makes every node of the region unreachable and every replica there down', () => {
    const steps = render({ kind: 'region-down' }, [region('us-west-2')]);
    expect(steps.map((s) => describeAction(s.action))).toEqual([
      'lab: inject node-unreachable into node usw2-inf-01',
      'lab: inject node-unreachable into node usw2-inf-02',
      'lab: inject node-unreachable into node usw2-trn-01',
      'lab: inject down into replica usw2-inf-01-llm',
      'lab: inject down into replica usw2-inf-02-llm',
    ]);
    expect(steps.map((s) => describeAction(s.restore))).toEqual([
      'lab: clear node-unreachable from node usw2-inf-01',
      'lab: clear node-unreachable from node usw2-inf-02',
      'lab: clear node-unreachable from node usw2-trn-01',
      'lab: clear down from replica usw2-inf-01-llm',
      'lab: clear down from replica usw2-inf-02-llm',
    ]);
  });

  it.each(['gpu-lost', 'node-unreachable', 'replica-rate-limit', 'region-down'] as const)('%s is refused against a fleet that is not a lab', (kind) => {
    const err = refusal(() => render({ kind } as DrillFault, [kind === 'region-down' ? region('us-west-2') : replica('edge-01-llm')], { ...ctx, labDir: null }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toBe(
      `fault ${kind} is one of the lab's: it can only be injected into a fleetops lab, and this inventory is not a lab's (fleet.yaml beside fleetops-lab.json); on a real fleet use stop-service, freeze, lb-maint or lb-weight-zero`,
    );
  });
});

describe('resolveFault', () => {
  it('fills in every default, so the plan records what will really be sent', () => {
    expect(resolveFault({ kind: 'stop-service' })).toEqual({ kind: 'stop-service', unit: 'vllm', timeout: '60s' });
    expect(resolveFault({ kind: 'freeze', unit: 'tgi' })).toEqual({ kind: 'freeze', unit: 'tgi', timeout: '30s' });
    expect(resolveFault({ kind: 'thermal-slowdown' })).toEqual({ kind: 'thermal-slowdown', gpu: 0 });
    expect(resolveFault({ kind: 'replica-slow' })).toEqual({ kind: 'replica-slow', slowMs: 3000 });
    expect(resolveFault({ kind: 'lb-maint' })).toEqual({ kind: 'lb-maint' });
  });
});
