/**
 * Subject locks in the store (`subject_locks`, migration 6), shared by every process on the
 * data directory. A run holds its subjects until it ends, whoever owns it meanwhile (an
 * interrupted run keeps them until it is rolled back or continued); a one-step change holds its
 * subject while it is made, and a change whose process died holds nothing.
 */
import type Database from 'better-sqlite3';
import { FleetError } from '../../../shared/errors';
import type { ProcessOwner } from './process-owner';

export type LockHolderKind = 'run' | 'change';

export interface LockHolder {
  kind: LockHolderKind;
  id: string;
}

export interface HeldLock {
  subject: string;
  holder: LockHolder;
  ownerId: string;
  /** "run 3f2… (drain-replica on usw2-inf-01-llm, running) of fleetops run (pid 4242 on ops-1, alice, started 12:03)" */
  text: string;
  detail: Record<string, unknown>;
}

interface LockRow {
  subject: string;
  holder_kind: LockHolderKind;
  holder_id: string;
  owner_id: string;
  acquired_at: number;
}

interface RunRow {
  runbook: string;
  target: string;
  status: string;
  operator_user: string;
  operator_host: string;
  owner_id: string | null;
}

const ENDED_RUN = new Set(['succeeded', 'rolled-back', 'rollback-failed']);

export class LockTable {
  private readonly select: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly removeHolder: Database.Statement;
  private readonly moveHolder: Database.Statement;
  private readonly run: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly owner: ProcessOwner,
    private readonly now: () => number = Date.now,
  ) {
    this.select = db.prepare('SELECT * FROM subject_locks WHERE subject = ?');
    this.insert = db.prepare('INSERT INTO subject_locks (subject, holder_kind, holder_id, owner_id, acquired_at) VALUES (?, ?, ?, ?, ?)');
    this.remove = db.prepare('DELETE FROM subject_locks WHERE subject = ?');
    this.removeHolder = db.prepare('DELETE FROM subject_locks WHERE holder_kind = ? AND holder_id = ?');
    this.moveHolder = db.prepare('UPDATE subject_locks SET owner_id = ? WHERE holder_kind = ? AND holder_id = ?');
    this.run = db.prepare('SELECT runbook, target, status, operator_user, operator_host, owner_id FROM runbook_runs WHERE id = ?');
  }

  /** Who holds `subject` now, or null. Stale rows (an ended run's, a dead process's change) are dropped on the way. */
  heldBy(subject: string): HeldLock | null {
    const row = this.select.get(subject) as LockRow | undefined;
    if (!row) return null;
    if (row.holder_kind === 'change') {
      if (!this.owner.isAlive(row.owner_id)) {
        this.remove.run(subject);
        return null;
      }
      const who = this.owner.describe(row.owner_id);
      return { subject, holder: { kind: 'change', id: row.holder_id }, ownerId: row.owner_id, text: `a load balancer change being made by ${who}`, detail: { change: row.holder_id, owner: who } };
    }
    const run = this.run.get(row.holder_id) as RunRow | undefined;
    if (!run || ENDED_RUN.has(run.status)) {
      this.remove.run(subject);
      return null;
    }
    // A run's owner may have changed (rolled back from another process): name who has it now.
    const ownerId = run.owner_id ?? row.owner_id;
    const who = this.owner.describe(ownerId);
    return {
      subject,
      holder: { kind: 'run', id: row.holder_id },
      ownerId,
      text: `run ${row.holder_id} (${run.runbook} on ${run.target}, ${run.status}, started by ${run.operator_user}@${run.operator_host}) in ${who}`,
      detail: { runId: row.holder_id, runbook: run.runbook, target: run.target, status: run.status, owner: who },
    };
  }

  /**
   * Takes every subject for `holder`, or none: RUNBOOK_LOCKED naming the first holder found.
   * A subject `holder` already has is fine. Runs inside the caller's transaction when there is
   * one (the engine creates the run and takes its locks in one), else in its own IMMEDIATE one.
   */
  acquire(subjects: readonly string[], holder: LockHolder): void {
    const take = () => {
      for (const subject of new Set(subjects)) {
        const held = this.heldBy(subject);
        if (held && held.holder.kind === holder.kind && held.holder.id === holder.id) continue;
        if (held) throw new FleetError('RUNBOOK_LOCKED', `${subject} is held by ${held.text}: wait for it to finish or stop it`, { subject, detail: held.detail });
        this.insert.run(subject, holder.kind, holder.id, this.owner.id, this.now());
      }
    };
    if (this.db.inTransaction) take();
    else this.db.transaction(take).immediate();
  }

  release(holder: LockHolder): void {
    this.removeHolder.run(holder.kind, holder.id);
  }

  /** A run taken over by this process (rollback or continue of another's run): its locks name us. */
  adopt(holder: LockHolder): void {
    this.moveHolder.run(this.owner.id, holder.kind, holder.id);
  }
}
