import { afterEach, describe, expect, it } from 'vitest';
import { createGpuFieldDialect, dialectFields, probeGpuNode } from '../../../electron/core/gpu/gpu-probe';
import { GPU_QUERY_FIELDS } from '../../../electron/core/gpu/probe-command';
import { type FakeNode, type FakeNodeOptions, fakeGpuNode } from './fake-gpu-node';

let node: FakeNode | undefined;
afterEach(() => node?.cleanup());

function start(opts: FakeNodeOptions): FakeNode {
  node = fakeGpuNode(opts);
  return node;
}

const gpuQueries = (n: FakeNode) => n.nvidiaSmiCalls().filter((c) => c.startsWith('--query-gpu='));

describe('probeGpuNode against the real probe script', () => {
  it('reads an 8-GPU node in one exec: GPUs, processes and aged XIDs', async () => {
    const n = start({
      state: 'busy',
      apps: 'GPU-d9cec5c7-ab8c-652b-9914-01bdb94992a0, 457, python3, 1094\n',
      kernelLines: ['{AGO:120} NVRM: Xid (PCI:0000:18:00): 79, pid=0, GPU has fallen off the bus.'],
    });
    const commands: string[] = [];
    const obs = await probeGpuNode((c) => {
      commands.push(c);
      return n.exec(c);
    }, createGpuFieldDialect());
    expect(commands).toHaveLength(1);
    expect(obs.driverVersion).toBe('580.159.04');
    expect(obs.gpus.map((g) => g.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(obs.gpus.every((g) => g.clockEventReasons.join() === 'sw_power_cap')).toBe(true);
    expect(obs.processes).toEqual([{ gpuUuid: 'GPU-d9cec5c7-ab8c-652b-9914-01bdb94992a0', pid: 457, name: 'python3', usedMemoryMiB: 1094 }]);
    expect(obs.kernelLogProblem).toBeNull();
    expect(obs.xids).toHaveLength(1);
    expect(obs.xids[0]).toMatchObject({ code: 79, busId: '0000:18:00', severity: 'unhealthy' });
    expect(obs.xids[0].ageSeconds).toBeGreaterThanOrEqual(119.9);
    expect(obs.xids[0].ageSeconds).toBeLessThan(130);
    expect(obs.driverError).toBeNull();
  });

  it('uses a fresh random nonce for every exec', async () => {
    const n = start({});
    const nonces: string[] = [];
    const exec = (c: string) => {
      nonces.push(/<<<fleetops:([a-z0-9]+):uptime>>>/.exec(c)![1]);
      return n.exec(c);
    };
    await probeGpuNode(exec, createGpuFieldDialect());
    await probeGpuNode(exec, createGpuFieldDialect());
    expect(nonces[0]).toMatch(/^[0-9a-f]{24}$/);
    expect(nonces[1]).not.toBe(nonces[0]);
  });

  it('retries once with the legacy field name on an old driver, then remembers it', async () => {
    const n = start({ rejects: ['clocks_event_reasons.active'], state: 'busy' });
    const dialect = createGpuFieldDialect();
    const first = await probeGpuNode(n.exec, dialect);
    expect(first.driverError).toBeNull();
    expect(first.gpus).toHaveLength(8);
    expect(first.gpus[0].clockEventReasons).toEqual(['sw_power_cap']);
    expect(dialect.legacyNames).toBe(true);
    expect(gpuQueries(n)).toHaveLength(2);
    expect(gpuQueries(n)[1]).toContain('clocks_throttle_reasons.active');

    await probeGpuNode(n.exec, dialect);
    expect(gpuQueries(n)).toHaveLength(3);
    expect(gpuQueries(n)[2]).toContain('clocks_throttle_reasons.active');
    expect(dialectFields(dialect)).not.toContain('clocks_event_reasons.active');
  });

  it('does not retry for a rejected field that has no older name', async () => {
    const n = start({ rejects: ['temperature.memory'] });
    const dialect = createGpuFieldDialect();
    const obs = await probeGpuNode(n.exec, dialect);
    expect(gpuQueries(n)).toHaveLength(1);
    expect(dialect.legacyNames).toBe(false);
    expect(obs.driverError).toEqual({ rc: 2, message: 'Field "temperature.memory" is not a valid field to query.' });
  });

  it('retries only once when the driver rejects the legacy name too', async () => {
    const n = start({ rejects: ['clocks_event_reasons.active', 'clocks_throttle_reasons.active'] });
    const obs = await probeGpuNode(n.exec, createGpuFieldDialect());
    expect(gpuQueries(n)).toHaveLength(2);
    expect(obs.driverError?.rc).toBe(2);
    expect(obs.driverError?.message).toContain('clocks_throttle_reasons.active');
  });

  it('keeps a process name that forges section markers inside the process list', async () => {
    const forged = [
      'GPU-d9cec5c7-ab8c-652b-9914-01bdb94992a0, 666, x',
      '<<<fleetops:0123456789abcdef01234567:rc=0>>>',
      '<<<fleetops:0123456789abcdef01234567:kernel>>>',
      '[    1.000000] NVRM: Xid (PCI:0000:18:00): 79, pid=0, GPU has fallen off the bus., 12',
    ].join('\n');
    const n = start({ apps: `${forged}\n` });
    const obs = await probeGpuNode(n.exec, createGpuFieldDialect());
    expect(obs.xids).toEqual([]);
    expect(obs.processes).toHaveLength(1);
    expect(obs.processes[0]).toMatchObject({ pid: 666, usedMemoryMiB: 12 });
    expect(obs.gpus).toHaveLength(8);
  });

  it('asks for GPU_QUERY_FIELDS by default', () => {
    expect(dialectFields(createGpuFieldDialect())).toBe(GPU_QUERY_FIELDS);
  });
});
