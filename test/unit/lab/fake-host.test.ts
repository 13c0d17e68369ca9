import { describe, expect, it } from 'vitest';
import { KERNEL_LOG_COMMAND, KERNEL_LOG_UNREADABLE, buildProbeCommand, probeSections, splitProbeOutput } from '../../../electron/core/gpu/probe-command';
import { FakeHost } from '../../../electron/core/lab/fake-host';
import { labNodeGpus } from '../../../electron/core/lab/gpu-profile';
import { runKernelLogCommand, formatDmesg } from '../../../electron/core/lab/kernel-log';
import { NodeFaults } from '../../../electron/core/lab/node-faults';
import { parseSectionScript } from '../../../electron/core/lab/section-script';

const NONCE = 'n0nce1234';
const BOOT = Date.UTC(2026, 10, 1);

function host() {
  let now = BOOT + 1234.5678905 * 1000;
  const faults = new NodeFaults('usw2-inf-01', 8);
  const h = new FakeHost({ hostname: 'usw2-inf-01', gpus: labNodeGpus('usw2-inf-01', 'inference', 8), faults, bootedAtMs: BOOT, clock: () => now });
  return { h, faults, advance: (ms: number) => (now += ms) };
}

describe('section script recogniser', () => {
  it("takes apart the console's probe command into its sections", () => {
    const script = parseSectionScript(buildProbeCommand(NONCE));
    expect(script).toEqual({ nonce: NONCE, sections: probeSections().map((s) => ({ name: s.name, command: s.command })) });
  });

  it.each([
    ['; rm -rf /', (c: string) => `${c}; rm -rf /`],
    ['&& reboot', (c: string) => `${c} && reboot`],
    ['a trailing separator', (c: string) => `${c}; `],
    ['a different nonce in one marker', (c: string) => c.replace(`${NONCE}:rc=$?`, 'othernonce1:rc=$?')],
    ['an unknown section name', (c: string) => c.replace(`${NONCE}:apps>>>`, `${NONCE}:shell>>>`)],
    ['a leading command', (c: string) => `id; ${c}`],
  ])('refuses a look-alike with %s', (_what, mangle) => {
    expect(parseSectionScript(mangle(buildProbeCommand(NONCE)))).toBeNull();
  });
});

describe('fake host', () => {
  it('answers the probe script as sh would: marker, output, rc per section', () => {
    const { h } = host();
    const r = h.exec(buildProbeCommand(NONCE));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const sections = splitProbeOutput(r.stdout, NONCE);
    expect([...sections.keys()]).toEqual(['uptime', 'gpus', 'apps', 'kernel']);
    expect(sections.get('uptime')?.output).toMatch(/^1234\.57 \d+\.\d{2}$/);
    expect(sections.get('gpus')?.output.split('\n')).toHaveLength(8);
    expect(sections.get('gpus')?.rc).toBe(0);
    expect(sections.get('kernel')).toEqual({ output: '', rc: 0 });
    expect(r.stdout.startsWith(`<<<fleetops:${NONCE}:uptime>>>\n1234.57 `)).toBe(true);
    expect(r.stdout.endsWith(`<<<fleetops:${NONCE}:rc=0>>>\n`)).toBe(true);
  });

  it("refuses a look-alike script as a whole, the way a shell without such a command would", () => {
    const { h } = host();
    const cmd = `${buildProbeCommand(NONCE)}; rm -rf /`;
    const r = h.exec(cmd);
    expect(r).toEqual({ stdout: '', stderr: `sh: 1: ${cmd}: not found\n`, code: 127 });
  });

  it('grows uptime with the clock', () => {
    const { h, advance } = host();
    expect(h.exec('cat /proc/uptime').stdout).toMatch(/^1234\.57 /);
    advance(60_000);
    expect(h.exec('cat /proc/uptime').stdout).toMatch(/^1294\.57 /);
  });

  it('answers hostname and true, and reports other commands as not found (127, on stderr)', () => {
    const { h } = host();
    expect(h.exec('hostname')).toEqual({ stdout: 'usw2-inf-01\n', stderr: '', code: 0 });
    expect(h.exec('true')).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(h.exec('ls -la /')).toEqual({ stdout: '', stderr: 'sh: 1: ls: not found\n', code: 127 });
    expect(h.exec('nvidia-smi --query-gpu=index --format=csv; rm -rf /').code).toBe(127);
    // 2>&1 folds the error into stdout, as sh does.
    expect(h.exec('ls 2>&1')).toEqual({ stdout: 'sh: 1: ls: not found\n', stderr: '', code: 127 });
  });

  it('folds nvidia-smi errors into stdout under 2>&1 and keeps the exit status', () => {
    const { h } = host();
    expect(h.exec('nvidia-smi --query-gpu=bogus.field --format=csv 2>&1')).toEqual({
      stdout: 'Field "bogus.field" is not a valid field to query.\n\n',
      stderr: '',
      code: 2,
    });
  });

  it('logs an XID 79 for the faulty GPU at the uptime of injection, and forgets it on clear', () => {
    const { h, faults, advance } = host();
    faults.inject('xid-79', 3, { nowMs: 0, uptimeMicros: h.uptimeMicros() });
    advance(10_000);
    const kernel = splitProbeOutput(h.exec(buildProbeCommand(NONCE)).stdout, NONCE).get('kernel');
    expect(kernel).toEqual({ output: '[ 1234.567890] NVRM: Xid (PCI:0000:61:00): 79, pid=0, GPU has fallen off the bus.', rc: 0 });
    // Without the grep the boot lines of the captured host are there too, in order.
    const dmesg = h.exec('dmesg').stdout.trim().split('\n');
    expect(dmesg).toHaveLength(4);
    expect(dmesg[0]).toMatch(/^\[ {4}0\.570922\] NVRM: loading NVIDIA UNIX Open Kernel Module/);
    faults.clear('xid-79');
    expect(splitProbeOutput(h.exec(buildProbeCommand(NONCE)).stdout, NONCE).get('kernel')).toEqual({ output: '', rc: 0 });
  });
});

