/**
 * The history of what the monitors measured (issue 9): every probe's reading for an hour,
 * 1-minute rollups for a day, 30-minute rollups for 30 days, in the event store's SQLite file
 * (tables of migration 7, history-migration.ts) over a connection of its own.
 *
 * Cheap at 1,000 nodes × 8 GPUs every 10 s:
 * - a reading is packed (codec.ts) and folded into its minute's rollup in memory; nothing is
 *   written then. A flush (every 10 s, one transaction) appends the pending readings in key
 *   order, and for each minute that has ended (plus a grace for probes still running) writes
 *   its rollups and merges them into their half hour's, closeBatch subjects per flush (a
 *   large minute goes on in the next flush, 100 ms later); pruning runs once a minute, a bounded
 *   batch per flush (history-prune.ts), a backlog going on 100 ms later too.
 * - each flush takes the write lock up front (IMMEDIATE): it reads rollups before writing them,
 *   and a read upgraded to a write while another process holds the lock fails at once with
 *   SQLITE_BUSY instead of waiting the busy timeout.
 * - a rollup row that already exists (a second process on the same data directory, or this one
 *   before a restart: close() writes the minute in progress) is merged with, never overwritten.
 * A crash loses the readings of the last flush interval and the minute in progress's rollup.
 * Latencies' rollups carry a quantile sketch (quantiles.ts) for their p50/p95, merged like the rest.
 */
import Database from 'better-sqlite3';
import { FleetError } from '../../../shared/errors';
import {
  HISTORY_MAX_POINTS,
  HISTORY_RANGE_MS,
  HistoryQuery,
  type HistorySeries,
} from '../../../shared/history';
import { realTimers, type Timers } from '../probe/scheduler';
import { BUSY_TIMEOUT_MS } from '../store/open-store';
import { decodeSample, decodeStats, encodeSample, encodeStats, scratch } from './codec';
import { HistoryPruner, type PruneCounts, type PruneCutoffs, type PruneStep } from './history-prune';
import type { HistorySink, LbServerReading, NodeProbeReading, ReplicaProbeReading } from './history-sink';
import { lbServerSubject } from './history-sink';
import { SUBJECT_KIND_CODE, SUBJECT_LAYOUT, type Layout, type Sample, type SubjectKind } from './layout';
import { lbServerSample, nodeSample, replicaSample } from './samples';
import { capPoints, columns, hasAny, type Point } from './series';
import { Stats } from './stats';

export const MINUTE_MS = 60_000;
export const SLOT_MS = 10_000;
export const HALF_HOUR_MINUTES = 30;
export const DEFAULT_RETENTION: Required<HistoryRetention> = { rawMs: 3_600_000, minuteMs: 24.25 * 3_600_000, halfHourMs: 30 * 86_400_000 + 3_600_000 };

export interface HistoryRetention {
  /** Raw readings. Default 1 h. */
  rawMs?: number;
  /** 1-minute rollups. Default 24 h 15 min: the 24 h plot, and slack for pruning once a minute. */
  minuteMs?: number;
  /** 30-minute rollups. Default 30 days and an hour: the 30-day plot, whose first bucket starts up to 30 min before it. */
  halfHourMs?: number;
}

export interface HistoryOptions {
  timers?: Timers;
  /** Readings are written at most this often, one transaction each. Default 10 s (one probe cycle). */
  flushIntervalMs?: number;
  /** A minute's rollup is written this long after it ends, so probes started in it can finish. Default 15 s. */
  closeGraceMs?: number;
  retention?: HistoryRetention;
  /** SQLite page cache of this connection. Default 2 MiB: writes append, and a close touches a few hundred pages. */
  cacheKiB?: number;
  /**
   * Rollups written per flush at most: a minute of 1,000 nodes is closed in four flushes a
   * moment apart (~10 ms each on the event loop) rather than one of ~40 ms. Default 250.
   */
  closeBatch?: number;
  /** Rows deleted per table per flush at most, so no flush holds the write lock long (history-prune.ts). Default 10,000. */
  pruneBatch?: number;
  /** Readings held while writes fail; past it the oldest are dropped (and said so). Default 100,000. */
  maxPendingSamples?: number;
  /**
   * A background flush that failed (the data stays pending and is retried). Told once per kind
   * of failure until a flush succeeds again. Default: a process warning.
   */
  onError?: (err: FleetError) => void;
  /** Every SQL statement run (better-sqlite3's `verbose`): tests count transactions with it. */
  trace?: (sql: string) => void;
}

