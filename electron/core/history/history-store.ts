/**
 * The history of what the monitors measured (issue 9): every probe's reading for an hour,
 * 1-minute rollups for a day, 30-minute rollups for 30 days, in the event store's SQLite file
 * (tables of migration 7, history-migration.ts) over a connection of its own.
 *
 * Cheap at 1,000 nodes × 8 GPUs every 10 s: nothing is written when a reading comes in; a flush
 * every 10 s writes them in one transaction, and the rollups of each minute once it has ended
 * (history-writer.ts). This file opens the connection, runs those flushes on a timer (sooner
 * while a minute is left half written or a prune has a backlog), reports a failing one once,
 * and answers reads (series-reader.ts) after writing what is pending.
 * A crash loses the readings of the last flush interval and the minute in progress's rollup.
 * Latencies' rollups carry a quantile sketch (quantiles.ts) for their p50/p95, merged like the rest.
 */
import type Database from 'better-sqlite3';
import { FleetError } from '../../../shared/errors';
import type { HistoryQuery, HistorySeries } from '../../../shared/history';
import { realTimers, type Timers } from '../probe/scheduler';
import { openConnection } from '../store/connection';
import { resolveRetention, type HistoryOptions } from './history-options';
import type { PruneCounts } from './history-prune';
import type { HistorySink, LbServerReading, NodeProbeReading, ReplicaProbeReading } from './history-sink';
import { lbServerSubject } from './history-sink';
import { HistoryWriter } from './history-writer';
import type { Sample, SubjectKind } from './layout';
import { lbServerSample, nodeSample, replicaSample } from './samples';
import { SeriesReader, parseHistoryQuery, type KnownSubject } from './series-reader';
import { SubjectIds } from './subject-ids';

// What the rest of the engine, the tests and the benchmark import from here.
export { DEFAULT_RETENTION, type HistoryOptions, type HistoryRetention } from './history-options';
export { HALF_HOUR_MINUTES, MINUTE_MS, SLOT_MS, minuteOf, slotOf } from './history-time';
export type { KnownSubject } from './series-reader';

/** How soon a flush that left rollups to write (or a prune backlog) is followed by the next. */
const CLOSE_AGAIN_MS = 100;

export class HistoryStore implements HistorySink {
  private readonly db: Database.Database;
  private readonly timers: Timers;
  private readonly flushIntervalMs: number;
  private readonly onError: (err: FleetError) => void;
  private readonly writer: HistoryWriter;
  private readonly reader: SeriesReader;
  private timer: unknown = null;
  private closed = false;
  /** The kind of failure of the last flush (its database's words), null after one that succeeded. */
  private failure: string | null = null;
  /** What this process wrote, for tests and the benchmark. */
  readonly counters: HistoryWriter['counters'];

  constructor(file: string, opts: HistoryOptions = {}) {
    this.timers = opts.timers ?? realTimers;
    this.flushIntervalMs = opts.flushIntervalMs ?? 10_000;
    const retention = resolveRetention(opts.retention);
    this.onError = opts.onError ?? ((err) => process.emitWarning(err.message, 'FleetopsHistory'));
    try {
      const trace = opts.trace;
      this.db = openConnection(file, trace ? { verbose: (sql) => trace(String(sql)) } : {});
    } catch (err) {
      throw new FleetError('INTERNAL', `cannot open ${file} for the history: ${(err as Error).message}`, { cause: err });
    }
    try {
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma(`cache_size = -${opts.cacheKiB ?? 2048}`);
      const subjects = new SubjectIds(this.db);
      this.writer = new HistoryWriter(this.db, subjects, {
        graceMs: opts.closeGraceMs ?? 15_000,
        retention,
        maxPending: opts.maxPendingSamples ?? 100_000,
        closeBatch: opts.closeBatch ?? 250,
        pruneBatch: opts.pruneBatch,
      });
      this.reader = new SeriesReader(this.db, subjects, this.writer, () => this.timers.now());
    } catch (err) {
      this.db.close();
      if (err instanceof FleetError) throw err; // a bad option, not the file
      throw new FleetError('INTERNAL', `${file} has no usable history tables (migration 7): ${(err as Error).message}`, { cause: err });
    }
    this.counters = this.writer.counters;
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
    this.writer.flush(this.timers.now(), opts);
  }

  /** Deletes what is past its retention, as of `now` (flush does it once a minute): a batch per transaction. */
  prune(now = this.timers.now()): PruneCounts {
    return this.writer.prune(now);
  }

  /** One subject's series over the range, as columns (see shared/history.ts). */
  series(query: HistoryQuery, known?: KnownSubject): HistorySeries {
    const q = parseHistoryQuery(query);
    if (this.closed) throw new FleetError('INTERNAL', 'the history is closed (the console is stopping)');
    // The readings pending are written first, so the series has every one up to now (minutes
    // not written yet are read from memory: a read does not wait for their rollups).
    this.flushReporting({ close: false });
    return this.reader.read(q, known);
  }

  /** Readings not written yet and minutes not rolled up yet (tests, benchmark). */
  backlog(): { samples: number; openMinutes: number } {
    return this.writer.backlog();
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
    this.writer.add(kind, name, at, sample);
    this.schedule();
  }

  private schedule(ms = this.flushIntervalMs): void {
    if (this.timer !== null || this.closed) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.flushReporting();
      // A minute left half written, or a prune backlog, goes on in a moment; otherwise at the usual cadence.
      if ((this.writer.closableMinutes(this.timers.now()).length > 0 || this.writer.pruneBehind) && this.failure === null) this.schedule(CLOSE_AGAIN_MS);
      else if (this.hasBacklog()) this.schedule();
    }, ms);
  }

  private hasBacklog(): boolean {
    const { samples, openMinutes } = this.writer.backlog();
    return samples > 0 || openMinutes > 0;
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

export function openHistory(file: string, opts: HistoryOptions = {}): HistoryStore {
  return new HistoryStore(file, opts);
}
