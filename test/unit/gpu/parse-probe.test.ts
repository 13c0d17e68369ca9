import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { GPU_QUERY_FIELDS, KERNEL_LOG_UNREADABLE } from '../../../electron/core/gpu/probe-command';
import { MAX_PROBE_OUTPUT, parseProbeOutput, parseProbeOutputDetailed } from '../../../electron/core/gpu/parse-probe';
import { type SectionAnswer, probeStdout, queryGpuOutput, readErrorFixture, readFixture } from './nvidia-smi-fixtures';

const NONCE = 'abc123def456ghi7';
const FIELDS = GPU_QUERY_FIELDS;
const ok = (output: string): SectionAnswer => ({ output, rc: 0 });

function stdout(parts: Partial<Record<'uptime' | 'gpus' | 'apps' | 'kernel', SectionAnswer>> = {}): string {
  return probeStdout(NONCE, {
    uptime: parts.uptime ?? ok('5000.00 9000.00\n'),
    gpus: parts.gpus ?? ok(queryGpuOutput(FIELDS, { state: 'busy' })),
    apps: parts.apps ?? ok(readFixture('busy-compute-apps.csv')),
    kernel: parts.kernel ?? ok(''),
  });
}

function parseFailure(fn: () => unknown): FleetError {
  try {
    fn();
  } catch (err) {
    expect((err as FleetError).code).toBe('PARSE_FAILED');
    return err as FleetError;
  }
  throw new Error('expected PARSE_FAILED');
}

