/** What plots mark on their time axis, from events and series: pure, so tests run in Node. */
import type { HistorySeries } from '../../../shared/history';

/** A moment to mark on the time axis: a health change, an XID, a failed probe. */
export interface PlotMarker {
  ts: number;
  /** A CSS variable name (`--unhealthy`) or a colour. */
  color: string;
  label: string;
}

type EventLike = { ts: number; kind: string; message: string; severity: string };

/** Health changes and XIDs of the node, as markers on the same time axis as its GPUs' readings. */
export function nodeMarkers(events: readonly EventLike[]): PlotMarker[] {
  return events
    .filter((e) => e.kind === 'node.health' || e.kind === 'node.xid')
    .map((e) => ({ ts: e.ts, label: e.message, color: e.kind === 'node.xid' ? '--unreachable' : e.severity === 'info' ? '--healthy' : '--unhealthy' }));
}

/** A replica's health changes (`replica.health` events): recoveries in green, the rest in amber. */
export function replicaHealthMarkers(events: readonly EventLike[]): PlotMarker[] {
  return events.filter((e) => e.kind === 'replica.health').map((e) => ({ ts: e.ts, label: e.message, color: e.severity === 'info' ? '--healthy' : '--degraded' }));
}

/**
 * Points of a series where a probe failed: a categorical outcome column whose point holds any
 * class but `ok` (a rollup of a minute with one failure among many successes is marked too).
 */
export function failureMarkers(series: HistorySeries | undefined, metric: string, label: string): PlotMarker[] {
  const col = series?.columns[metric];
  if (!series || !col || col.type !== 'categorical') return [];
  const out: PlotMarker[] = [];
  series.ts.forEach((ts, i) => {
    const failed = Object.entries(col.counts).filter(([cls, counts]) => cls !== 'ok' && (counts[i] ?? 0) > 0);
    if (failed.length > 0) out.push({ ts, color: '--unhealthy', label: `${label} failed: ${failed.map(([c, n]) => `${n[i]} × ${c}`).join(', ')}` });
  });
  return out;
}

/**
 * A failed probe pushed after the series was read (`since`: the series' `to`) added to `marks`,
 * once: the plot marks a failure when it happens, not only the next time the series is read.
 * Returns `marks` itself when there is nothing to add.
 */
export function withLiveFailure(marks: readonly PlotMarker[], probe: { at: number; ok: boolean; failure: string | null } | null, label: string, since: number): readonly PlotMarker[] {
  if (!probe || probe.ok || probe.at <= since || marks.some((m) => m.ts === probe.at)) return marks;
  return [...marks, { ts: probe.at, color: '--unhealthy', label: `${label} failed: ${probe.failure ?? 'other'}` }];
}

/** A strip's colour and rank per HAProxy state class: the worst state seen in a point colours it. */
const LB_STATE_LOOK: Record<string, { rank: number; color: string }> = {
  DOWN: { rank: 6, color: '--unhealthy' },
  'going-down': { rank: 5, color: '--degraded' },
  'going-up': { rank: 4, color: '--degraded' },
  MAINT: { rank: 3, color: '--unknown' },
  DRAIN: { rank: 2, color: '--accent' },
  NOLB: { rank: 2, color: '--accent' },
  other: { rank: 1, color: '--unknown' },
  'no check': { rank: 0, color: '--healthy' },
  UP: { rank: 0, color: '--healthy' },
};

/** The strip colour of a state class (a CSS variable name). */
export function stateColor(state: string): string {
  return (LB_STATE_LOOK[state] ?? LB_STATE_LOOK.other!).color;
}

export interface StripSegment {
  from: number;
  to: number;
  state: string;
  color: string;
}

/**
 * A categorical series as runs of one state: each point takes the worst state it held (a
 * 20 s DOWN inside a minute that ended UP still shows), consecutive points of the same state
 * merge. A point lasts until the next one (the last until `to`).
 */
export function stripSegments(series: Pick<HistorySeries, 'ts' | 'to' | 'columns'>, metric: string): StripSegment[] {
  const col = series.columns[metric];
  if (!col || col.type !== 'categorical') return [];
  const out: StripSegment[] = [];
  series.ts.forEach((ts, i) => {
    let worst: string | null = null;
    for (const [cls, counts] of Object.entries(col.counts)) {
      if ((counts[i] ?? 0) === 0) continue;
      if (worst === null || (LB_STATE_LOOK[cls]?.rank ?? 1) > (LB_STATE_LOOK[worst]?.rank ?? 1)) worst = cls;
    }
    const state = worst ?? col.values[i] ?? 'other';
    const end = series.ts[i + 1] ?? series.to;
    const last = out[out.length - 1];
    if (last && last.state === state && last.to === ts) last.to = end;
    else out.push({ from: ts, to: end, state, color: stateColor(state) });
  });
  return out;
}