/** Whether a subject the history has never seen exists (in the inventory): an empty series rather than NOT_FOUND. */
export type KnownSubject = (q: HistoryQuery) => boolean;

interface Subject {
  kind: SubjectKind;
  name: string;
  layout: Layout;
  id: number | null;
}

/** A minute's rollups written by one flush: all of them, or the next closeBatch. */
interface Closing {
  minute: number;
  entries: [string, Stats][];
}

/** How soon a flush that left rollups to write is followed by the next. */
const CLOSE_AGAIN_MS = 100;

interface Pending {
  subject: Subject;
  at: number;
  sample: Buffer;
}

export const minuteOf = (ms: number) => Math.floor(ms / MINUTE_MS);
export const slotOf = (ms: number) => Math.floor(ms / SLOT_MS);
const halfHourOf = (minute: number) => Math.floor(minute / HALF_HOUR_MINUTES) * HALF_HOUR_MINUTES;

const RAW_SQL = `
  WITH RECURSIVE s(slot) AS (SELECT ? UNION ALL SELECT slot + 1 FROM s WHERE slot < ?)
  SELECT r.slot AS slot, r.ms AS ms, r.sample AS sample FROM s JOIN history_raw r ON r.slot = s.slot AND r.subject = ?`;
const ROLLUP_SQL = `
  WITH RECURSIVE b(bucket) AS (SELECT ? UNION ALL SELECT bucket + ? FROM b WHERE bucket + ? <= ?)
  SELECT r.bucket AS bucket, r.stats AS stats FROM b JOIN history_rollup r ON r.step = ? AND r.bucket = b.bucket AND r.subject = ?`;

export class HistoryStore implements HistorySink {
  private readonly db: Database.Database;
  private readonly timers: Timers;
  private readonly flushIntervalMs: number;
  private readonly graceMs: number;
  private readonly retention: Required<HistoryRetention>;
  private readonly maxPending: number;
  private readonly closeBatch: number;
  private readonly onError: (err: FleetError) => void;
  private readonly subjects = new Map<string, Subject>();
  private pending: Pending[] = [];
  /** Rollups of the minutes not written yet: minute → subject key → stats. */
  private readonly open = new Map<number, Map<string, Stats>>();
  /** The last minute this process wrote; a reading that comes later still is counted in the next one. */
  private closedThrough = Number.NEGATIVE_INFINITY;
  private lastPruneMinute = Number.NEGATIVE_INFINITY;
  /** The last prune stopped at its batch: the next flush comes soon and goes on with it. */
  private pruneBehind = false;
  private timer: unknown = null;
  private closed = false;
  private failure: string | null = null;
  /** Subjects given an id by the transaction in progress: if it rolls back, so do their ids. */
  private assigned: Subject[] = [];
  /** What this process wrote, for tests and the benchmark. */
  readonly counters = { flushes: 0, samples: 0, rollups: 0, dropped: 0 };
  private readonly stmt: {
    subjectInsert: Database.Statement;
    subjectSelect: Database.Statement;
    rawInsert: Database.Statement;
    rollupSelect: Database.Statement;
    rollupWrite: Database.Statement;
    raw: Database.Statement;
    rollups: Database.Statement;
  };
  private readonly pruner: HistoryPruner;
  private readonly writeTx: Database.Transaction<(pending: Pending[], closing: Closing[], pruneAt: number | null) => PruneStep | null>;