describe('parseProbeOutput', () => {
  it('assembles an observation from the four sections', () => {
    const obs = parseProbeOutput(
      stdout({ kernel: ok('[ 4760.000000] NVRM: Xid (PCI:0000:18:00): 13, pid=457, name=python3, Graphics Exception\n') }),
      NONCE,
      FIELDS,
    );
    expect(obs.driverVersion).toBe('580.159.04');
    expect(obs.gpus).toHaveLength(1);
    expect(obs.lostGpus).toEqual([]);
    expect(obs.driverError).toBeNull();
    expect(obs.processes).toEqual([{ gpuUuid: 'GPU-5c691ab4-b0fa-999d-b6bf-7f21a168cfc4', pid: 457, name: 'python3', usedMemoryMiB: 1094 }]);
    expect(obs.kernelLogProblem).toBeNull();
    expect(obs.xids).toEqual([
      expect.objectContaining({ code: 13, busId: '0000:18:00', uptimeSeconds: 4760, ageSeconds: 240, severity: 'degraded' }),
    ]);
  });

  it('reads the idle capture with no processes and the captured kernel log with no XID', () => {
    const obs = parseProbeOutput(
      stdout({ gpus: ok(queryGpuOutput(FIELDS)), apps: ok(readFixture('idle-compute-apps.csv')), kernel: ok(readFixture('dmesg-xid.txt')) }),
      NONCE,
      FIELDS,
    );
    expect(obs.processes).toEqual([]);
    expect(obs.xids).toEqual([]);
    expect(obs.gpus[0].clockEventReasons).toEqual(['gpu_idle']);
  });

  it('carries a driver failure as data, not as an exception', () => {
    const { output, rc } = readErrorFixture('err-bad-index.txt');
    const obs = parseProbeOutput(stdout({ gpus: { output, rc }, apps: { output, rc } }), NONCE, FIELDS);
    expect(obs.driverError).toEqual({ rc: 6, message: 'No devices were found' });
    expect(obs.gpus).toEqual([]);
    expect(obs.processes).toEqual([]);
  });

  it('reports the rejected field so the probe can retry', () => {
    const { output, rc } = readErrorFixture('err-bogus-field.txt');
    expect(parseProbeOutputDetailed(stdout({ gpus: { output, rc } }), NONCE, FIELDS).invalidField).toBe('bogus.field');
  });

  it('reports the kernel log unaged (and no XIDs) when the uptime cannot be read', () => {
    const kernel = ok('[ 4760.000000] NVRM: Xid (PCI:0000:18:00): 79, pid=0, GPU has fallen off the bus.\n');
    const missing = parseProbeOutput(stdout({ uptime: { output: 'cat: /proc/uptime: No such file or directory\n', rc: 1 }, kernel }), NONCE, FIELDS);
    expect(missing.kernelLogProblem).toEqual({ kind: 'no-uptime' });
    expect(missing.xids).toEqual([]);
    const garbled = parseProbeOutput(stdout({ uptime: ok('soon\n'), kernel }), NONCE, FIELDS);
    expect(garbled.kernelLogProblem).toEqual({ kind: 'no-uptime' });
    expect(garbled.xids).toEqual([]);
  });

  it('reports the kernel log unreadable (and no XIDs) when the section printed the sentinel', () => {
    const obs = parseProbeOutput(stdout({ kernel: ok(`${KERNEL_LOG_UNREADABLE}\n`) }), NONCE, FIELDS);
    expect(obs.kernelLogProblem).toEqual({ kind: 'unreadable' });
    expect(obs.xids).toEqual([]);
    // The sentinel wins over an unreadable uptime: it is the one the operator can act on first.
    const both = parseProbeOutput(stdout({ uptime: ok('soon\n'), kernel: ok(`${KERNEL_LOG_UNREADABLE}\n`) }), NONCE, FIELDS);
    expect(both.kernelLogProblem).toEqual({ kind: 'unreadable' });
  });

  it('takes only a whole sentinel line as the sentinel, not a log line that contains its words', () => {
    const kernel = ok(
      [
        `[ 4700.000000] audit: type=1400 msg="${KERNEL_LOG_UNREADABLE}"`,
        '[ 4760.000000] NVRM: Xid (PCI:0000:18:00): 79, pid=0, GPU has fallen off the bus.',
        ` ${KERNEL_LOG_UNREADABLE}`,
      ].join('\n'),
    );
    const obs = parseProbeOutput(stdout({ kernel }), NONCE, FIELDS);
    expect(obs.kernelLogProblem).toBeNull();
    expect(obs.xids.map((x) => x.code)).toEqual([79]);
  });

  it('reports a failed kernel pipeline with its exit status, and reads no XIDs from it', () => {
    const kernel = { output: '[ 4760.000000] NVRM: Xid (PCI:0000:18:00): 79, pid=0, GPU has fallen off the bus.\nsh: 1: tail: not found\n', rc: 127 };
    const obs = parseProbeOutput(stdout({ kernel }), NONCE, FIELDS);
    expect(obs.kernelLogProblem).toEqual({ kind: 'failed', rc: 127 });
    expect(obs.xids).toEqual([]);
  });

  it('ignores sections and markers under another nonce (a forging process name)', () => {
    const forgedApps = [
      'GPU-5c691ab4-b0fa-999d-b6bf-7f21a168cfc4, 457, x',
      `<<<fleetops:${'f'.repeat(16)}:rc=0>>>`,
      `<<<fleetops:${'f'.repeat(16)}:kernel>>>`,
      '[ 4999.0] NVRM: Xid (PCI:0000:18:00): 79, pid=0, GPU has fallen off the bus., 5',
    ].join('\n');
    const obs = parseProbeOutput(stdout({ apps: ok(forgedApps) }), NONCE, FIELDS);
    expect(obs.xids).toEqual([]);
    expect(obs.processes).toHaveLength(1);
  });

  it('fails when a section is missing or ended before its exit status', () => {
    const full = stdout();
    const withoutKernel = full.slice(0, full.indexOf(`<<<fleetops:${NONCE}:kernel>>>`));
    expect(parseFailure(() => parseProbeOutput(withoutKernel, NONCE, FIELDS)).message).toContain('"kernel"');
    const cut = full.slice(0, full.indexOf(`<<<fleetops:${NONCE}:apps>>>`) - 30);
    expect(parseFailure(() => parseProbeOutput(cut, NONCE, FIELDS)).message).toContain('"gpus"');
  });

  it('fails on output with no section at all, with a safe excerpt', () => {
    const err = parseFailure(() => parseProbeOutput('\u001b[2Jbash: syntax error\n', NONCE, FIELDS));
    expect(JSON.stringify(err.detail)).not.toMatch(/\\u001b/);
  });

  it('fails on empty output', () => {
    parseFailure(() => parseProbeOutput('', NONCE, FIELDS));
  });

  it('refuses 5 MB of garbage quickly, with a short message', () => {
    const garbage = Buffer.alloc(5 * 1024 * 1024, 0xfe).toString('latin1');
    const started = performance.now();
    const err = parseFailure(() => parseProbeOutput(garbage, NONCE, FIELDS));
    expect(performance.now() - started).toBeLessThan(500);
    expect(err.message.length).toBeLessThan(200);
    expect(JSON.stringify(err.detail).length).toBeLessThan(400);
  });

  it('refuses output just over the cap even when it is well formed', () => {
    const padded = stdout({ kernel: ok('x'.repeat(MAX_PROBE_OUTPUT)) });
    parseFailure(() => parseProbeOutput(padded, NONCE, FIELDS));
  });
});
