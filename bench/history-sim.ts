/**
 * The history store on a fake clock, for bench/poll.ts: simulated hours of a fleet's readings
 * (nodes with 8 moving GPUs; replicas with health and completion probes whose latencies spread
 * like real ones) through the real store, then what its tables hold, per row, and the steady
 * state those sizes give after 30 days of retention.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { fleetMigrations } from '../electron/core/fleet/builtin-features';
import { sketchBytes } from '../electron/core/history/codec';
import { DEFAULT_RETENTION, HistoryStore, MINUTE_MS } from '../electron/core/history/history-store';
import { REPLICA_LAYOUT, SUBJECT_KIND_CODE } from '../electron/core/history/layout';
import type { Timers } from '../electron/core/probe/scheduler';
import { openStore } from '../electron/core/store/open-store';
import type { GpuStatus } from '../shared/status';

export const mb = (n: number) => Math.round(n / 1024 / 1024);
const DAY_S = 86_400;

export interface TableSize {
  bytes: number;
  rows: number;
}
export interface DbMeasure {
  /** page_count × page_size after a TRUNCATE checkpoint (the WAL folded in and emptied). */
  fileBytes: number;
  freeBytes: number;
  raw: TableSize;
  minute: TableSize;
  halfHour: TableSize;
  subjects: number;
}

