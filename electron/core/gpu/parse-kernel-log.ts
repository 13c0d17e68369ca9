/**
 * XID lines from the kernel log, as `dmesg` prints them:
 *   [ 1234.567890] NVRM: Xid (PCI:0000:3b:00): 79, pid=0, GPU has fallen off the bus.
 * or `journalctl -k -o short-monotonic`:
 *   [ 1234.567890] hostname kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python3, Ch 00000008
 * The bracketed number is seconds since boot; with the node's uptime (`/proc/uptime`) it gives
 * each XID an age. Other NVRM lines (driver banner, persistence notices) are not XIDs.
 */
import type { XidEvent } from '../../../shared/status';
import { busKey } from './bus-id';
import { KERNEL_LOG_UNREADABLE } from './probe-command';
import { safeExcerpt } from './safe-text';
import { describeXid } from './xid-catalogue';

/** Lines longer than this are cut before matching: a real XID line is a few hundred bytes. */
const MAX_LINE = 2000;
const MAX_TEXT = 300;
/** The probe asks for the last 200 XID lines; more than this is not that command's output. */
export const MAX_XID_LINES = 1000;

const MARK = 'NVRM: Xid ';
// Anchored, bounded, no nested quantifiers: linear on any line.
const TIMESTAMP = /^\[\s{0,20}(\d{1,10}(?:\.\d{1,9})?)\]/;
// "Xid (PCI:0000:3b:00): 79, ..." also "(PCI:0000:3b:00.0)", "(0000:01:00)", MIG "(PCI:0000:01:00 GPU-I:05)".
const XID_BODY = /^Xid \((?:PCI:)?([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}(?:\.[0-7])?)[^)]{0,60}\): ?(\d{1,5})\b/;

export interface KernelXidLine {
  code: number;
  busId: string;
  uptimeSeconds: number;
  text: string;
}

/** XID lines in log order. Lines without a timestamp cannot be aged and are skipped. */
export function parseKernelXidLines(output: string): KernelXidLine[] {
  const found: KernelXidLine[] = [];
  for (const fullLine of output.split('\n')) {
    if (found.length >= MAX_XID_LINES) break;
    const line = fullLine.length > MAX_LINE ? fullLine.slice(0, MAX_LINE) : fullLine;
    const at = line.indexOf(MARK);
    if (at < 0) continue;
    const stamp = TIMESTAMP.exec(line.slice(0, at));
    if (!stamp) continue;
    const body = line.slice(at + 'NVRM: '.length);
    const m = XID_BODY.exec(body);
    if (!m) continue;
    found.push({
      code: Number(m[2]),
      busId: busKey(m[1]) ?? m[1].toLowerCase(),
      uptimeSeconds: Number(stamp[1]),
      text: safeExcerpt(body, MAX_TEXT),
    });
  }
  return found;
}

/**
 * True when the kernel section printed the probe's "neither source readable" line. Only a whole
 * line counts: every real log line starts with its "[  seconds]" stamp, so log text that merely
 * contains the words (grep lets it through) cannot pose as the sentinel.
 */
export function reportsUnreadableLog(output: string): boolean {
  return output.split('\n').includes(KERNEL_LOG_UNREADABLE);
}

/** Seconds since boot from `/proc/uptime` ("12345.67 23456.78"), or null. */
export function parseUptime(output: string): number | null {
  const m = /^\s{0,10}(\d{1,12}(?:\.\d{1,9})?)(?:\s|$)/.exec(output.slice(0, 200));
  return m ? Number(m[1]) : null;
}

/** Decodes and ages XID lines against the node's uptime at probe time. */
export function toXidEvents(lines: readonly KernelXidLine[], uptimeSeconds: number): XidEvent[] {
  return lines.map((l) => {
    const info = describeXid(l.code);
    return {
      code: l.code,
      busId: l.busId,
      uptimeSeconds: l.uptimeSeconds,
      // A line stamped after "now" (uptime read first, log a moment later) is simply fresh.
      ageSeconds: Math.max(0, uptimeSeconds - l.uptimeSeconds),
      text: l.text,
      meaning: info.meaning,
      action: info.action,
      severity: info.severity,
    };
  });
}

export function parseKernelLog(output: string, uptimeSeconds: number): XidEvent[] {
  return toXidEvents(parseKernelXidLines(output), uptimeSeconds);
}
