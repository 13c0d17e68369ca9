/**
 * The read side of the history (history-store.ts): one subject's series over a range, from the
 * raw readings (1 h) or the 1-minute / 30-minute rollups, with the minutes whose rollups are not
 * written yet taken from the writer's memory; then capped and turned into columns (series.ts).
 */
import type Database from 'better-sqlite3';
import { FleetError } from '../../../shared/errors';
import { HISTORY_MAX_POINTS, HISTORY_RANGE_MS, HistoryQuery, type HistorySeries } from '../../../shared/history';
import { decodeSample, decodeStats } from './codec';
import { HALF_HOUR_MINUTES, MINUTE_MS, SLOT_MS, minuteOf, slotOf } from './history-time';
import type { HistoryWriter } from './history-writer';
import type { SubjectKind } from './layout';
import { capPoints, columns, hasAny, type Point } from './series';
import { Stats } from './stats';
import { subjectKey, type SubjectIds } from './subject-ids';

/** Whether a subject the history has never seen exists (in the inventory): an empty series rather than NOT_FOUND. */
export type KnownSubject = (q: HistoryQuery) => boolean;

const RAW_SQL = `
  WITH RECURSIVE s(slot) AS (SELECT ? UNION ALL SELECT slot + 1 FROM s WHERE slot < ?)
  SELECT r.slot AS slot, r.ms AS ms, r.sample AS sample FROM s JOIN history_raw r ON r.slot = s.slot AND r.subject = ?`;
const ROLLUP_SQL = `
  WITH RECURSIVE b(bucket) AS (SELECT ? UNION ALL SELECT bucket + ? FROM b WHERE bucket + ? <= ?)
  SELECT r.bucket AS bucket, r.stats AS stats FROM b JOIN history_rollup r ON r.step = ? AND r.bucket = b.bucket AND r.subject = ?`;

/** The query checked (it comes from a client): BAD_REQUEST naming the first thing wrong with it. */
export function parseHistoryQuery(query: HistoryQuery): HistoryQuery {
  const parsed = HistoryQuery.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FleetError('BAD_REQUEST', `invalid history query: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'malformed'}`);
  }
  return parsed.data;
}

export class SeriesReader {
  private readonly raw: Database.Statement;
  private readonly rollups: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly subjects: SubjectIds,
    private readonly writer: Pick<HistoryWriter, 'unwritten'>,
    private readonly now: () => number,
  ) {
    this.raw = db.prepare(RAW_SQL);
    this.rollups = db.prepare(ROLLUP_SQL);
  }

  /** The series of a parsed query (parseHistoryQuery), as columns (see shared/history.ts). */
  read(q: HistoryQuery, known?: KnownSubject): HistorySeries {
    const kind: SubjectKind = q.kind === 'gpu' ? 'node' : q.kind;
    const subject = this.subjects.find(kind, q.subject);
    const id = subject.id;
    const noun = q.kind === 'lbServer' ? 'load balancer server' : kind;
    if (id === null && !known?.(q)) {
      throw new FleetError('NOT_FOUND', `no ${noun} "${q.subject}" in the inventory or in the history`, { subject: q.subject });
    }
    const clock = this.now();
    const now = q.end === undefined ? clock : Math.min(q.end, clock);
    const spanMs = HISTORY_RANGE_MS[q.range];
    const from = now - spanMs;
    const layout = q.kind === 'gpu' ? subject.layout.gpu! : subject.layout;
    const pick = (s: Stats): Stats | undefined => (q.kind === 'gpu' ? s.gpus?.get(q.gpu) : s);
    let points: Point[] = [];
    let source: HistorySeries['source'];
    let baseMs: number;
    if (q.range === '1h') {
      source = 'raw';
      baseMs = 1000;
      if (id !== null) {
        const rows = this.raw.all(slotOf(from), slotOf(now), id) as { slot: number; ms: number; sample: Buffer }[];
        for (const row of rows) {
          const ts = row.slot * SLOT_MS + row.ms;
          if (ts < from || ts > now) continue;
          // exact: p50/p95 of a point of readings come from their values, not a sketch.
          const stats = pick(Stats.of(subject.layout, decodeSample(subject.layout, row.sample), true));
          if (stats) points.push({ ts, stats });
        }
        points.sort((a, b) => a.ts - b.ts);
      }
    } else {
      const step = q.range === '24h' ? 1 : HALF_HOUR_MINUTES;
      source = step === 1 ? '1m' : '30m';
      baseMs = step * MINUTE_MS;
      const first = Math.floor(minuteOf(from) / step) * step;
      const last = Math.floor(minuteOf(now) / step) * step;
      const byBucket = new Map<number, Stats>();
      if (id !== null) {
        const rows = this.rollups.all(first, step, step, last, step, id) as { bucket: number; stats: Buffer }[];
        for (const row of rows) byBucket.set(row.bucket, decodeStats(subject.layout, row.stats));
      }
      // The minutes not written yet: in memory (merged into copies, never into the writer's own).
      for (const [minute, s] of this.writer.unwritten(subjectKey(kind, q.subject))) {
        const bucket = Math.floor(minute / step) * step;
        if (bucket < first || bucket > last) continue;
        const into = byBucket.get(bucket);
        if (into) into.merge(s);
        else byBucket.set(bucket, s.copy());
      }
      for (const [bucket, s] of [...byBucket].sort((a, b) => a[0] - b[0])) {
        const stats = pick(s);
        if (stats) points.push({ ts: bucket * MINUTE_MS, stats });
      }
    }
    points = points.filter((p) => hasAny(layout, q.metrics, p.stats));
    const capped = capPoints(points, q.maxPoints ?? HISTORY_MAX_POINTS, spanMs, baseMs, q.stepMs);
    return {
      kind: q.kind,
      subject: q.subject,
      gpu: q.kind === 'gpu' ? q.gpu : null,
      range: q.range,
      from,
      to: now,
      source,
      stepMs: capped.stepMs ?? (source === 'raw' ? null : baseMs),
      ts: capped.points.map((p) => p.ts),
      samples: capped.points.map((p) => p.stats.n),
      columns: columns(layout, q.metrics, capped.points),
    };
  }
}
