/**
 * The write side of the history (history-store.ts): a reading is packed (codec.ts) and kept
 * pending, and folded into its minute's rollup in memory; nothing is written then. A flush (one
 * transaction) appends the pending readings in key order, and for each minute that has ended
 * (plus a grace for probes still running) writes its rollups and merges them into their half
 * hour's, closeBatch subjects per flush (the store runs the next flush soon when a minute is
 * left half written); once a minute it prunes a bounded batch (history-prune.ts).
 * - each flush takes the write lock up front (IMMEDIATE): it reads rollups before writing them,
 *   and a read upgraded to a write while another process holds the lock fails at once with
 *   SQLITE_BUSY instead of waiting the busy timeout.
 * - a rollup row that already exists (a second process on the same data directory, or this one
 *   before a restart: close() writes the minute in progress) is merged with, never overwritten.
 */
import type Database from 'better-sqlite3';
import { FleetError } from '../../../shared/errors';
import { decodeStats, encodeSample, encodeStats, scratch } from './codec';
import { HistoryPruner, type PruneCounts, type PruneCutoffs, type PruneStep } from './history-prune';
import type { HistoryRetention } from './history-options';
import { HALF_HOUR_MINUTES, MINUTE_MS, SLOT_MS, halfHourOf, minuteOf, slotOf } from './history-time';
import type { Sample, SubjectKind } from './layout';
import { Stats } from './stats';
import { subjectKey, type Subject, type SubjectIds } from './subject-ids';

export interface WriterOptions {
  /** How long after its end a minute's rollups are written. */
  graceMs: number;
  retention: Required<HistoryRetention>;
  /** Readings held while writes fail; past it the oldest are dropped. */
  maxPending: number;
  /** Rollups written per flush at most. */
  closeBatch: number;
  /** Rows deleted per table per flush at most (history-prune.ts's default when absent). */
  pruneBatch?: number;
}

interface Pending {
  subject: Subject;
  at: number;
  sample: Buffer;
}

/** A minute's rollups written by one flush: all of them, or the next closeBatch. */
interface Closing {
  minute: number;
  entries: [string, Stats][];
}

export class HistoryWriter {
  /** What this process wrote, for tests and the benchmark. */
  readonly counters = { flushes: 0, samples: 0, rollups: 0, dropped: 0 };
  private pending: Pending[] = [];
  /** Rollups of the minutes not written yet: minute → subject key → stats. */
  private readonly open = new Map<number, Map<string, Stats>>();
  /** The last minute this process wrote; a reading that comes later still is counted in the next one. */
  private closedThrough = Number.NEGATIVE_INFINITY;
  private lastPruneMinute = Number.NEGATIVE_INFINITY;
  private behind = false;
  private readonly rawInsert: Database.Statement;
  private readonly rollupSelect: Database.Statement;
  private readonly rollupWrite: Database.Statement;
  private readonly pruner: HistoryPruner;
  private readonly writeTx: Database.Transaction<(pending: Pending[], closing: Closing[], pruneAt: number | null) => PruneStep | null>;

  constructor(
    db: Database.Database,
    private readonly subjects: SubjectIds,
    private readonly opts: WriterOptions,
  ) {
    // OR REPLACE: two readings of one subject in the same millisecond keep the last (see writeRaw's tie-break).
    this.rawInsert = db.prepare('INSERT OR REPLACE INTO history_raw (slot, subject, ms, sample) VALUES (?, ?, ?, ?)');
    this.rollupSelect = db.prepare('SELECT stats FROM history_rollup WHERE step = ? AND bucket = ? AND subject = ?').pluck();
    this.rollupWrite = db.prepare('INSERT OR REPLACE INTO history_rollup (step, bucket, subject, stats) VALUES (?, ?, ?, ?)');
    this.pruner = new HistoryPruner(db, opts.pruneBatch);
    this.writeTx = db.transaction((pending: Pending[], closing: Closing[], pruneAt: number | null) => {
      this.writeRaw(pending);
      for (const c of closing) this.writeMinute(c.minute, c.entries);
      return pruneAt === null ? null : this.pruner.step(this.cutoffs(pruneAt), HALF_HOUR_MINUTES);
    });
  }

  /** The last prune stopped at its batch: the next flush should come soon and go on with it. */
  get pruneBehind(): boolean {
    return this.behind;
  }

  add(kind: SubjectKind, name: string, at: number, sample: Sample): void {
    const subject = this.subjects.of(kind, name);
    encodeSample(subject.layout, sample, scratch.reset());
    this.pending.push({ subject, at, sample: scratch.toBuffer() });
    if (this.pending.length > this.opts.maxPending) this.drop();
    // A reading that arrives after its minute was written is counted in the first open one.
    const minute = Math.max(minuteOf(at), this.closedThrough + 1);
    let bySubject = this.open.get(minute);
    if (!bySubject) this.open.set(minute, (bySubject = new Map()));
    const k = subjectKey(kind, name);
    const stats = bySubject.get(k);
    if (stats) stats.add(sample);
    else bySubject.set(k, Stats.of(subject.layout, sample));
  }

