/**
 * The GPU probe is ONE exec per node per cycle: a short POSIX sh script made of sections.
 * Each section prints a start marker, runs one command with stderr folded into stdout, and
 * prints the command's exit status. One exec instead of three keeps the per-cycle cost at one
 * channel open on the node's single SSH connection.
 *
 * The markers carry a per-probe random nonce so output that happens to contain a marker
 * (a hostile process name, garbage on a broken host) cannot forge a section boundary.
 *
 * Section wire format, exactly (the lab's SSH server recognises this shape):
 *   echo '<<<fleetops:NONCE:NAME>>>'; CMD; echo "<<<fleetops:NONCE:rc=$?>>>"
 * sections joined with '; '.
 */
import { FleetError } from '../../../shared/errors';

/**
 * Fields asked of `nvidia-smi --query-gpu`, in order. The parser maps values by THIS order, not
 * by header text: headers differ between drivers (`clocks.current.sm` for `clocks.sm`,
 * `clocks_throttle_reasons.*` on older drivers for `clocks_event_reasons.*`).
 */
export const GPU_QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'pci.bus_id',
  'driver_version',
  'pstate',
  'temperature.gpu',
  'temperature.memory',
  'utilization.gpu',
  'utilization.memory',
  'memory.total',
  'memory.used',
  'power.draw',
  'power.limit',
  'clocks.sm',
  'clocks_event_reasons.active',
  'ecc.mode.current',
  'ecc.errors.corrected.volatile.total',
  'ecc.errors.uncorrected.volatile.total',
  'ecc.errors.uncorrected.aggregate.total',
  'retired_pages.pending',
  'remapped_rows.pending',
  'remapped_rows.failure',
] as const;

/** Drivers before 535 call the bitmask `clocks_throttle_reasons.active`; same bits. */
export const LEGACY_FIELD_NAMES: Record<string, string> = {
  'clocks_event_reasons.active': 'clocks_throttle_reasons.active',
};

export const COMPUTE_APPS_FIELDS = ['gpu_uuid', 'pid', 'process_name', 'used_memory'] as const;

/**
 * The line the kernel section prints when neither log source can be read. The section's exit
 * status is tail's (always 0), so without it "no XID" and "not allowed to look" read the same.
 * Plain words on purpose: it is also a grep pattern, and a real log line never equals it (dmesg
 * and journalctl stamp every line with "[  seconds]").
 */
export const KERNEL_LOG_UNREADABLE = 'fleetops: kernel log unreadable';

/**
 * dmesg when the host allows it (kernel.dmesg_restrict=0, or root); else the journal's kernel
 * messages in the same monotonic "[  seconds]" format (adm / systemd-journal members); else the
 * sentinel. Only XID lines (and the sentinel) travel back.
 * `--system`: without it journalctl also opens the probe user's own journal, then exits 0 with
 * no kernel lines when the system journal is unreadable, and the sentinel would never print.
 * (A host with no journal files at all still gets exit 0 from journalctl: not covered.)
 * Each source's stderr is dropped: its refusal is reported by the sentinel, not by its words.
 */
export const KERNEL_LOG_COMMAND =
  '{ dmesg 2>/dev/null || journalctl -k --system -o short-monotonic --no-pager -q 2>/dev/null || ' +
  `echo '${KERNEL_LOG_UNREADABLE}'; } | grep -a -e 'NVRM: Xid' -e '${KERNEL_LOG_UNREADABLE}' | tail -n 200`;

export type ProbeSectionName = 'uptime' | 'gpus' | 'apps' | 'kernel';

export interface ProbeSection {
  name: ProbeSectionName;
  command: string;
}

export function gpuQueryCommand(fields: readonly string[]): string {
  return `nvidia-smi --query-gpu=${fields.join(',')} --format=csv,noheader,nounits 2>&1`;
}

export function probeSections(fields: readonly string[] = GPU_QUERY_FIELDS): ProbeSection[] {
  return [
    // Seconds since boot: turns the kernel log's monotonic timestamps into ages.
    { name: 'uptime', command: 'cat /proc/uptime 2>&1' },
    { name: 'gpus', command: gpuQueryCommand(fields) },
    {
      name: 'apps',
      command: `nvidia-smi --query-compute-apps=${COMPUTE_APPS_FIELDS.join(',')} --format=csv,noheader,nounits 2>&1`,
    },
    { name: 'kernel', command: KERNEL_LOG_COMMAND },
  ];
}

export function buildProbeCommand(nonce: string, fields: readonly string[] = GPU_QUERY_FIELDS): string {
  if (!/^[a-z0-9]{8,32}$/.test(nonce)) throw new Error('probe nonce must be 8-32 lowercase alphanumerics');
  return probeSections(fields)
    .map((s) => `echo '<<<fleetops:${nonce}:${s.name}>>>'; ${s.command}; echo "<<<fleetops:${nonce}:rc=$?>>>"`)
    .join('; ');
}

export interface SectionOutput {
  output: string;
  /** Exit status of the section's command; null when the output ended before its rc marker. */
  rc: number | null;
}

/** Splits the script's stdout back into sections. Throws PARSE_FAILED when no section is present. */
export function splitProbeOutput(stdout: string, nonce: string): Map<ProbeSectionName, SectionOutput> {
  const result = new Map<ProbeSectionName, SectionOutput>();
  const start = `<<<fleetops:${nonce}:`;
  let current: ProbeSectionName | null = null;
  let lines: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith(start) && line.endsWith('>>>')) {
      const tag = line.slice(start.length, -3);
      if (tag.startsWith('rc=')) {
        if (current) result.set(current, { output: lines.join('\n'), rc: Number.parseInt(tag.slice(3), 10) });
        current = null;
        lines = [];
        continue;
      }
      if (tag === 'uptime' || tag === 'gpus' || tag === 'apps' || tag === 'kernel') {
        current = tag;
        lines = [];
        continue;
      }
    }
    if (current) lines.push(line);
  }
  if (current) result.set(current, { output: lines.join('\n'), rc: null });
  if (result.size === 0) {
    throw new FleetError('PARSE_FAILED', 'probe output had none of the expected sections', {
      detail: { head: stdout.slice(0, 200) },
    });
  }
  return result;
}
