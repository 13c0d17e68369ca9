import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../../shared/inventory';
import { GPU_QUERY_FIELDS } from '../../../electron/core/gpu/probe-command';
import type { NodeObservation } from '../../../electron/core/gpu/observation';
import { parseGpuQuery } from '../../../electron/core/gpu/parse-gpu-query';
import { parseComputeApps } from '../../../electron/core/gpu/parse-compute-apps';
import { parseKernelLog } from '../../../electron/core/gpu/parse-kernel-log';
import { judgeNode } from '../../../electron/core/health/judge-node';
import { headerFields, readErrorFixture, readFixture } from '../gpu/nvidia-smi-fixtures';
import { noGpus, observe } from '../gpu/observations';

const T: Thresholds = DEFAULT_THRESHOLDS;

const judge = (obs: NodeObservation, thresholds: Partial<Thresholds> = {}, expectedGpus = 8) =>
  judgeNode(obs, { expectedGpus, thresholds: { ...T, ...thresholds } });

describe('judgeNode on normal operation', () => {
  it.each(['idle', 'busy'] as const)('judges the captured %s GPUs healthy', (state) => {
    const verdict = judge(observe(state));
    expect(verdict.health).toBe('healthy');
    expect(verdict.reasons).toEqual([]);
    expect(verdict.gpus.map((g) => g.health)).toEqual(Array(8).fill('healthy'));
  });

  it('keeps the busy GPU (sw_power_cap at full load) healthy', () => {
    const obs = observe('busy', { gpus: 1 });
    expect(obs.gpus[0].clockEventReasons).toEqual(['sw_power_cap']);
    expect(judge(obs, {}, 1).health).toBe('healthy');
  });

  it('judges the raw captures (33-field query, compute apps, kernel log) healthy', () => {
    const fields = headerFields(readFixture('busy-query-gpu.csv').split('\n')[0]);
    const q = parseGpuQuery(readFixture('busy-query-gpu-nounits.csv'), 0, fields);
    const obs: NodeObservation = {
      driverVersion: q.driverVersion,
      gpus: q.gpus,
      lostGpus: [],
      driverError: null,
      processes: parseComputeApps(readFixture('busy-compute-apps.csv'), 0),
      xids: parseKernelLog(readFixture('dmesg-xid.txt'), 10_000),
      kernelLogProblem: null,
    };
    const verdict = judge(obs, {}, 1);
    expect(verdict.health).toBe('healthy');
    expect(verdict.gpus[0].processes).toBe(1);
  });

  it('builds full GpuStatus entries with the process count per GPU', () => {
    const obs = observe('busy', { gpus: 2 });
    obs.processes = [
      { gpuUuid: obs.gpus[1].uuid, pid: 1, name: 'a', usedMemoryMiB: 1 },
      { gpuUuid: obs.gpus[1].uuid, pid: 2, name: 'b', usedMemoryMiB: 1 },
    ];
    const { gpus } = judge(obs, {}, 2);
    expect(gpus.map((g) => g.processes)).toEqual([0, 2]);
    expect(gpus[1]).toMatchObject({ ...obs.gpus[1], health: 'healthy', reasons: [] });
  });
});