  constructor(file: string, opts: HistoryOptions = {}) {
    this.timers = opts.timers ?? realTimers;
    this.flushIntervalMs = opts.flushIntervalMs ?? 10_000;
    this.graceMs = opts.closeGraceMs ?? 15_000;
    this.retention = {
      rawMs: opts.retention?.rawMs ?? DEFAULT_RETENTION.rawMs,
      minuteMs: opts.retention?.minuteMs ?? DEFAULT_RETENTION.minuteMs,
      halfHourMs: opts.retention?.halfHourMs ?? DEFAULT_RETENTION.halfHourMs,
    };
    this.maxPending = opts.maxPendingSamples ?? 100_000;
    this.closeBatch = opts.closeBatch ?? 250;
    this.onError = opts.onError ?? ((err) => process.emitWarning(err.message, 'FleetopsHistory'));
    try {
      const trace = opts.trace;
      this.db = new Database(file, trace ? { verbose: (sql) => trace(String(sql)) } : {});
    } catch (err) {
      throw new FleetError('INTERNAL', `cannot open ${file} for the history: ${(err as Error).message}`, { cause: err });
    }
    try {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma(`cache_size = -${opts.cacheKiB ?? 2048}`);
      this.stmt = {
        subjectInsert: this.db.prepare('INSERT OR IGNORE INTO history_subjects (kind, name) VALUES (?, ?)'),
        subjectSelect: this.db.prepare('SELECT id FROM history_subjects WHERE kind = ? AND name = ?').pluck(),
        // OR REPLACE: two readings of one subject in the same millisecond keep the last (see flush's tie-break).
        rawInsert: this.db.prepare('INSERT OR REPLACE INTO history_raw (slot, subject, ms, sample) VALUES (?, ?, ?, ?)'),
        rollupSelect: this.db.prepare('SELECT stats FROM history_rollup WHERE step = ? AND bucket = ? AND subject = ?').pluck(),
        rollupWrite: this.db.prepare('INSERT OR REPLACE INTO history_rollup (step, bucket, subject, stats) VALUES (?, ?, ?, ?)'),
        raw: this.db.prepare(RAW_SQL),
        rollups: this.db.prepare(ROLLUP_SQL),
      };
      this.pruner = new HistoryPruner(this.db, opts.pruneBatch);
    } catch (err) {
      this.db.close();
      if (err instanceof FleetError) throw err; // a bad option, not the file
      throw new FleetError('INTERNAL', `${file} has no usable history tables (migration 7): ${(err as Error).message}`, { cause: err });
    }
    this.writeTx = this.db.transaction((pending: Pending[], closing: Closing[], pruneAt: number | null) => {
      this.writeRaw(pending);
      for (const c of closing) this.writeMinute(c.minute, c.entries);
      return pruneAt === null ? null : this.pruner.step(this.cutoffs(pruneAt), HALF_HOUR_MINUTES);
    });
  }

  recordNodeProbe(node: string, reading: NodeProbeReading): void {
    if (!this.closed) this.add('node', node, reading.at, nodeSample(reading));
  }

  recordReplicaProbe(replica: string, reading: ReplicaProbeReading): void {
    if (!this.closed) this.add('replica', replica, reading.at, replicaSample(reading));
  }

  recordLbPoll(loadBalancer: string, at: number, servers: readonly LbServerReading[]): void {
    if (this.closed) return;
    for (const s of servers) this.add('lbServer', lbServerSubject(loadBalancer, s.backend, s.server), at, lbServerSample(s));
  }

  /**
   * Writes what is pending in one transaction: the readings, the rollups of the minutes that
   * have ended (up to closeBatch of them; all of every open minute with `all`; none with
   * `close: false`), and prunes once a minute.
   */
  flush(opts: { all?: boolean; close?: boolean } = {}): void {
    const now = this.timers.now();
    const closing: Closing[] = [];
    let budget = opts.all ? Number.POSITIVE_INFINITY : opts.close === false ? 0 : this.closeBatch;
    for (const minute of this.closableMinutes(now, opts.all)) {
      if (budget <= 0) break;
      const entries: [string, Stats][] = [];
      for (const entry of this.open.get(minute)!) {
        if (entries.length >= budget) break;
        entries.push(entry);
      }
      budget -= entries.length;
      closing.push({ minute, entries });
    }
    const nowMinute = minuteOf(now);
    const pruneAt = nowMinute !== this.lastPruneMinute ? now : null;
    if (this.pending.length === 0 && closing.length === 0 && pruneAt === null) return;
    const pending = this.pending;
    this.assigned = [];
    let pruned: PruneStep | null;
    try {
      pruned = this.writeTx.immediate(pending, closing, pruneAt);
    } catch (err) {
      for (const s of this.assigned) s.id = null;
      if (err instanceof FleetError) throw err;
      const rollups = closing.reduce((n, c) => n + c.entries.length, 0);
      throw new FleetError('INTERNAL', `cannot write the history (${pending.length} readings, ${rollups} rollups): ${(err as Error).message}`, { cause: err });
    }
    this.pending = [];
    this.counters.flushes++;
    this.counters.samples += pending.length;
    for (const { minute, entries } of closing) {
      const bySubject = this.open.get(minute)!;
      for (const [k] of entries) bySubject.delete(k);
      this.counters.rollups += entries.length;
      if (bySubject.size === 0) {
        this.open.delete(minute);
        this.closedThrough = Math.max(this.closedThrough, minute);
      }
    }
    if (pruned) {
      this.pruneBehind = pruned.more;
      // Not done for this minute until a batch comes back short.
      if (!pruned.more) this.lastPruneMinute = nowMinute;
    }
  }

