/**
 * Recent XIDs count against the GPU they name (or the node, when no visible GPU has that bus
 * id, e.g. one that fell off the bus). "Recent" is `thresholds.xidWindowMinutes`: an XID from
 * last week says little about the node now. Repeats of one code on one GPU read as one reason.
 */
import type { Thresholds } from '../../../shared/inventory';
import type { XidEvent } from '../../../shared/status';
import { busKey } from '../gpu/bus-id';
import { type Finding, formatAge } from './reason-rules';

/** Keeps a node's status small: the UI lists the newest, the reasons cover every code. */
export const MAX_REPORTED_XIDS = 50;

export function recentXids(xids: readonly XidEvent[], t: Thresholds): XidEvent[] {
  const windowSeconds = t.xidWindowMinutes * 60;
  return xids.filter((x) => x.ageSeconds < windowSeconds).sort((a, b) => a.ageSeconds - b.ageSeconds);
}

export interface XidFinding extends Finding {
  /** `busKey` of the GPU the XID names. */
  bus: string;
}

export function xidFindings(recent: readonly XidEvent[], t: Thresholds): XidFinding[] {
  const groups = new Map<string, { newest: XidEvent; count: number }>();
  for (const x of recent) {
    const key = `${busKey(x.busId) ?? x.busId}#${x.code}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { newest: x, count: 1 });
    else {
      g.count += 1;
      if (x.ageSeconds < g.newest.ageSeconds) g.newest = x;
    }
  }
  return [...groups.values()].map(({ newest: x, count }) => {
    const bus = busKey(x.busId) ?? x.busId;
    const repeats = count > 1 ? ` (${count} times in the last ${t.xidWindowMinutes} min)` : '';
    return {
      bus,
      health: x.severity,
      reason: `XID ${x.code} on ${bus} ${formatAge(x.ageSeconds)}${repeats}: ${x.meaning} — ${x.action}`,
    };
  });
}
