import { describe, expect, it } from 'vitest';
import { parseKernelLog, parseKernelXidLines, parseUptime } from '../../../electron/core/gpu/parse-kernel-log';
import { readFixture } from './nvidia-smi-fixtures';

describe('parseKernelXidLines', () => {
  it('reads the dmesg form', () => {
    expect(parseKernelXidLines('[ 1234.567890] NVRM: Xid (PCI:0000:3b:00): 79, pid=0, GPU has fallen off the bus.\n')).toEqual([
      { code: 79, busId: '0000:3b:00', uptimeSeconds: 1234.56789, text: 'Xid (PCI:0000:3b:00): 79, pid=0, GPU has fallen off the bus.' },
    ]);
  });

  it('reads the journalctl short-monotonic form', () => {
    const [x] = parseKernelXidLines('[ 1234.567890] gpu-node-07 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python3, Ch 00000008');
    expect(x).toMatchObject({ code: 79, busId: '0000:3b:00', uptimeSeconds: 1234.56789 });
    expect(x.text).toContain('name=python3');
  });

  it('reads the bus id with a function, without PCI:, upper case, and with a MIG instance', () => {
    const lines = [
      '[ 10.5] NVRM: Xid (PCI:0000:3B:00.0): 48, pid=12, DBE (0x1) at 0x0',
      '[ 11.5] NVRM: Xid (0000:01:00): 13, Graphics Exception',
      '[ 12.5] NVRM: Xid (PCI:0000:01:00 GPU-I:05): 94, pid=7194, Contained: CE User Channel (0x9). RST: No, D-RST: No',
      '[ 13.5] NVRM: Xid (PCI:0000:2b:00): 79, GPU has fallen off the bus.',
    ];
    expect(parseKernelXidLines(lines.join('\n')).map((x) => [x.code, x.busId])).toEqual([
      [48, '0000:3b:00'],
      [13, '0000:01:00'],
      [94, '0000:01:00'],
      [79, '0000:2b:00'],
    ]);
  });

  it('finds no XID in NVRM lines that are not XIDs (the captured kernel log)', () => {
    const log = readFixture('dmesg-xid.txt');
    expect(log).toContain('NVRM:');
    expect(parseKernelXidLines(log)).toEqual([]);
  });

  it('skips lines without a timestamp (they cannot be aged) and lines that only mention Xid', () => {
    expect(parseKernelXidLines('NVRM: Xid (PCI:0000:3b:00): 79, pid=0, GPU has fallen off the bus.')).toEqual([]);
    expect(parseKernelXidLines('[ 1.0] NVRM: Xid errors are reported below')).toEqual([]);
  });

  it('cleans control characters out of the text', () => {
    const [x] = parseKernelXidLines('[ 1.0] NVRM: Xid (PCI:0000:3b:00): 13, name=\u001b[2Jevil');
    expect(x.text).toBe('Xid (PCI:0000:3b:00): 13, name=[2Jevil');
  });

  it('stays fast on a huge hostile line', () => {
    const started = performance.now();
    const line = `[ 1.0] ${'x'.repeat(1000)}NVRM: Xid (PCI:${'0'.repeat(2_000_000)}`;
    expect(parseKernelXidLines(line)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('parseUptime and ages', () => {
  it('reads /proc/uptime', () => {
    expect(parseUptime('12345.67 23456.78\n')).toBe(12345.67);
    expect(parseUptime('garbage')).toBeNull();
    expect(parseUptime('')).toBeNull();
  });

  it('ages each XID against the uptime, never below zero, and decodes it', () => {
    const log = '[ 1000.0] NVRM: Xid (PCI:0000:3b:00): 79, pid=0, GPU has fallen off the bus.\n[ 1300.5] NVRM: Xid (PCI:0000:3b:00): 13, x';
    const xids = parseKernelLog(log, 1240);
    expect(xids.map((x) => [x.code, x.ageSeconds])).toEqual([
      [79, 240],
      [13, 0],
    ]);
    expect(xids[0]).toMatchObject({ meaning: 'GPU has fallen off the bus', severity: 'unhealthy', uptimeSeconds: 1000 });
  });
});
