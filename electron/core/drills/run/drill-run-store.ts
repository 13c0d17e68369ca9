/**
 * The drill_runs rows (migration 9) behind plain methods. A run is written only by the process
 * that owns it (checked in the same transaction as the write, like the runbook journal), so a
 * process that paused past its lease and was taken over never overwrites the new owner. Other
 * processes ask for an abort through a column; a run whose owner died is claimed with a
 * compare-and-set on owner_id so exactly one process restores it.
 */
import type Database from 'better-sqlite3';
import { DrillRunView, type DrillReasonCode, type DrillRunStatus } from '../../../../shared/drill-run';
import { DRILL_RUN_FINAL } from '../../../../shared/drill-run';

interface Row {
  id: string;
  drill: string;
  service: string;
  status: string;
  phase: string;
  reason_code: string | null;
  reason: string | null;
  trigger: string;
  plan: string;
  seed: string;
  owner_id: string | null;
  version: number;
  fault_run_id: string | null;
  response_run_id: string | null;
  started_at: number;
  injected_at: number | null;
  restored_at: number | null;
  ended_at: number | null;
  abort_requested_at: number | null;
  abort_reason_code: string | null;
  abort_reason: string | null;
  milestones: string;
  derived: string | null;
  expectations: string;
  seconds: string;
}

/** An abort someone asked for, not yet acted on. */
export interface AbortRequest {
  code: DrillReasonCode;
  reason: string;
}

const EMPTY_DERIVED: DrillRunView['derived'] = {
  detectSeconds: null,
  lbDetectSeconds: null,
  lbPromisedSeconds: null,
  mitigateSeconds: null,
  recoverSeconds: null,
  responseSeconds: null,
  requestsSent: 0,
  requestsFailed: 0,
  failedRatio: null,
  spareModelLoadSeconds: null,
  riseTimesInterSeconds: null,
};
export { EMPTY_DERIVED };

const FINAL_SQL = DRILL_RUN_FINAL.map((s) => `'${s}'`).join(', ');

export class DrillRunStore {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  /** A new run, owned by `ownerId`. */
  create(view: DrillRunView, service: string, ownerId: string | null): void {
    this.db
      .prepare(
        `INSERT INTO drill_runs (id, drill, service, status, phase, reason_code, reason, trigger, plan, seed, owner_id, version, fault_run_id,
           response_run_id, started_at, injected_at, restored_at, ended_at, updated_at, milestones, derived, expectations, seconds)
         VALUES (@id, @drill, @service, @status, @phase, @reasonCode, @reason, @trigger, @plan, @seed, @ownerId, 1, @faultRunId,
           @responseRunId, @startedAt, @injectedAt, @restoredAt, @endedAt, @updatedAt, @milestones, @derived, @expectations, @seconds)`,
      )
      .run({ ...this.columns(view), service, ownerId, trigger: JSON.stringify(view.trigger), plan: JSON.stringify(view.plan), seed: view.seed, drill: view.drill, id: view.id });
  }

  /** Writes the run's changing parts if `ownerId` still owns it; false when another process took it over. A final status clears the owner. */
  saveIfOwned(view: DrillRunView, ownerId: string): boolean {
    const cols = this.columns(view);
    const r = this.db
      .prepare(
        `UPDATE drill_runs SET status = @status, phase = @phase, reason_code = @reasonCode, reason = @reason, fault_run_id = @faultRunId,
           response_run_id = @responseRunId, injected_at = @injectedAt, restored_at = @restoredAt, ended_at = @endedAt, updated_at = @updatedAt,
           milestones = @milestones, derived = @derived, expectations = @expectations, seconds = @seconds, version = version + 1,
           owner_id = CASE WHEN @status IN (${FINAL_SQL}) THEN NULL ELSE owner_id END
         WHERE id = @id AND owner_id = @ownerId`,
      )
      .run({ ...cols, id: view.id, ownerId });
    return r.changes === 1;
  }

  get(id: string): DrillRunView | null {
    const row = this.db.prepare('SELECT * FROM drill_runs WHERE id = ?').get(id) as Row | undefined;
    return row ? toView(row) : null;
  }

  /** Newest first. */
  list(opts: { drill?: string; limit?: number } = {}): DrillRunView[] {
    const limit = opts.limit ?? 50;
    const rows = (
      opts.drill === undefined
        ? this.db.prepare('SELECT * FROM drill_runs ORDER BY started_at DESC, rowid DESC LIMIT ?').all(limit)
        : this.db.prepare('SELECT * FROM drill_runs WHERE drill = ? ORDER BY started_at DESC, rowid DESC LIMIT ?').all(opts.drill, limit)
    ) as Row[];
    return rows.map(toView);
  }

