/**
 * The scheduler's rows (migration 8) behind plain methods: the per-drill state (how far it has
 * been evaluated, pause/resume) and the occurrence rows. No decisions here — scheduler.ts makes
 * them inside one IMMEDIATE transaction per drill, so two processes never decide on stale reads.
 */
import type Database from 'better-sqlite3';
import {
  DrillOccurrenceRecord,
  type DrillOccurrenceOutcome,
  type DrillOccurrenceReason,
} from '../../../../shared/drill-schedule';
import type { FleetErrorData } from '../../../../shared/errors';

export interface DrillState {
  drill: string;
  evaluatedUntil: number;
  paused: boolean;
  pausedFrom: number | null;
  pausedUntil: number | null;
  changedBy: string | null;
  filePaused: boolean;
}

/** A started (or being started) occurrence whose run has not ended. */
export interface ActiveOccurrence {
  drill: string;
  service: string;
  scheduledAt: number;
  outcome: 'starting' | 'started';
  ownerId: string;
  runId: string | null;
}

export interface NewOccurrence {
  drill: string;
  service: string;
  scheduledAt: number;
  localTime: string;
  outcome: DrillOccurrenceOutcome;
  reason: DrillOccurrenceReason | null;
  decidedAt: number;
  lateMs: number;
  ownerId: string;
  detail?: Record<string, unknown> | null;
}

export interface SettleKey {
  drill: string;
  scheduledAt: number;
  ownerId: string;
}

/** The runner's answer to a claim. */
export type Settlement = { outcome: 'started'; runId: string } | { outcome: 'skipped'; reason: 'refused' | 'start-failed'; error: FleetErrorData };

interface StateRow {
  drill: string;
  evaluated_until: number;
  paused: number;
  paused_from: number | null;
  paused_until: number | null;
  changed_by: string | null;
  file_paused: number;
}

interface OccurrenceRow {
  drill: string;
  scheduled_at: number;
  service: string;
  local_time: string;
  outcome: string;
  reason: string | null;
  decided_at: number;
  late_ms: number;
  owner_id: string;
  run_id: string | null;
  ended_at: number | null;
  end_status: string | null;
  error: string | null;
  detail: string | null;
}

const ACTIVE = "outcome IN ('starting', 'started') AND ended_at IS NULL";

type StatementName = 'state' | 'createState' | 'advance' | 'pause' | 'resume' | 'filePaused' | 'insert' | 'active' | 'settle' | 'abandon' | 'ended' | 'get' | 'history' | 'prune';

export class ScheduleStore {
  private readonly stmts: Record<StatementName, Database.Statement>;

  constructor(readonly db: Database.Database) {
    this.stmts = {
      state: db.prepare('SELECT * FROM drill_schedule_state WHERE drill = ?'),
      createState: db.prepare(
        `INSERT INTO drill_schedule_state (drill, evaluated_until, paused, paused_from, paused_until, changed_by, file_paused, updated_at)
         VALUES (@drill, @at, @paused, @pausedFrom, NULL, @changedBy, @paused, @at) ON CONFLICT (drill) DO NOTHING`,
      ),
      advance: db.prepare('UPDATE drill_schedule_state SET evaluated_until = MAX(evaluated_until, ?), updated_at = ? WHERE drill = ?'),
      pause: db.prepare(
        'UPDATE drill_schedule_state SET paused = 1, paused_from = @at, paused_until = NULL, changed_by = @by, updated_at = @at WHERE drill = @drill AND paused = 0',
      ),
      resume: db.prepare('UPDATE drill_schedule_state SET paused = 0, paused_until = @at, changed_by = @by, updated_at = @at WHERE drill = @drill AND paused = 1'),
      filePaused: db.prepare('UPDATE drill_schedule_state SET file_paused = ? WHERE drill = ?'),
      insert: db.prepare(
        `INSERT INTO drill_schedule_occurrences (drill, scheduled_at, service, local_time, outcome, reason, decided_at, late_ms, owner_id, detail)
         VALUES (@drill, @scheduledAt, @service, @localTime, @outcome, @reason, @decidedAt, @lateMs, @ownerId, @detail)
         ON CONFLICT (drill, scheduled_at) DO NOTHING`,
      ),
      active: db.prepare(`SELECT drill, service, scheduled_at, outcome, owner_id, run_id FROM drill_schedule_occurrences WHERE ${ACTIVE}`),
      // Only the process that claimed it settles a claim: by owner, not by outcome, so a start that
      // another process gave up on (its lease ran out meanwhile) is still recorded as started.
      settle: db.prepare(
        `UPDATE drill_schedule_occurrences SET outcome = @outcome, reason = @reason, run_id = @runId, error = @error
         WHERE drill = @drill AND scheduled_at = @scheduledAt AND owner_id = @ownerId`,
      ),
      abandon: db.prepare(
        `UPDATE drill_schedule_occurrences SET outcome = 'skipped', reason = 'start-interrupted'
         WHERE drill = ? AND scheduled_at = ? AND outcome = 'starting' AND owner_id = ?`,
      ),
      ended: db.prepare(`UPDATE drill_schedule_occurrences SET ended_at = ?, end_status = ? WHERE run_id = ? AND ended_at IS NULL`),
      get: db.prepare('SELECT * FROM drill_schedule_occurrences WHERE drill = ? AND scheduled_at = ?'),
      history: db.prepare('SELECT * FROM drill_schedule_occurrences WHERE drill = ? ORDER BY scheduled_at DESC LIMIT ?'),
      // Keeps the newest `keep`, and every run still going whatever its age.
      prune: db.prepare(
        `DELETE FROM drill_schedule_occurrences
         WHERE drill = @drill AND NOT (${ACTIVE}) AND scheduled_at < (
           SELECT scheduled_at FROM drill_schedule_occurrences WHERE drill = @drill ORDER BY scheduled_at DESC LIMIT 1 OFFSET @keep - 1)
         RETURNING run_id`,
      ),
    };
  }

