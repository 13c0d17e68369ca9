/**
 * history.json: what the monitors measured on an incident's subjects over its window and a
 * margin, as the series a plot draws (shared/history.ts's columns): a node's own series and one
 * per GPU, a replica's. Read from the history tables in place (the CLI exports without a console):
 * every raw reading when the raw history still reaches back to the window's start (it keeps an
 * hour), else the 1-minute rollups when they do (a day), else the 30-minute ones — one source per
 * bundle, so the plots of one incident are alike. Readings not yet flushed by a running console
 * (its last ten seconds) are not in it.
 */
import type Database from 'better-sqlite3';
import { GpuMetric, HistoryColumn, NodeMetric, ReplicaMetric } from '../../../../shared/history';
import { decodeSample, decodeStats } from '../../history/codec';
import { MINUTE_MS, minuteOf, SLOT_MS, slotOf } from '../../history/history-time';
import { GPU_LAYOUT, NODE_LAYOUT, REPLICA_LAYOUT, SUBJECT_KIND_CODE, type Layout } from '../../history/layout';
import { capPoints, columns, type Point } from '../../history/series';
import { Stats } from '../../history/stats';

/** Around the incident's own window: the plots show the lead-up and the aftermath. */
export const HISTORY_MARGIN_MS = 10 * 60_000;
/** Per series at most (merged into wider points past it): a week of minutes would be 10,080. */
export const HISTORY_MAX_POINTS_PER_SERIES = 2000;

/** The part's shapes are the contract's: the Timeline reads the same series (incidents.history). */
import { IncidentHistory as HistoryPart, IncidentHistorySeries, type IncidentView } from '../../../../shared/incident';
import { incidentWindow } from '../../timeline/incident-window';
export { HistoryPart, IncidentHistorySeries };

export interface HistorySubject {
  subject: string;
  /** A service has no series here (its availability is the request minutes, not a monitor's readings). */
  kind: 'node' | 'replica' | 'service';
}

type Source = 'raw' | '1m' | '30m';

function hasTables(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'history_raw'").get() !== undefined;
}

/**
 * The finest source that still holds the window's start; when none does (a console started
 * within the window), the one whose oldest point is oldest — the raw hour holds everything a
 * console measured since it started, before its first minute is even rolled up.
 */
function sourceFor(db: Database.Database, from: number): Source {
  const raw = (db.prepare('SELECT min(slot) AS m FROM history_raw').get() as { m: number | null }).m;
  if (raw !== null && raw <= slotOf(from)) return 'raw';
  const minute = (db.prepare('SELECT min(bucket) AS m FROM history_rollup WHERE step = 1').get() as { m: number | null }).m;
  if (minute !== null && minute <= minuteOf(from)) return '1m';
  const half = (db.prepare('SELECT min(bucket) AS m FROM history_rollup WHERE step = 30').get() as { m: number | null }).m;
  if (half !== null && half <= minuteOf(from)) return '30m';
  const starts: Array<[Source, number]> = [];
  if (raw !== null) starts.push(['raw', raw * SLOT_MS]);
  if (minute !== null) starts.push(['1m', minute * MINUTE_MS]);
  if (half !== null) starts.push(['30m', half * MINUTE_MS]);
  // Oldest first; on a tie the finer (the order above).
  starts.sort((a, b) => a[1] - b[1]);
  return starts[0]?.[0] ?? '30m';
}

function points(db: Database.Database, layout: Layout, id: number, source: Source, from: number, to: number): Point[] {
  if (source === 'raw') {
    const rows = db.prepare('SELECT slot, ms, sample FROM history_raw WHERE slot BETWEEN ? AND ? AND subject = ? ORDER BY slot, ms').all(slotOf(from), slotOf(to), id) as Array<{ slot: number; ms: number; sample: Buffer }>;
    return rows.map((r) => ({ ts: r.slot * SLOT_MS + r.ms, stats: Stats.of(layout, decodeSample(layout, r.sample), true) })).filter((p) => p.ts >= from && p.ts <= to);
  }
  const step = source === '1m' ? 1 : 30;
  const first = Math.floor(minuteOf(from) / step) * step;
  const rows = db.prepare('SELECT bucket, stats FROM history_rollup WHERE step = ? AND bucket BETWEEN ? AND ? AND subject = ? ORDER BY bucket').all(step, first, minuteOf(to), id) as Array<{ bucket: number; stats: Buffer }>;
  return rows.map((r) => ({ ts: r.bucket * MINUTE_MS, stats: decodeStats(layout, r.stats) }));
}

function series(kind: IncidentHistorySeries['kind'], subject: string, gpu: number | null, layout: Layout, metrics: readonly string[], pts: Point[], source: Source, from: number, to: number): IncidentHistorySeries {
  const baseMs = source === 'raw' ? 1000 : source === '1m' ? MINUTE_MS : 30 * MINUTE_MS;
  const capped = capPoints(pts, HISTORY_MAX_POINTS_PER_SERIES, to - from, baseMs);
  return {
    kind,
    subject,
    gpu,
    source,
    stepMs: capped.stepMs ?? (source === 'raw' ? null : baseMs),
    ts: capped.points.map((p) => p.ts),
    samples: capped.points.map((p) => p.stats.n),
    columns: columns(layout, metrics, capped.points),
  };
}

/** The series of `subjects` over [from, to]: a subject the history never saw has none. */
export function readHistoryWindow(db: Database.Database, subjects: readonly HistorySubject[], from: number, to: number): HistoryPart {
  if (!hasTables(db)) return { from, to, source: 'none', series: [] };
  const source = sourceFor(db, from);
  const out: IncidentHistorySeries[] = [];
  const idOf = db.prepare('SELECT id FROM history_subjects WHERE kind = ? AND name = ?').pluck();
  for (const s of subjects) {
    if (s.kind === 'service') continue;
    const id = idOf.get(SUBJECT_KIND_CODE[s.kind], s.subject) as number | undefined;
    if (id === undefined) continue;
    const layout = s.kind === 'node' ? NODE_LAYOUT : REPLICA_LAYOUT;
    const pts = points(db, layout, id, source, from, to);
    if (pts.length === 0) continue;
    out.push(series(s.kind, s.subject, null, layout, s.kind === 'node' ? NodeMetric.options : ReplicaMetric.options, pts, source, from, to));
    if (s.kind !== 'node') continue;
    const gpus = [...new Set(pts.flatMap((p) => [...(p.stats.gpus?.keys() ?? [])]))].sort((a, b) => a - b);
    for (const g of gpus) {
      const gpuPoints = pts.flatMap((p) => {
        const stats = p.stats.gpus?.get(g);
        return stats ? [{ ts: p.ts, stats }] : [];
      });
      out.push(series('gpu', s.subject, g, GPU_LAYOUT, GpuMetric.options, gpuPoints, source, from, to));
    }
  }
  return { from, to, source, series: out };
}

/**
 * An imported incident's history, as its bundle carried it (imported_history, one row per series,
 * checked against the schema at import). The window is the incident's own ± the margin, as the
 * exporting console read it.
 */
export function readImportedHistory(db: Database.Database, view: IncidentView, now: number): HistoryPart {
  const rows = db.prepare('SELECT series FROM imported_history WHERE incident_id = ? ORDER BY seq').pluck().all(view.id) as string[];
  const series = rows.map((r) => IncidentHistorySeries.parse(JSON.parse(r)));
  const { from, to } = incidentWindow(view, now);
  return { from: from - HISTORY_MARGIN_MS, to: to + HISTORY_MARGIN_MS, source: series[0]?.source ?? 'none', series };
}