/** What the history tables hold, from a connection of the benchmark's own. */
export function measureDb(file: string): DbMeasure {
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    const pages = Number(db.pragma('page_count', { simple: true }));
    const free = Number(db.pragma('freelist_count', { simple: true }));
    const tableBytes = (name: string) => (db.prepare('SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name = ?').pluck().get(name) as number) ?? 0;
    // The two rollup steps share a table: split its bytes by their share of the payload.
    const steps = db.prepare('SELECT step, COUNT(*) AS n, SUM(length(stats) + 12) AS payload FROM history_rollup GROUP BY step').all() as { step: number; n: number; payload: number }[];
    const rollupBytes = tableBytes('history_rollup');
    const payload = steps.reduce((a, s) => a + s.payload, 0) || 1;
    const step = (n: number): TableSize => {
      const s = steps.find((x) => x.step === n);
      return s ? { rows: s.n, bytes: Math.round((rollupBytes * s.payload) / payload) } : { rows: 0, bytes: 0 };
    };
    return {
      fileBytes: pages * pageSize,
      freeBytes: free * pageSize,
      raw: { bytes: tableBytes('history_raw'), rows: db.prepare('SELECT COUNT(*) FROM history_raw').pluck().get() as number },
      minute: step(1),
      halfHour: step(30),
      subjects: db.prepare('SELECT COUNT(*) FROM history_subjects').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

/** Per rollup step, the average bytes of a replica row that are its latency sketches (codec.ts). */
function replicaSketchBytes(file: string): { minute: number; halfHour: number } {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare('SELECT r.step AS step, r.stats AS stats FROM history_rollup r JOIN history_subjects s ON s.id = r.subject WHERE s.kind = ?')
      .all(SUBJECT_KIND_CODE.replica) as { step: number; stats: Buffer }[];
    const avg = (step: number) => {
      const of = rows.filter((r) => r.step === step);
      return of.length ? of.reduce((n, r) => n + sketchBytes(REPLICA_LAYOUT, r.stats), 0) / of.length : 0;
    };
    return { minute: avg(1), halfHour: avg(30) };
  } finally {
    db.close();
  }
}

/**
 * The steady state after 30 days of `subjects` (raw kept an hour, minutes 24 h 15 min, half hours
 * 30 d 1 h), from the per-row sizes measured; `rawPerHour`: readings a subject gives an hour.
 */
export function steadyState(db: DbMeasure, subjects: number, rawPerHour: number) {
  const per = (t: TableSize) => (t.rows ? t.bytes / t.rows : 0);
  const raw = per(db.raw) * subjects * rawPerHour;
  const minute = per(db.minute) * subjects * (DEFAULT_RETENTION.minuteMs / MINUTE_MS);
  const halfHour = per(db.halfHour) * subjects * (DEFAULT_RETENTION.halfHourMs / (30 * MINUTE_MS));
  return {
    bytesPerRawProbe: Math.round(per(db.raw)),
    bytesPerMinuteRow: Math.round(per(db.minute)),
    bytesPerHalfHourRow: Math.round(per(db.halfHour)),
    rawMB: mb(raw),
    minuteMB: mb(minute),
    halfHourMB: mb(halfHour),
    totalMB: mb(raw + minute + halfHour),
    // What a day writes before pruning (raw is deleted after an hour, minutes after a day).
    writtenPerDayMB: mb(per(db.raw) * subjects * rawPerHour * (DAY_S / 3600) + per(db.minute) * subjects * 1440 + per(db.halfHour) * subjects * 48),
  };
}

/** A clock the simulation moves by hand, firing the history's flush timer on the way. */
class SimTimers implements Timers {
  private timers: { at: number; fn: () => void }[] = [];
  constructor(public nowMs: number) {}
  now = () => this.nowMs;
  setTimeout = (fn: () => void, ms: number) => {
    const t = { at: this.nowMs + ms, fn };
    this.timers.push(t);
    return t;
  };
  clearTimeout = (h: unknown) => {
    this.timers = this.timers.filter((t) => t !== h);
  };
  advanceTo(ms: number): void {
    for (;;) {
      const due = this.timers.filter((t) => t.at <= ms).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.nowMs = due.at;
      due.fn();
    }
    this.nowMs = ms;
  }
}

export interface SimResult {
  db: DbMeasure;
  probes: number;
  /** The history's own CPU (recording and flushing), per 1,000 probes. */
  cpuMsPer1000Probes: number;
}

/**
 * A store on a fresh data directory, fed every `tickMs` the readings `tick` adds (each with its
 * time: the clock is moved to it first); CPU counted around the history's calls only.
 */
function feed(dir: string, minutes: number, tickMs: number, tick: (at: number, add: (at: number, record: (h: HistoryStore) => void) => void) => void): { file: string; probes: number; cpuUs: number } {
  const store = openStore(dir, { migrations: fleetMigrations() });
  const file = store.path;
  store.close();
  const T0 = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  const timers = new SimTimers(T0);
  const history = new HistoryStore(file, { timers });
  let cpuUs = 0;
  const measured = (fn: () => void) => {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    cpuUs += c.user + c.system;
  };
  let probes = 0;
  for (let at = T0; at < T0 + minutes * MINUTE_MS; at += tickMs) {
    const batch: { at: number; record: (h: HistoryStore) => void }[] = [];
    tick(at, (readingAt, record) => batch.push({ at: readingAt, record }));
    measured(() => {
      for (const r of batch) {
        timers.advanceTo(r.at);
        r.record(history);
        probes++;
      }
    });
  }
  measured(() => timers.advanceTo(T0 + minutes * MINUTE_MS + 20_000));
  history.close();
  return { file, probes, cpuUs };
}

/** A seeded generator: the same readings every run. */
function random(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/**
 * `minutes` of `nodes` nodes × 8 GPUs probed every 10 s, with readings that move (a random walk
 * per GPU): nodes' per-row sizes for the steady state, and the history's CPU per node probe.
 */
export function simulateNodes(minutes: number, dir: string, nodes: number, intervalS: number): SimResult {
  const rnd = random(42);
  const walk = (x: number, step: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x + (rnd() * 2 - 1) * step));
  const state = Array.from({ length: nodes }, () => Array.from({ length: 8 }, () => ({ t: 65, mt: 70, p: 500, u: 80, m: 70000, c: 1800 })));
  const base = (i: number): Omit<GpuStatus, 'temperatureC' | 'memoryTemperatureC' | 'powerW' | 'utilizationPct' | 'memoryUsedMiB' | 'smClockMHz' | 'clockEventReasons'> => ({
    index: i, uuid: `GPU-${i}`, name: 'NVIDIA H100 80GB HBM3', busId: `00000000:1${i}:00.0`, pstate: 'P0', memoryUtilizationPct: 40, memoryTotalMiB: 81559, powerLimitW: 700,
    eccMode: 'Enabled', eccCorrectedVolatile: 0, eccUncorrectedVolatile: 0, eccUncorrectedAggregate: 0, retiredPagesPending: null, remappedRowsPending: false, remappedRowsFailure: false,
    processes: 1, health: 'healthy', reasons: [],
  });
  const intervalMs = intervalS * 1000;
  const run = feed(join(dir, 'sim-nodes'), minutes, intervalMs, (at, add) => {
    // Each node's probe lands somewhere in the interval, as the scheduler spreads them.
    const readings = state.map((gpus, n) => {
      const g = gpus.map((s, i) => {
        s.t = walk(s.t, 1.5, 35, 90); s.mt = walk(s.mt, 1, 40, 95); s.p = walk(s.p, 40, 80, 700); s.u = walk(s.u, 15, 0, 100); s.m = walk(s.m, 300, 1000, 81000); s.c = walk(s.c, 60, 345, 1980);
        return { ...base(i), temperatureC: Math.round(s.t), memoryTemperatureC: Math.round(s.mt), powerW: Math.round(s.p * 100) / 100, utilizationPct: Math.round(s.u), memoryUsedMiB: Math.round(s.m), smClockMHz: Math.round(s.c / 15) * 15, clockEventReasons: rnd() < 0.2 ? ['sw_power_cap'] : ['gpu_idle'] };
      });
      return { name: `sim-${n}`, reading: { at: at + ((n * 9973) % intervalMs), latencyMs: 40 + rnd() * 80, error: null, health: 'healthy' as const, gpus: g } };
    });
    for (const r of readings) add(r.reading.at, (h) => h.recordNodeProbe(r.name, r.reading));
  });
  return { db: measureDb(run.file), probes: run.probes, cpuMsPer1000Probes: Number((run.cpuUs / 1000 / (run.probes / 1000)).toFixed(2)) };
}

/**
 * `minutes` of `replicas` replicas: a health probe every 5 s (log-normal around 4 ms, one in a
 * hundred ten times slower) and a completion every 60 s (log-normal around 350 ms), one probe in
 * two hundred failing: replicas' per-row sizes, what their latency sketches take of them, and
 * the history's CPU per replica probe.
 */
export function simulateReplicas(minutes: number, dir: string, replicas: number): SimResult & { sketchBytes: { minute: number; halfHour: number } } {
  const rnd = random(7);
  const logNormal = (median: number, sigma: number) => median * Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd()));
  let round = 0;
  const run = feed(join(dir, 'sim-replicas'), minutes, 5000, (at, add) => {
    const readings: { name: string; at: number; kind: 'health' | 'completion'; ms: number; ok: boolean }[] = [];
    for (let i = 0; i < replicas; i++) {
      const name = `sim-replica-${i}`;
      const ok = rnd() >= 0.005;
      readings.push({ name, at: at + ((i * 7919) % 5000), kind: 'health', ms: logNormal(4, 0.35) * (rnd() < 0.01 ? 10 : 1), ok });
      // Each replica's completion in its own 5 s of the minute.
      if ((round + i) % 12 === 0) readings.push({ name, at: at + ((i * 7919 + 1) % 5000), kind: 'completion', ms: logNormal(350, 0.3), ok });
    }
    round++;
    readings.sort((a, b) => a.at - b.at);
    for (const r of readings) {
      add(r.at, (h) => h.recordReplicaProbe(r.name, { kind: r.kind, at: r.at, ok: r.ok, latencyMs: r.ok ? r.ms : 5000, failure: r.ok ? null : 'timeout', health: r.ok ? 'healthy' : 'degraded' }));
    }
  });
  return {
    db: measureDb(run.file),
    probes: run.probes,
    cpuMsPer1000Probes: Number((run.cpuUs / 1000 / (run.probes / 1000)).toFixed(2)),
    sketchBytes: replicaSketchBytes(run.file),
  };
}