  state(drill: string): DrillState | null {
    const r = this.stmts.state.get(drill) as StateRow | undefined;
    if (!r) return null;
    return {
      drill: r.drill,
      evaluatedUntil: r.evaluated_until,
      paused: r.paused === 1,
      pausedFrom: r.paused_from,
      pausedUntil: r.paused_until,
      changedBy: r.changed_by,
      filePaused: r.file_paused === 1,
    };
  }

  /** A drill seen for the first time: evaluated up to `at` (nothing before it is owed), paused as its file says. */
  createState(drill: string, at: number, paused: boolean): void {
    this.stmts.createState.run({ drill, at, paused: paused ? 1 : 0, pausedFrom: paused ? at : null, changedBy: paused ? 'drill file' : null });
  }

  advance(drill: string, until: number, at: number): void {
    this.stmts.advance.run(until, at, drill);
  }

  /** False when it already was paused (or has no state yet). */
  pause(drill: string, by: string, at: number): boolean {
    return this.stmts.pause.run({ drill, by, at }).changes === 1;
  }

  resume(drill: string, by: string, at: number): boolean {
    return this.stmts.resume.run({ drill, by, at }).changes === 1;
  }

  setFilePaused(drill: string, paused: boolean): void {
    this.stmts.filePaused.run(paused ? 1 : 0, drill);
  }

  /** True when this insert decided the occurrence; false when another process (or an earlier tick) already had. */
  insert(o: NewOccurrence): boolean {
    return this.stmts.insert.run({ ...o, detail: o.detail ? JSON.stringify(o.detail) : null }).changes === 1;
  }

  active(): ActiveOccurrence[] {
    return (this.stmts.active.all() as OccurrenceRow[]).map((r) => ({
      drill: r.drill,
      service: r.service,
      scheduledAt: r.scheduled_at,
      outcome: r.outcome as 'starting' | 'started',
      ownerId: r.owner_id,
      runId: r.run_id,
    }));
  }

  settle(key: SettleKey, result: Settlement): void {
    this.stmts.settle.run({
      ...key,
      outcome: result.outcome,
      reason: result.outcome === 'started' ? null : result.reason,
      runId: result.outcome === 'started' ? result.runId : null,
      error: result.outcome === 'started' ? null : JSON.stringify({ code: result.error.code, message: result.error.message }),
    });
  }

  /** A claim whose process died before the runner answered: no longer counted as running. */
  abandon(o: ActiveOccurrence): boolean {
    return this.stmts.abandon.run(o.drill, o.scheduledAt, o.ownerId).changes === 1;
  }

  runEnded(runId: string, status: string, at: number): boolean {
    return this.stmts.ended.run(at, status, runId).changes === 1;
  }

  get(drill: string, scheduledAt: number): DrillOccurrenceRecord | null {
    const r = this.stmts.get.get(drill, scheduledAt) as OccurrenceRow | undefined;
    return r ? toRecord(r) : null;
  }

  /** Newest first. */
  history(drill: string, limit: number): DrillOccurrenceRecord[] {
    return (this.stmts.history.all(drill, limit) as OccurrenceRow[]).map(toRecord);
  }

  /** Deletes all but the newest `keep` occurrences (running ones stay); returns the run ids whose reports go with them. */
  prune(drill: string, keep: number): string[] {
    const rows = this.stmts.prune.all({ drill, keep }) as { run_id: string | null }[];
    return rows.flatMap((r) => (r.run_id === null ? [] : [r.run_id]));
  }
}

/** A row as the contract's record: validated, so a row another build wrote wrongly is found here. */
function toRecord(r: OccurrenceRow): DrillOccurrenceRecord {
  return DrillOccurrenceRecord.parse({
    drill: r.drill,
    service: r.service,
    scheduledAt: r.scheduled_at,
    localTime: r.local_time,
    outcome: r.outcome,
    reason: r.reason,
    decidedAt: r.decided_at,
    lateMs: r.late_ms,
    runId: r.run_id,
    endedAt: r.ended_at,
    endStatus: r.end_status,
    error: r.error === null ? null : JSON.parse(r.error),
    detail: r.detail === null ? null : JSON.parse(r.detail),
  });
}