describe('kernel log commands', () => {
  const log = [
    { uptimeMicros: 3_384_595, message: 'NVRM: Persistence mode is deprecated.' },
    { uptimeMicros: 123_456_789_012, message: 'NVRM: Xid (PCI:0000:1b:00): 79, pid=0, GPU has fallen off the bus.' },
  ];

  it('pads the seconds to five columns like the kernel, and widens past them', () => {
    expect(formatDmesg(log[0])).toBe('[    3.384595] NVRM: Persistence mode is deprecated.');
    expect(formatDmesg(log[1])).toBe('[123456.789012] NVRM: Xid (PCI:0000:1b:00): 79, pid=0, GPU has fallen off the bus.');
  });

  it('prints journalctl -k -o short-monotonic in its own format', () => {
    const r = runKernelLogCommand("journalctl -k -o short-monotonic --no-pager -q | grep -a 'NVRM: Xid'", log, 'node-1');
    expect(r?.stdout).toBe('[123456.789012] node-1 kernel: NVRM: Xid (PCI:0000:1b:00): 79, pid=0, GPU has fallen off the bus.\n');
  });

  it('keeps only the last lines under tail, and fails like grep when nothing matched', () => {
    expect(runKernelLogCommand('dmesg | tail -n 1', log, 'n')?.stdout).toBe(`${formatDmesg(log[1])}\n`);
    expect(runKernelLogCommand("dmesg | grep 'no such thing'", log, 'n')).toEqual({ stdout: '', stderr: '', code: 1 });
  });

  it("answers the probe's kernel command from dmesg: its XID lines only, never the sentinel", () => {
    expect(runKernelLogCommand(KERNEL_LOG_COMMAND, log, 'n')).toEqual({ stdout: `${formatDmesg(log[1])}\n`, stderr: '', code: 0 });
    expect(runKernelLogCommand(KERNEL_LOG_COMMAND, log.slice(0, 1), 'n')).toEqual({ stdout: '', stderr: '', code: 0 });
  });

  it('matches a line against any of several -e patterns', () => {
    const r = runKernelLogCommand("dmesg | grep -a -e 'Persistence' -e 'Xid'", log, 'n');
    expect(r?.stdout).toBe(`${formatDmesg(log[0])}\n${formatDmesg(log[1])}\n`);
  });

  const probeKernel = KERNEL_LOG_COMMAND;
  it.each([
    ['a different echo text', probeKernel.replace(`echo '${KERNEL_LOG_UNREADABLE}'`, "echo 'all good'")],
    ['an unquoted echo', probeKernel.replace(`echo '${KERNEL_LOG_UNREADABLE}'`, `echo ${KERNEL_LOG_UNREADABLE}`)],
    ['|| sh in place of the echo', probeKernel.replace(`echo '${KERNEL_LOG_UNREADABLE}'`, 'sh')],
    ['a command after the echo', probeKernel.replace(`'${KERNEL_LOG_UNREADABLE}';`, `'${KERNEL_LOG_UNREADABLE}'; reboot;`)],
    ['an echo into a file', probeKernel.replace(`'${KERNEL_LOG_UNREADABLE}';`, `'${KERNEL_LOG_UNREADABLE}' > /etc/motd;`)],
    ['a fourth alternative', probeKernel.replace('; }', ' || reboot; }')],
    ['a source without 2>/dev/null', probeKernel.replace('dmesg 2>/dev/null', 'dmesg')],
    ['a journalctl flag that changes the system', probeKernel.replace('--system', '--rotate')],
    ['a dmesg flag that changes the system', probeKernel.replace('dmesg 2>/dev/null', 'dmesg --clear 2>/dev/null')],
    ['a regex -e pattern', probeKernel.replace("-e 'NVRM: Xid'", "-e 'NVRM.*'")],
    ['a substitution in a -e pattern', probeKernel.replace("-e 'NVRM: Xid'", "-e '$(id)'")],
    ['grep reading patterns from a file', probeKernel.replace("-e 'NVRM: Xid'", '-f /etc/shadow')],
    ['a trailing 2>&1 on the group', probeKernel.replace('; }', '; } 2>&1; reboot')],
    ['a pipe into sh', `${probeKernel} | sh`],
  ])('refuses the new form with %s', (_what, command) => {
    expect(command).not.toBe(probeKernel);
    expect(runKernelLogCommand(command, log, 'n')).toBeNull();
  });

  it('does not recognise other commands or extra shell syntax', () => {
    for (const c of [
      'dmesg; reboot',
      'dmesg | sh',
      "dmesg | grep 'a.*b'",
      'dmesg -T',
      'dmesg --clear',
      'journalctl -k',
      'journalctl -o short-monotonic',
      'journalctl -k -o short-monotonic --rotate',
      "{ dmesg 2>/dev/null || journalctl --vacuum-time=1s; } 2>&1 | grep -a 'NVRM: Xid'",
      'dmesg $(id)',
      "dmesg | grep -a -e 'Xid' -e 'a.*b'",
      "{ dmesg 2>/dev/null || journalctl -k -o short-monotonic 2>/dev/null || echo 'x'; } | grep -a 'NVRM: Xid'",
    ]) {
      expect(runKernelLogCommand(c, log, 'n'), c).toBeNull();
    }
  });
});
