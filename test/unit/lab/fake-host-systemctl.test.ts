import { describe, expect, it } from 'vitest';
import { buildProbeCommand } from '../../../electron/core/gpu/probe-command';
import { FakeHost } from '../../../electron/core/lab/fake-host';
import { labNodeGpus } from '../../../electron/core/lab/gpu-profile';
import { LabUnits, type LabUnit } from '../../../electron/core/lab/lab-units';
import { NodeFaults } from '../../../electron/core/lab/node-faults';

const BOOT = Date.UTC(2026, 10, 1);

function host() {
  const now = BOOT + 1234.5678905 * 1000;
  const faults = new NodeFaults('usw2-inf-01', 8);
  return new FakeHost({ hostname: 'usw2-inf-01', gpus: labNodeGpus('usw2-inf-01', 'inference', 8), faults, bootedAtMs: BOOT, clock: () => now });
}

/** A LabUnit that records what it was asked (the interface's whole contract). */
class RecordingUnit implements LabUnit {
  readonly calls: boolean[] = [];
  constructor(private active: boolean) {}
  isActive(): boolean {
    return this.active;
  }
  setActive(active: boolean): Promise<void> {
    this.calls.push(active);
    this.active = active;
    return Promise.resolve();
  }
}

function withVllm(h: FakeHost, active = false) {
  const units = new LabUnits();
  const vllm = new RecordingUnit(active);
  units.add('vllm', vllm);
  h.setUnits(units);
  return vllm;
}

describe('FakeHost.run: systemctl', () => {
  it('before the lab sets units, answers exit 5 saying the node runs no services', async () => {
    const h = host();
    expect(await h.run('systemctl start vllm')).toEqual({ stdout: '', stderr: 'Failed to start vllm: this lab node runs no services\n', code: 5 });
    expect(await h.run("systemctl stop 'vllm.service'")).toEqual({ stdout: '', stderr: 'Failed to stop vllm.service: this lab node runs no services\n', code: 5 });
    const isActive = await h.run('systemctl is-active vllm');
    expect(isActive.code).toBe(5);
    expect(isActive.stdout).toBe('');
    expect(isActive.stderr).toContain('this lab node runs no services');
  });

  it('routes systemctl to the units once set: the unit switches and the answer is systemd\'s', async () => {
    const h = host();
    const vllm = withVllm(h, false);
    expect(await h.run('systemctl is-active vllm')).toEqual({ stdout: 'inactive\n', stderr: '', code: 3 });
    expect(await h.run("systemctl start 'vllm'")).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(vllm.calls).toEqual([true]);
    expect(await h.run('systemctl is-active vllm.service')).toEqual({ stdout: 'active\n', stderr: '', code: 0 });
    expect(await h.run('systemctl restart vllm')).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(vllm.calls).toEqual([true, false, true]);
    expect(await h.run('systemctl stop nosuch')).toEqual({ stdout: '', stderr: 'Failed to stop nosuch.service: Unit nosuch.service not loaded.\n', code: 5 });
  });

  it('passes shell syntax to the units, which refuse it without switching anything', async () => {
    const h = host();
    const vllm = withVllm(h, true);
    const r = await h.run('systemctl stop vllm; id');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(vllm.calls).toEqual([]);
    expect(vllm.isActive()).toBe(true);
  });

  it('forgets the units when they are taken away', async () => {
    const h = host();
    const vllm = withVllm(h, false);
    h.setUnits(null);
    expect((await h.run('systemctl start vllm')).code).toBe(5);
    expect(vllm.calls).toEqual([]);
  });

  it('leaves a command that merely contains systemctl to the shell, units or not', async () => {
    const h = host();
    const vllm = withVllm(h, false);
    expect(h.run('sudo systemctl start vllm')).toEqual({ stdout: '', stderr: 'sh: 1: sudo: not found\n', code: 127 });
    expect(h.run('systemctlx start vllm')).toEqual({ stdout: '', stderr: 'sh: 1: systemctlx: not found\n', code: 127 });
    expect(vllm.calls).toEqual([]);
  });
});

describe('FakeHost.run: everything else', () => {
  it.each([
    ['hostname', 'hostname'],
    ['uptime', 'cat /proc/uptime'],
    ['nvidia-smi', 'nvidia-smi -L'],
    ['the probe script', buildProbeCommand('n0nce1234')],
    ['a missing command', 'id'],
    ['shell syntax', 'hostname; id'],
  ])('answers %s at once, exactly as exec does, with or without units', (_what, command) => {
    const h = host();
    const before = h.run(command);
    expect(before).not.toBeInstanceOf(Promise);
    expect(before).toEqual(h.exec(command));
    withVllm(h);
    const after = h.run(command);
    expect(after).not.toBeInstanceOf(Promise);
    expect(after).toEqual(h.exec(command));
  });

  it('really runs them (not one canned answer)', () => {
    const h = host();
    expect(h.run('hostname')).toEqual({ stdout: 'usw2-inf-01\n', stderr: '', code: 0 });
    expect(h.run('id')).toEqual({ stdout: '', stderr: 'sh: 1: id: not found\n', code: 127 });
  });
});
