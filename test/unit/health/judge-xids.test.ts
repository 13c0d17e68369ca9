import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../../shared/inventory';
import { GpuStatus, XidEvent } from '../../../shared/status';
import type { NodeObservation } from '../../../electron/core/gpu/observation';
import { parseKernelLog } from '../../../electron/core/gpu/parse-kernel-log';
import { judgeNode } from '../../../electron/core/health/judge-node';
import { MAX_REPORTED_XIDS } from '../../../electron/core/health/xid-rules';
import { observe } from '../gpu/observations';

const UPTIME = 100_000;

/** The busy 8-GPU node with kernel lines logged `ago` seconds before the probe. */
function withKernelLog(lines: { ago: number; line: string }[]): NodeObservation {
  const log = lines.map(({ ago, line }) => `[${(UPTIME - ago).toFixed(6).padStart(13)}] NVRM: ${line}`).join('\n');
  return { ...observe('busy'), xids: parseKernelLog(log, UPTIME) };
}

function judge(obs: NodeObservation, thresholds: Partial<Thresholds> = {}) {
  return judgeNode(obs, { expectedGpus: 8, thresholds: { ...DEFAULT_THRESHOLDS, ...thresholds } });
}

// GPU 3 of the 8-GPU fixture node sits at 00000000:5D:00.0.
const XID79_GPU3 = 'Xid (PCI:0000:5d:00): 79, pid=0, GPU has fallen off the bus.';

describe('XID rules', () => {
  it('puts a recent XID on its GPU with its catalogue severity, age and action', () => {
    const verdict = judge(withKernelLog([{ ago: 4 * 60 + 10, line: XID79_GPU3 }]));
    expect(verdict.health).toBe('unhealthy');
    expect(verdict.gpus[3].health).toBe('unhealthy');
    expect(verdict.gpus[3].reasons).toEqual([
      'XID 79 on 0000:5d:00 4 min ago: GPU has fallen off the bus — drain the node and reboot; check power, cooling and PCIe seating if it repeats',
    ]);
    expect(verdict.reasons).toEqual(verdict.gpus[3].reasons);
    expect(verdict.gpus.filter((g) => g.index !== 3).every((g) => g.health === 'healthy')).toBe(true);
  });

  it('rates an application-class XID degraded', () => {
    const verdict = judge(withKernelLog([{ ago: 30, line: 'Xid (PCI:0000:5d:00): 13, pid=77, name=python3, Graphics Exception' }]));
    expect(verdict.health).toBe('degraded');
    expect(verdict.reasons[0]).toMatch(/^XID 13 on 0000:5d:00 30 s ago: Graphics engine exception/);
  });

  it('counts an XID only while it is younger than the window', () => {
    const window = { xidWindowMinutes: 10 };
    expect(judge(withKernelLog([{ ago: 599, line: XID79_GPU3 }]), window).health).toBe('unhealthy');
    const expired = judge(withKernelLog([{ ago: 600, line: XID79_GPU3 }]), window);
    expect(expired.health).toBe('healthy');
    expect(expired.xids).toEqual([]);
  });

  it('puts an XID on a bus no visible GPU has at node level', () => {
    const verdict = judge(withKernelLog([{ ago: 60, line: 'Xid (PCI:0000:3b:00): 79, pid=0, GPU has fallen off the bus.' }]));
    expect(verdict.health).toBe('unhealthy');
    expect(verdict.gpus.every((g) => g.health === 'healthy')).toBe(true);
    expect(verdict.reasons[0]).toMatch(/^XID 79 on 0000:3b:00 1 min ago: GPU has fallen off the bus — drain the node and reboot/);
  });

  it('reads repeats of one code on one GPU as one reason with a count, aged by the newest', () => {
    const verdict = judge(
      withKernelLog([
        { ago: 1800, line: 'Xid (PCI:0000:5d:00): 31, pid=1, fault' },
        { ago: 120, line: 'Xid (PCI:0000:5d:00): 31, pid=2, fault' },
        { ago: 900, line: 'Xid (PCI:0000:5d:00): 31, pid=3, fault' },
      ]),
    );
    expect(verdict.gpus[3].reasons).toHaveLength(1);
    expect(verdict.gpus[3].reasons[0]).toMatch(/^XID 31 on 0000:5d:00 2 min ago \(3 times in the last 60 min\): GPU memory page fault/);
  });

  it('gives a decoded reason for a code the catalogue does not know', () => {
    const verdict = judge(withKernelLog([{ ago: 5, line: 'Xid (PCI:0000:5d:00): 999, something new' }]));
    expect(verdict.health).toBe('degraded');
    expect(verdict.reasons[0]).toMatch(/^XID 999 on 0000:5d:00 5 s ago: XID 999 \(not in this console's catalogue\) — /);
  });

  it('returns the XIDs inside the window, newest first, capped', () => {
    const many = Array.from({ length: MAX_REPORTED_XIDS + 20 }, (_, i) => ({ ago: 10 + i, line: `Xid (PCI:0000:5d:00): 13, pid=${i}, x` }));
    const verdict = judge(withKernelLog([...many, { ago: 7200, line: XID79_GPU3 }]));
    expect(verdict.xids).toHaveLength(MAX_REPORTED_XIDS);
    expect(verdict.xids[0].ageSeconds).toBeCloseTo(10, 3);
    expect(verdict.xids.every((x) => x.code === 13)).toBe(true);
  });

  it('produces GPU and XID entries that satisfy the shared contract', () => {
    const verdict = judge(withKernelLog([{ ago: 60, line: XID79_GPU3 }, { ago: 5, line: 'Xid (PCI:0000:3b:00.0): 48, pid=1, DBE' }]));
    expect(() => GpuStatus.array().parse(verdict.gpus)).not.toThrow();
    expect(XidEvent.array().parse(verdict.xids)).toEqual(verdict.xids);
    expect(verdict.xids.map((x) => x.code)).toEqual([48, 79]);
  });
});
