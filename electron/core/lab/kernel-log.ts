/**
 * A lab node's kernel log: the NVRM lines the captured host logged at boot, then one XID line per
 * `xid-79` fault, stamped with the node's uptime when the fault was injected. Answers the
 * commands that read the log (dmesg, journalctl -k, and the probe's `{ dmesg || journalctl ||
 * echo '…'; } | grep | tail` pipeline) in their own formats.
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

/**
 * The line the probe's kernel command echoes when neither source is readable (KERNEL_LOG_UNREADABLE
 * in electron/core/gpu/probe-command.ts). A lab node's dmesg always answers, so the lab never
 * prints it; it only accepts the probe's exact `|| echo '…'` and nothing else after the sources.
 */
const UNREADABLE_SENTINEL = 'fleetops: kernel log unreadable';

// A log source and its plain flags: `dmesg`, `journalctl -k --system -o short-monotonic --no-pager -q`.
const FLAGS = String.raw`((?: [A-Za-z0-9=_.-]+)*)`;
const SOURCE = String.raw`(dmesg|journalctl)${FLAGS}(?: 2>/dev/null)?`;
const QUIET_SOURCE = String.raw`(dmesg|journalctl)${FLAGS} 2>/dev/null`;
/** What writes the log into the pipeline; groups 1-2 the first source, 3-4 the fallback if any. */
const PRODUCERS = [
  new RegExp(String.raw`^${SOURCE}$`),
  new RegExp(String.raw`^\{ ${SOURCE} \|\| ${SOURCE}; \} 2>&1$`),
  new RegExp(String.raw`^\{ ${QUIET_SOURCE} \|\| ${QUIET_SOURCE} \|\| echo '${UNREADABLE_SENTINEL}'; \}$`),
];
// A grep pattern the lab can take literally: quoted, no regex metacharacters.
const LITERAL = String.raw`'[^'\\.*^$[\]]*'`;
// The producer, then an optional grep (one pattern, or several `-e` ones), then an optional
// tail. The producer part is checked against PRODUCERS, none of which contains ` | `.
const PIPELINE = new RegExp(String.raw`^(.+?)(?: \| grep(?: -a)?((?: -e ${LITERAL})+| ${LITERAL}))?(?: \| tail -n (\d+))?$`);

/** Flags that leave the output as the lab prints it (anything else changes it or the system: -T, --clear, --rotate). */
const DMESG_FLAGS = new Set(['-k', '--kernel']);
const JOURNAL_FLAGS = new Set(['-k', '--dmesg', '--system', '-o', 'short-monotonic', '--output=short-monotonic', '--no-pager', '-q', '--quiet', '-b', '--boot']);

type LogFormat = 'dmesg' | 'journal';

function sourceFormat(name: string | undefined, flagText: string | undefined): LogFormat | null {
  const flags = (flagText ?? '').split(' ').filter((f) => f !== '');
  if (name === 'dmesg') return flags.every((f) => DMESG_FLAGS.has(f)) ? 'dmesg' : null;
  const kernelOnly = flags.includes('-k') || flags.includes('--dmesg');
  const monotonic = flags.join(' ').includes('-o short-monotonic') || flags.includes('--output=short-monotonic');
  return kernelOnly && monotonic && flags.every((f) => JOURNAL_FLAGS.has(f)) ? 'journal' : null;
}

/**
 * The format of the producer's output, or null when it is not one the lab knows. In the
 * `{ A || B …; }` forms the lab's A always succeeds, so B (and the echo) never run, as on a host
 * where dmesg is readable; but B must still be a command the lab would accept.
 */
function producerFormat(text: string): LogFormat | null {
  for (const producer of PRODUCERS) {
    const m = producer.exec(text);
    if (!m) continue;
    const format = sourceFormat(m[1], m[2]);
    if (format === null || (m[3] !== undefined && sourceFormat(m[3], m[4]) === null)) return null;
    return format;
  }
  return null;
}

/** Runs a kernel-log command, or returns null when `command` is not one. */
export function runKernelLogCommand(command: string, log: readonly KernelLogEntry[], hostname: string): CommandResult | null {
  const m = PIPELINE.exec(command);
  if (!m) return null;
  const format = producerFormat(m[1]);
  if (format === null) return null;
  let lines = log.map((e) => (format === 'dmesg' ? formatDmesg(e) : formatJournalMonotonic(e, hostname)));
  const grep = m[2];
  if (grep !== undefined) {
    const patterns = [...grep.matchAll(/'([^']*)'/g)].map((p) => p[1]);
    lines = lines.filter((l) => patterns.some((p) => l.includes(p)));
  }
  const tail = m[3];
  if (tail !== undefined) lines = lines.slice(Math.max(0, lines.length - Number(tail)));
  // A pipeline's status is its last command's: grep fails when nothing matched, tail does not.
  const code = grep !== undefined && tail === undefined && lines.length === 0 ? 1 : 0;
  return { stdout: lines.map((l) => `${l}\n`).join(''), stderr: '', code };
}