  /**
   * Writes what is pending in one transaction: the readings, the rollups of the minutes that
   * have ended by `now` (up to closeBatch of them; all of every open minute with `all`; none
   * with `close: false`), and prunes once a minute.
   */
  flush(now: number, opts: { all?: boolean; close?: boolean } = {}): void {
    const closing: Closing[] = [];
    let budget = opts.all ? Number.POSITIVE_INFINITY : opts.close === false ? 0 : this.opts.closeBatch;
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
    this.subjects.begin();
    let pruned: PruneStep | null;
    try {
      pruned = this.writeTx.immediate(pending, closing, pruneAt);
    } catch (err) {
      this.subjects.rollback();
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
      this.behind = pruned.more;
      // Not done for this minute until a batch comes back short.
      if (!pruned.more) this.lastPruneMinute = nowMinute;
    }
  }

  /** Deletes what is past its retention as of `now`: a batch per transaction. */
  prune(now: number): PruneCounts {
    return this.pruner.all(this.cutoffs(now), HALF_HOUR_MINUTES);
  }

  /** The minutes whose rollups can be written by `now` (every open one with `all`), oldest first. */
  closableMinutes(now: number, all = false): number[] {
    return [...this.open.keys()].filter((m) => all || (m + 1) * MINUTE_MS + this.opts.graceMs <= now).sort((a, b) => a - b);
  }

  /** A subject's rollups of the minutes not written yet, oldest first: a read takes them from memory. */
  unwritten(key: string): [minute: number, stats: Stats][] {
    const out: [number, Stats][] = [];
    for (const [minute, bySubject] of [...this.open].sort((a, b) => a[0] - b[0])) {
      const s = bySubject.get(key);
      if (s) out.push([minute, s]);
    }
    return out;
  }

  /** Readings not written yet and minutes not rolled up yet. */
  backlog(): { samples: number; openMinutes: number } {
    return { samples: this.pending.length, openMinutes: this.open.size };
  }

  /** In key order, so a flush appends to the newest slots rather than splitting pages all over. */
  private writeRaw(pending: Pending[]): void {
    const rows = pending.map((p) => {
      const slot = slotOf(p.at);
      return { slot, id: this.subjects.idOf(p.subject), ms: p.at - slot * SLOT_MS, sample: p.sample };
    });
    rows.sort((a, b) => a.slot - b.slot || a.id - b.id || a.ms - b.ms);
    let prev: (typeof rows)[number] | null = null;
    for (const r of rows) {
      // Two readings of one subject in the same millisecond (a health and a completion probe): keep both.
      if (prev && prev.slot === r.slot && prev.id === r.id && r.ms <= prev.ms) r.ms = prev.ms + 1;
      this.rawInsert.run(r.slot, r.id, r.ms, r.sample);
      prev = r;
    }
  }

  private writeMinute(minute: number, entries: readonly [string, Stats][]): void {
    const rows = entries.map(([k, stats]) => ({ id: this.subjects.idOf(this.subjects.byKey(k)), stats }));
    rows.sort((a, b) => a.id - b.id);
    for (const r of rows) this.mergeRollup(1, minute, r.id, r.stats);
    const half = halfHourOf(minute);
    for (const r of rows) this.mergeRollup(HALF_HOUR_MINUTES, half, r.id, r.stats);
  }

  /** Adds `stats` to the stored rollup of (step, bucket, subject), or stores it as the first. */
  private mergeRollup(step: number, bucket: number, id: number, stats: Stats): void {
    const stored = this.rollupSelect.get(step, bucket, id) as Buffer | undefined;
    let out = stats;
    if (stored) {
      out = decodeStats(stats.layout, stored);
      out.merge(stats);
    }
    encodeStats(out, scratch.reset());
    this.rollupWrite.run(step, bucket, id, scratch.toBuffer());
  }

  private cutoffs(now: number): PruneCutoffs {
    const r = this.opts.retention;
    return { slot: slotOf(now - r.rawMs), minute: minuteOf(now - r.minuteMs), halfHour: halfHourOf(minuteOf(now - r.halfHourMs)) };
  }

  private drop(): void {
    const n = this.pending.length - this.opts.maxPending;
    this.pending.splice(0, n);
    this.counters.dropped += n;
    // Writes are failing (or the flushes do not keep up): minutes stay open too; keep the last hour of them.
    for (const m of [...this.open.keys()].sort((a, b) => a - b).slice(0, Math.max(0, this.open.size - 60))) this.open.delete(m);
  }
}