  /** Deletes what is past its retention, as of `now` (flush does it once a minute): a batch per transaction. */
  prune(now = this.timers.now()): PruneCounts {
    return this.pruner.all(this.cutoffs(now), HALF_HOUR_MINUTES);
  }

  /** One subject's series over the range, as columns (see shared/history.ts). */
  series(query: HistoryQuery, known?: KnownSubject): HistorySeries {
    const parsed = HistoryQuery.safeParse(query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new FleetError('BAD_REQUEST', `invalid history query: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'malformed'}`);
    }
    if (this.closed) throw new FleetError('INTERNAL', 'the history is closed (the console is stopping)');
    const q = parsed.data;
    const kind: SubjectKind = q.kind === 'gpu' ? 'node' : q.kind;
    // The readings pending are written first, so the series has every one up to now (minutes
    // not written yet are read from memory: a read does not wait for their rollups).
    this.flushReporting({ close: false });
    // Not remembered unless it exists: a client asking for made-up names must not grow the map.
    const subject = this.subjects.get(key(kind, q.subject)) ?? { kind, name: q.subject, layout: SUBJECT_LAYOUT[kind], id: null };
    const id = subject.id ?? this.lookupId(subject);
    if (id !== null) this.subjects.set(key(kind, q.subject), subject);
    const noun = q.kind === 'lbServer' ? 'load balancer server' : kind;
    if (id === null && !known?.(q)) {
      throw new FleetError('NOT_FOUND', `no ${noun} "${q.subject}" in the inventory or in the history`, { subject: q.subject });
    }
    const clock = this.timers.now();
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
        const rows = this.stmt.raw.all(slotOf(from), slotOf(now), id) as { slot: number; ms: number; sample: Buffer }[];
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
        const rows = this.stmt.rollups.all(first, step, step, last, step, id) as { bucket: number; stats: Buffer }[];
        for (const row of rows) byBucket.set(row.bucket, decodeStats(subject.layout, row.stats));
      }
      // The minutes not written yet: in memory.
      for (const [minute, bySubject] of [...this.open].sort((a, b) => a[0] - b[0])) {
        const s = bySubject.get(key(kind, q.subject));
        const bucket = Math.floor(minute / step) * step;
        if (!s || bucket < first || bucket > last) continue;
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

  /** Readings not written yet and minutes not rolled up yet (tests, benchmark). */
  backlog(): { samples: number; openMinutes: number } {
    return { samples: this.pending.length, openMinutes: this.open.size };
  }

  /** Writes everything, the minute in progress included (merged with, after a restart), and closes the connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    try {
      this.flush({ all: true });
    } finally {
      this.db.close();
    }
  }

  private add(kind: SubjectKind, name: string, at: number, sample: Sample): void {
    const subject = this.subject(kind, name);
    encodeSample(subject.layout, sample, scratch.reset());
    this.pending.push({ subject, at, sample: scratch.toBuffer() });
    if (this.pending.length > this.maxPending) this.drop();
    // A reading that arrives after its minute was written is counted in the first open one.
    const minute = Math.max(minuteOf(at), this.closedThrough + 1);
    let bySubject = this.open.get(minute);
    if (!bySubject) this.open.set(minute, (bySubject = new Map()));
    const k = key(kind, name);
    const stats = bySubject.get(k);
    if (stats) stats.add(sample);
    else bySubject.set(k, Stats.of(subject.layout, sample));
    this.schedule();
  }

  private subject(kind: SubjectKind, name: string): Subject {
    const k = key(kind, name);
    let s = this.subjects.get(k);
    if (!s) this.subjects.set(k, (s = { kind, name, layout: SUBJECT_LAYOUT[kind], id: null }));
    return s;
  }

  private lookupId(s: Subject): number | null {
    const id = this.stmt.subjectSelect.get(SUBJECT_KIND_CODE[s.kind], s.name) as number | undefined;
    if (id !== undefined) s.id = id;
    return id ?? null;
  }

  private idOf(s: Subject): number {
    if (s.id !== null) return s.id;
    this.stmt.subjectInsert.run(SUBJECT_KIND_CODE[s.kind], s.name);
    this.assigned.push(s);
    return this.lookupId(s)!;
  }

  /** In key order, so a flush appends to the newest slots rather than splitting pages all over. */
  private writeRaw(pending: Pending[]): void {
    const rows = pending.map((p) => {
      const slot = slotOf(p.at);
      return { slot, id: this.idOf(p.subject), ms: p.at - slot * SLOT_MS, sample: p.sample };
    });
    rows.sort((a, b) => a.slot - b.slot || a.id - b.id || a.ms - b.ms);
    let prev: (typeof rows)[number] | null = null;
    for (const r of rows) {
      // Two readings of one subject in the same millisecond (a health and a completion probe): keep both.
      if (prev && prev.slot === r.slot && prev.id === r.id && r.ms <= prev.ms) r.ms = prev.ms + 1;
      this.stmt.rawInsert.run(r.slot, r.id, r.ms, r.sample);
      prev = r;
    }
  }

  private closableMinutes(now: number, all = false): number[] {
    return [...this.open.keys()].filter((m) => all || (m + 1) * MINUTE_MS + this.graceMs <= now).sort((a, b) => a - b);
  }

  private writeMinute(minute: number, entries: readonly [string, Stats][]): void {
    const rows = entries.map(([k, stats]) => ({ id: this.idOf(this.subjects.get(k)!), stats }));
    rows.sort((a, b) => a.id - b.id);
    for (const r of rows) this.mergeRollup(1, minute, r.id, r.stats);
    const half = halfHourOf(minute);
    for (const r of rows) this.mergeRollup(HALF_HOUR_MINUTES, half, r.id, r.stats);
  }

  /** Adds `stats` to the stored rollup of (step, bucket, subject), or stores it as the first. */
  private mergeRollup(step: number, bucket: number, id: number, stats: Stats): void {
    const stored = this.stmt.rollupSelect.get(step, bucket, id) as Buffer | undefined;
    let out = stats;
    if (stored) {
      out = decodeStats(stats.layout, stored);
      out.merge(stats);
    }
    encodeStats(out, scratch.reset());
    this.stmt.rollupWrite.run(step, bucket, id, scratch.toBuffer());
  }

  private cutoffs(now: number): PruneCutoffs {
    return { slot: slotOf(now - this.retention.rawMs), minute: minuteOf(now - this.retention.minuteMs), halfHour: halfHourOf(minuteOf(now - this.retention.halfHourMs)) };
  }

  private drop(): void {
    const n = this.pending.length - this.maxPending;
    this.pending.splice(0, n);
    this.counters.dropped += n;
    // Writes are failing (or the flushes do not keep up): minutes stay open too; keep the last hour of them.
    for (const m of [...this.open.keys()].sort((a, b) => a - b).slice(0, Math.max(0, this.open.size - 60))) this.open.delete(m);
  }

  private schedule(ms = this.flushIntervalMs): void {
    if (this.timer !== null || this.closed) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.flushReporting();
      // A minute left half written, or a prune backlog, goes on in a moment; otherwise at the usual cadence.
      if ((this.closableMinutes(this.timers.now()).length > 0 || this.pruneBehind) && this.failure === null) this.schedule(CLOSE_AGAIN_MS);
      else if (this.pending.length > 0 || this.open.size > 0) this.schedule();
    }, ms);
  }

  private flushReporting(opts: { close?: boolean } = {}): void {
    try {
      this.flush(opts);
      this.failure = null;
    } catch (err) {
      const e = err instanceof FleetError ? err : new FleetError('INTERNAL', (err as Error).message, { cause: err });
      // Once per kind of failure: by the database's words, not by how much was pending.
      const kind = e.cause instanceof Error ? e.cause.message : e.message;
      if (kind !== this.failure) {
        try {
          this.onError(e);
        } catch (reportErr) {
          // Saying so may need the same database (an event): never let that end the process.
          process.emitWarning(`${e.message} (and reporting it failed: ${(reportErr as Error).message})`, 'FleetopsHistory');
        }
      }
      this.failure = kind;
    }
  }
}

function key(kind: SubjectKind, name: string): string {
  return `${SUBJECT_KIND_CODE[kind]}\u0000${name}`;
}

export function openHistory(file: string, opts: HistoryOptions = {}): HistoryStore {
  return new HistoryStore(file, opts);
}