  /** Runs that have not ended, whichever process owns them. */
  open(): Array<{ id: string; drill: string; service: string; ownerId: string | null; status: DrillRunStatus }> {
    const rows = this.db.prepare(`SELECT id, drill, service, owner_id, status FROM drill_runs WHERE ended_at IS NULL`).all() as Row[];
    return rows.map((r) => ({ id: r.id, drill: r.drill, service: r.service, ownerId: r.owner_id, status: r.status as DrillRunStatus }));
  }

  /**
   * What the drills running now (in any process), or ended since `since`, hold: their targets and
   * every subject they lock (a region's nodes and replicas). Their faults are the drills' to
   * measure, not incidents — and a verdict lags the fault by up to fall × interval, so a drill's
   * last seconds count too.
   */
  heldByDrills(since: number): Set<string> {
    const rows = this.db.prepare('SELECT plan FROM drill_runs WHERE ended_at IS NULL OR ended_at >= ?').all(since) as Array<{ plan: string }>;
    const held = new Set<string>();
    for (const { plan } of rows) {
      const p = JSON.parse(plan) as { targets?: Array<{ name: string }>; locks?: string[] };
      for (const t of p.targets ?? []) held.add(t.name);
      for (const l of p.locks ?? []) held.add(l);
    }
    return held;
  }

  /** Asks the owner (any process) to abort; the first request's reason stands. False when the run has ended. */
  requestAbort(id: string, code: DrillReasonCode, reason: string): boolean {
    const r = this.db
      .prepare(
        `UPDATE drill_runs SET abort_requested_at = COALESCE(abort_requested_at, @at), abort_reason_code = COALESCE(abort_reason_code, @code),
           abort_reason = COALESCE(abort_reason, @reason), version = version + 1, updated_at = @at
         WHERE id = @id AND ended_at IS NULL`,
      )
      .run({ id, code, reason, at: this.now() });
    return r.changes === 1;
  }

  abortRequest(id: string): AbortRequest | null {
    const row = this.db.prepare('SELECT abort_requested_at, abort_reason_code, abort_reason FROM drill_runs WHERE id = ?').get(id) as Row | undefined;
    if (!row || row.abort_requested_at === null) return null;
    return { code: (row.abort_reason_code ?? 'operator-abort') as DrillReasonCode, reason: row.abort_reason ?? 'abort requested' };
  }

  /** Takes over a run whose owner is `deadOwner` (compare-and-set: of two processes, one wins). */
  claim(id: string, deadOwner: string | null, newOwner: string): boolean {
    const r =
      deadOwner === null
        ? this.db.prepare('UPDATE drill_runs SET owner_id = ?, version = version + 1 WHERE id = ? AND owner_id IS NULL AND ended_at IS NULL').run(newOwner, id)
        : this.db.prepare('UPDATE drill_runs SET owner_id = ?, version = version + 1 WHERE id = ? AND owner_id = ? AND ended_at IS NULL').run(newOwner, id, deadOwner);
    return r.changes === 1;
  }

  /** Runs written since `sinceMs` that `ownerId` is not working on (to push what other processes did). */
  changedSince(sinceMs: number, ownerId: string): Array<{ id: string; version: number }> {
    return this.db.prepare('SELECT id, version FROM drill_runs WHERE updated_at >= ? AND (owner_id IS NULL OR owner_id != ?)').all(sinceMs, ownerId) as Array<{ id: string; version: number }>;
  }

  private columns(view: DrillRunView) {
    return {
      status: view.status,
      phase: view.phase,
      reasonCode: view.reasonCode,
      reason: view.reason,
      faultRunId: view.faultRunId,
      responseRunId: view.responseRunId,
      startedAt: view.startedAt,
      injectedAt: view.injectedAt,
      restoredAt: view.restoredAt,
      endedAt: view.endedAt,
      updatedAt: this.now(),
      milestones: JSON.stringify(view.milestones),
      derived: JSON.stringify(view.derived),
      expectations: JSON.stringify(view.expectations),
      seconds: JSON.stringify(view.seconds),
    };
  }
}

/** Rows read back are validated with the contract's schema: a row another version wrote wrongly fails loudly, never half-shown. */
function toView(r: Row): DrillRunView {
  return DrillRunView.parse({
    id: r.id,
    drill: r.drill,
    plan: JSON.parse(r.plan),
    seed: r.seed,
    status: r.status,
    phase: r.phase,
    reasonCode: r.reason_code,
    reason: r.reason,
    trigger: JSON.parse(r.trigger),
    owner: r.owner_id,
    startedAt: r.started_at,
    injectedAt: r.injected_at,
    restoredAt: r.restored_at,
    endedAt: r.ended_at,
    milestones: JSON.parse(r.milestones),
    derived: r.derived === null ? EMPTY_DERIVED : JSON.parse(r.derived),
    expectations: JSON.parse(r.expectations),
    seconds: JSON.parse(r.seconds),
    faultRunId: r.fault_run_id,
    responseRunId: r.response_run_id,
    abortRequested: r.abort_requested_at !== null && r.ended_at === null,
  });
}
