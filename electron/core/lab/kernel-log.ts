/**
 * A lab node's kernel log: the NVRM lines the captured host logged at boot, then one XID line per
 * `xid-79` fault, stamped with the node's uptime when the fault was injected. Answers the
 * commands that read the log (dmesg, journalctl -k, and the probe's `{ dmesg || journalctl; } |
 * grep | tail` pipeline) in their own formats.
 */
import type { CommandResult } from './shell-result';
import type { NodeFaults } from './node-faults';

export interface KernelLogEntry {
  uptimeMicros: number;
  message: string;
}

/** `[    0.570922] NVRM: …` → entry. */
export function parseDmesgLine(line: string): KernelLogEntry | null {
  const m = /^\[\s*(\d+)\.(\d{6})\] (.*)$/.exec(line);
  if (!m) return null;
  return { uptimeMicros: Number(m[1]) * 1_000_000 + Number(m[2]), message: m[3] };
}

/** The kernel's own timestamp: seconds padded to 5 columns, then 6 digits of microseconds. */
function stamp(uptimeMicros: number): string {
  const secs = Math.floor(uptimeMicros / 1_000_000);
  const micros = uptimeMicros % 1_000_000;
  return `[${String(secs).padStart(5, ' ')}.${String(micros).padStart(6, '0')}]`;
}

export function formatDmesg(e: KernelLogEntry): string {
  return `${stamp(e.uptimeMicros)} ${e.message}`;
}

/** `journalctl -k -o short-monotonic`: same stamp, then host and the `kernel:` tag. */
export function formatJournalMonotonic(e: KernelLogEntry, hostname: string): string {
  return `${stamp(e.uptimeMicros)} ${hostname} kernel: ${e.message}`;
}

/** `00000000:3B:00.0` → `0000:3b:00`, the form NVRM prints in XID lines. */
export function xidPciAddress(busId: string): string {
  const m = /^[0-9A-Fa-f]{4}([0-9A-Fa-f]{4}):([0-9A-Fa-f]{2}):([0-9A-Fa-f]{2})\.[0-7]$/.exec(busId);
  if (!m) throw new Error(`not a PCI bus id: ${busId}`);
  return `${m[1]}:${m[2]}:${m[3]}`.toLowerCase();
}

export function xid79Message(busId: string): string {
  return `NVRM: Xid (PCI:${xidPciAddress(busId)}): 79, pid=0, GPU has fallen off the bus.`;
}

export function nodeKernelLog(boot: readonly KernelLogEntry[], faults: NodeFaults, busIdOf: (gpu: number) => string): KernelLogEntry[] {
  const xids = faults
    .list()
    .filter((f) => f.kind === 'xid-79' && f.gpuIndex !== undefined)
    .map((f) => ({ uptimeMicros: f.uptimeMicros, message: xid79Message(busIdOf(f.gpuIndex as number)) }));
  return [...boot, ...xids].sort((a, b) => a.uptimeMicros - b.uptimeMicros);
}

// A log source and its plain flags: `dmesg`, `journalctl -k -o short-monotonic --no-pager -q`.
const SOURCE = String.raw`(dmesg|journalctl)((?: [A-Za-z0-9=_.-]+)*)(?: 2>/dev/null)?`;
const KERNEL_COMMAND = new RegExp(
  String.raw`^(?:\{ ${SOURCE} \|\| ${SOURCE}; \} 2>&1|${SOURCE})` +
    // An optional literal grep (no regex metacharacters), then an optional tail.
    String.raw`(?: \| grep(?: -a)? '([^'\\.*^$[\]]*)')?(?: \| tail -n (\d+))?$`,
);

/** Flags that leave the output as the lab prints it (anything else changes it or the system: -T, --clear, --rotate). */
const DMESG_FLAGS = new Set(['-k', '--kernel']);
const JOURNAL_FLAGS = new Set(['-k', '--dmesg', '-o', 'short-monotonic', '--output=short-monotonic', '--no-pager', '-q', '--quiet', '-b', '--boot']);

type LogFormat = 'dmesg' | 'journal';

function sourceFormat(name: string | undefined, flagText: string | undefined): LogFormat | null {
  const flags = (flagText ?? '').split(' ').filter((f) => f !== '');
  if (name === 'dmesg') return flags.every((f) => DMESG_FLAGS.has(f)) ? 'dmesg' : null;
  const kernelOnly = flags.includes('-k') || flags.includes('--dmesg');
  const monotonic = flags.join(' ').includes('-o short-monotonic') || flags.includes('--output=short-monotonic');
  return kernelOnly && monotonic && flags.every((f) => JOURNAL_FLAGS.has(f)) ? 'journal' : null;
}

/**
 * Runs a kernel-log command, or returns null when `command` is not one. In the `{ A || B; }`
 * form the lab's A always succeeds, so B never runs (as on a host where dmesg is readable), but
 * B must still be a command the lab would accept.
 */
export function runKernelLogCommand(command: string, log: readonly KernelLogEntry[], hostname: string): CommandResult | null {
  const m = KERNEL_COMMAND.exec(command);
  if (!m) return null;
  const format = m[1] ? sourceFormat(m[1], m[2]) : sourceFormat(m[5], m[6]);
  if (format === null || (m[3] !== undefined && sourceFormat(m[3], m[4]) === null)) return null;
  let lines = log.map((e) => (format === 'dmesg' ? formatDmesg(e) : formatJournalMonotonic(e, hostname)));
  const pattern = m[7];
  if (pattern !== undefined) lines = lines.filter((l) => l.includes(pattern));
  const tail = m[8];
  if (tail !== undefined) lines = lines.slice(Math.max(0, lines.length - Number(tail)));
  // A pipeline's status is its last command's: grep fails when nothing matched, tail does not.
  const code = pattern !== undefined && tail === undefined && lines.length === 0 ? 1 : 0;
  return { stdout: lines.map((l) => `${l}\n`).join(''), stderr: '', code };
}
