/**
 * The probe's kernel section run by a real sh against stand-in dmesg / journalctl: what travels
 * back when the log is readable, and the sentinel when it is not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createGpuFieldDialect, probeGpuNode } from '../../../electron/core/gpu/gpu-probe';
import { KERNEL_LOG_COMMAND, KERNEL_LOG_UNREADABLE, probeSections } from '../../../electron/core/gpu/probe-command';
import { type FakeNode, type FakeNodeOptions, fakeGpuNode } from './fake-gpu-node';

let node: FakeNode | undefined;
afterEach(() => node?.cleanup());

function start(opts: FakeNodeOptions): FakeNode {
  node = fakeGpuNode(opts);
  return node;
}

const XID = '[ 4760.000000] NVRM: Xid (PCI:0000:18:00): 79, pid=0, GPU has fallen off the bus.';
const LOG = [
  '[    0.570922] NVRM: loading NVIDIA UNIX Open Kernel Module for x86_64  580.159.04',
  '[    2.100000] usb 1-1: new high-speed USB device number 2 using xhci_hcd',
  XID,
  '[ 4761.000000] nvidia-nvswitch0: SXid (PCI:0000:05:00.0): 12028, Non-fatal',
];

describe('the kernel section command', () => {
  it('is the command of the probe script\'s kernel section', () => {
    expect(probeSections().find((s) => s.name === 'kernel')?.command).toBe(KERNEL_LOG_COMMAND);
  });

  it('passes only the XID lines of a readable dmesg, and never asks journalctl', async () => {
    const n = start({ kernelLines: LOG, journalctl: 'readable' });
    expect(await n.exec(KERNEL_LOG_COMMAND)).toEqual({ stdout: `${XID}\n`, code: 0 });
    expect(n.kernelLogCalls()).toEqual(['dmesg ']);
  });

  it('prints only the sentinel when dmesg is refused and journalctl is not installed', async () => {
    const n = start({ kernelLines: LOG, dmesg: 'refused', journalctl: 'absent' });
    // dmesg's own complaint and sh's "journalctl: not found" stay out of the section.
    expect(await n.exec(KERNEL_LOG_COMMAND)).toEqual({ stdout: `${KERNEL_LOG_UNREADABLE}\n`, code: 0 });
    expect(n.kernelLogCalls()).toEqual(['dmesg ']);
  });

  it('prints the sentinel when journalctl refuses the system journal to a user who has one of their own', async () => {
    const n = start({ kernelLines: LOG, dmesg: 'refused', journalctl: 'refused' });
    expect(await n.exec(KERNEL_LOG_COMMAND)).toEqual({ stdout: `${KERNEL_LOG_UNREADABLE}\n`, code: 0 });
    // --system is what makes it refuse rather than answer from the user's own journal.
    expect(n.kernelLogCalls()).toEqual(['dmesg ', 'journalctl -k --system -o short-monotonic --no-pager -q']);
  });

  it('falls back to the journal when dmesg is refused, passing only its XID lines', async () => {
    const journal = LOG.map((l) => l.replace('] ', '] gpu-node-07 kernel: '));
    const n = start({ kernelLines: journal, dmesg: 'refused', journalctl: 'readable' });
    expect(await n.exec(KERNEL_LOG_COMMAND)).toEqual({ stdout: `${journal[2]}\n`, code: 0 });
  });

  it('keeps the last 200 XID lines', async () => {
    const lines = Array.from({ length: 250 }, (_, i) => `[ ${1000 + i}.000000] NVRM: Xid (PCI:0000:18:00): 13, n=${i}`);
    const n = start({ kernelLines: lines });
    const out = (await n.exec(KERNEL_LOG_COMMAND)).stdout.trimEnd().split('\n');
    expect(out).toHaveLength(200);
    expect(out[0]).toBe(lines[50]);
  });
});

describe('probeGpuNode on a host whose kernel log cannot be read', () => {
  it('reports the kernel log unreadable, with no XIDs, and still reads the GPUs', async () => {
    const n = start({ state: 'busy', kernelLines: [XID], dmesg: 'refused', journalctl: 'refused' });
    const obs = await probeGpuNode(n.exec, createGpuFieldDialect());
    expect(obs.kernelLogProblem).toEqual({ kind: 'unreadable' });
    expect(obs.xids).toEqual([]);
    expect(obs.gpus).toHaveLength(8);
  });

  it('does not mistake a readable log line that contains the sentinel words for the sentinel', async () => {
    const n = start({ kernelLines: [`[   12.000000] audit: comm="${KERNEL_LOG_UNREADABLE}"`, XID] });
    const obs = await probeGpuNode(n.exec, createGpuFieldDialect());
    expect(obs.kernelLogProblem).toBeNull();
    expect(obs.xids.map((x) => x.code)).toEqual([79]);
  });
});