describe('judgeNode node-level rules', () => {
  it('is unhealthy when fewer GPUs are visible than expected', () => {
    const verdict = judge(observe('idle', { gpus: 7 }));
    expect(verdict.health).toBe('unhealthy');
    expect(verdict.reasons[0]).toMatch(/^7 of 8 GPUs visible — /);
    expect(judge(observe('idle', { gpus: 8 })).health).toBe('healthy');
  });

  it('is unhealthy when a GPU is lost, naming its bus id', () => {
    const obs = observe('idle', { gpus: 7 });
    obs.lostGpus = [{ busId: '0000:3B:00.0', message: 'GPU is lost. Reboot the system to recover this GPU' }];
    const verdict = judge(obs, {}, 7);
    expect(verdict.health).toBe('unhealthy');
    expect(verdict.reasons).toEqual(['GPU 0000:3b:00 is lost: GPU is lost. Reboot the system to recover this GPU — drain the node and reboot']);
  });

  it('is unhealthy when the driver is not loaded, in the driver\'s words', () => {
    const obs = noGpus();
    const words = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.";
    obs.driverError = { rc: 9, message: words };
    const verdict = judge(obs);
    expect(verdict.health).toBe('unhealthy');
    expect(verdict.reasons[0]).toBe(`NVIDIA driver not loaded (exit 9): ${words} — check \`lsmod | grep nvidia\` and dmesg, reload the driver or reboot`);
    expect(verdict.reasons[1]).toMatch(/^0 of 8 GPUs visible/);
  });

  it('is unhealthy when nvidia-smi finds no devices (the captured exit 6)', () => {
    const { output, rc } = readErrorFixture('err-bad-index.txt');
    const obs: NodeObservation = { ...noGpus(), driverError: parseGpuQuery(output, rc, GPU_QUERY_FIELDS).driverError };
    const verdict = judge(obs);
    expect(verdict.health).toBe('unhealthy');
    expect(verdict.reasons[0]).toMatch(/^nvidia-smi found no GPUs \(exit 6\): No devices were found — /);
  });

  it('lets a node declared without GPUs lack the driver', () => {
    const obs = noGpus();
    obs.driverError = { rc: 127, message: 'sh: 1: nvidia-smi: not found' };
    expect(judge(obs, {}, 0).health).toBe('healthy');
    expect(judge(obs, {}, 1).reasons[0]).toMatch(/^nvidia-smi is not installed \(exit 127\): sh: 1: nvidia-smi: not found/);
  });
});

describe('judgeNode on a kernel log it cannot watch', () => {
  it('is degraded when dmesg and journalctl are refused, saying how to let the probe user read them', () => {
    const obs: NodeObservation = { ...observe('idle'), kernelLogProblem: { kind: 'unreadable' } };
    const verdict = judge(obs);
    expect(verdict.health).toBe('degraded');
    expect(verdict.reasons).toEqual([
      'kernel log unreadable (dmesg and journalctl refused): XID errors are not being watched — let the probe user read it (adm / systemd-journal group, or kernel.dmesg_restrict=0)',
    ]);
    expect(verdict.gpus.map((g) => g.health)).toEqual(Array(8).fill('healthy'));
  });

  it('is degraded, in its own words, when the uptime cannot be read or the pipeline failed', () => {
    const noUptime = judge({ ...observe('idle'), kernelLogProblem: { kind: 'no-uptime' } });
    expect(noUptime.health).toBe('degraded');
    expect(noUptime.reasons).toEqual([
      '/proc/uptime unreadable, so kernel log XIDs cannot be aged: XID errors are not being watched — check that the probe user can read /proc/uptime',
    ]);
    const failed = judge({ ...observe('idle'), kernelLogProblem: { kind: 'failed', rc: 127 } });
    expect(failed.health).toBe('degraded');
    expect(failed.reasons).toEqual([
      'kernel log command failed (exit 127): XID errors are not being watched — check that grep and tail run for the probe user',
    ]);
  });

  it('puts an unhealthy finding ahead of it', () => {
    const verdict = judge({ ...observe('idle', { gpus: 7 }), kernelLogProblem: { kind: 'unreadable' } });
    expect(verdict.health).toBe('unhealthy');
    expect(verdict.reasons[0]).toMatch(/^7 of 8 GPUs visible — /);
    expect(verdict.reasons[1]).toMatch(/^kernel log unreadable /);
  });

  it('says nothing about it for a node declared without GPUs, which has no XIDs to watch', () => {
    const obs: NodeObservation = { ...noGpus(), kernelLogProblem: { kind: 'unreadable' } };
    expect(judge(obs, {}, 0)).toMatchObject({ health: 'healthy', reasons: [] });
  });
});
