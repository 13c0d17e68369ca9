/**
 * The one change gate. Every action that changes the fleet (load balancer buttons, runbook
 * steps and their undos, drill faults and restores to come) passes `change()`: the read-only
 * switch, the typed confirmation of protected clusters, the subject's lock in the store, and an
 * audit entry with who, where, what, before and after. Every action that changes the console's
 * trust (host keys, secrets, passphrases) passes `trust()`: audited, never the secret itself.
 * Refusals are FleetErrors with stable codes (READ_ONLY, CONFIRMATION_REQUIRED,
 * RUNBOOK_LOCKED) and are on the record too.
 */
import { randomUUID } from 'node:crypto';
import type { ChangeOrigin } from '../../../shared/change';
import { FleetError, toErrorData, type FleetErrorData } from '../../../shared/errors';
import type { AuditLog } from '../audit/audit-log';
import type { LoadedInventory } from '../inventory/load-inventory';
import type { LockTable } from '../locks/lock-table';
import type { ProcessOwner } from '../locks/process-owner';
import type { AppendEventInput } from '../store/open-store';
import type { ReadOnlySwitch } from './read-only-switch';

/** Who asks, from where: the origin and, for a runbook step, its run and step. */
export interface GateActor {
  origin: ChangeOrigin;
  run?: string;
  step?: number;
}

export interface FleetChangeRequest<T> {
  /** What kind of change: 'lb.set-state', 'lb.set-weight', 'ssh.run', … */
  action: string;
  /** What it changes, as the audit trail names it. */
  subject: string;
  /** The exact command or words of the change. */
  command: string;
  /** Clusters it changes: what the read-only switch and the protected flag are judged on. */
  clusters: readonly string[];
  actor: GateActor;
  /**
   * A one-step change: the word the operator must type when a cluster is protected, and what
   * they typed. 'given': confirmed for the whole run when it started (runbook steps).
   */
  confirmation: { word: string; typed: string | undefined } | 'given';
  /** A one-step change takes these subjects for the time it is made; a run's step must still hold them. */
  lock: { take: readonly string[] } | { heldBy: string; subjects: readonly string[] };
  /** Undos of a run already under way put things back: read-only does not strand a half-done run. */
  restoring?: boolean;
  /** Reads the setting before the change (recorded); its failure does not stop the change. */
  before?: () => Promise<unknown>;
  apply: () => Promise<T>;
  /** Reads the setting after the change (recorded). */
  after?: () => Promise<unknown>;
  /** More to record (never a secret). */
  detail?: Record<string, unknown>;
}

export interface ChangeOutcome<T> {
  id: string;
  result: T;
  before: unknown;
  after: unknown;
}

export interface TrustChangeRequest<T> {
  /** 'hostkey.trust', 'secret.set', 'passphrase.set' */
  action: string;
  subject: string | null;
  actor: GateActor;
  /** What is recorded: names and fingerprints, never a secret or passphrase. */
  detail: Record<string, unknown>;
  apply: () => Promise<T>;
}

export interface ChangeGateDeps {
  readOnly: ReadOnlySwitch;
  locks: LockTable;
  owner: ProcessOwner;
  audit: AuditLog;
  record: (e: AppendEventInput) => void;
  inventory: () => LoadedInventory | null;
  now: () => number;
  newId?: () => string;
}

export class ChangeGate {
  private readonly newId: () => string;

  constructor(private readonly deps: ChangeGateDeps) {
    this.newId = deps.newId ?? randomUUID;
  }

  get readOnly(): ReadOnlySwitch {
    return this.deps.readOnly;
  }

  /** The protected ones among `clusters` (inventory `protected: true`). */
  protectedClusters(clusters: readonly string[]): string[] {
    const nodes = this.deps.inventory()?.nodes ?? [];
    return clusters.filter((c) => nodes.some((n) => n.cluster === c && n.protected));
  }

  /** The word to type for a one-step change on `clusters`, or null when none is protected. */
  confirmationFor(clusters: readonly string[], word: string): string | null {
    return this.protectedClusters(clusters).length > 0 ? word : null;
  }

  /** Everything that would refuse the change now, without making it (a preview). */
  refusals(req: Pick<FleetChangeRequest<unknown>, 'action' | 'subject' | 'clusters' | 'lock' | 'restoring'>): FleetErrorData[] {
    const out: FleetErrorData[] = [];
    const ro = this.readOnlyRefusal(req);
    if (ro) out.push(ro.toData());
    const subjects = 'take' in req.lock ? req.lock.take : req.lock.subjects;
    const holder = 'take' in req.lock ? null : req.lock.heldBy;
    for (const s of subjects) {
      const held = this.deps.locks.heldBy(s);
      if (held && !(held.holder.kind === 'run' && held.holder.id === holder)) {
        out.push({ code: 'RUNBOOK_LOCKED', message: `${s} is held by ${held.text}: wait for it to finish or stop it`, subject: s, detail: held.detail });
      }
    }
    return out;
  }

  /**
   * Makes a change to the fleet, or refuses it. The order: read-only, confirmation, lock (taken
   * for a one-step change; checked for a run's step), then before → apply → after, and the audit
   * entry (`change`, or `change.failed` with the error). Refusals: `change.refused`.
   */
  async change<T>(req: FleetChangeRequest<T>): Promise<ChangeOutcome<T>> {
    const id = this.newId();
    const where = this.where(req.actor);
    const base = { change: id, action: req.action, command: req.command, clusters: [...req.clusters], ...where, ...(req.detail ?? {}) };
    const refuse = (err: FleetError): never => {
      this.deps.audit.append({ kind: 'change.refused', subject: req.subject, detail: { ...base, code: err.code, reason: err.message } });
      this.deps.record({ ts: this.deps.now(), kind: 'change.refused', subject: req.subject, severity: 'warning', message: `refused: ${err.message}`, data: { code: err.code, message: err.message, subject: req.subject, change: id } });
      throw err;
    };

    const ro = this.readOnlyRefusal(req);
    if (ro) refuse(ro);
    if (req.confirmation !== 'given') {
      const expect = this.confirmationFor(req.clusters, req.confirmation.word);
      if (expect !== null && req.confirmation.typed !== expect) {
        refuse(
          new FleetError('CONFIRMATION_REQUIRED', `${req.subject} is in protected cluster ${this.protectedClusters(req.clusters).join(', ')}: type ${expect} to ${req.command}`, {
            subject: req.subject,
            detail: { expect },
          }),
        );
      }
    }
    const holder = { kind: 'change' as const, id };
    if ('take' in req.lock) {
      try {
        this.deps.locks.acquire(req.lock.take, holder);
      } catch (err) {
        if (err instanceof FleetError) refuse(err);
        throw err;
      }
    } else {
      for (const s of req.lock.subjects) {
        const held = this.deps.locks.heldBy(s);
        if (!held || held.holder.kind !== 'run' || held.holder.id !== req.lock.heldBy) {
          refuse(new FleetError('RUNBOOK_LOCKED', `run ${req.lock.heldBy} no longer holds ${s}${held ? ` (${held.text} does)` : ''}: step refused`, { subject: s }));
        }
      }
    }

    try {
      const before = await this.read(req.before);
      let result: T;
      try {
        result = await req.apply();
      } catch (err) {
        const after = await this.read(req.after);
        this.deps.audit.append({ kind: 'change.failed', subject: req.subject, detail: { ...base, before, after, error: toErrorData(err) } });
        throw err;
      }
      const after = await this.read(req.after);
      this.deps.audit.append({ kind: 'change', subject: req.subject, detail: { ...base, before, after } });
      return { id, result, before, after };
    } finally {
      if ('take' in req.lock) this.deps.locks.release(holder);
    }
  }

  /** A change to the console's trust: made, then audited (or its failure audited); the detail names, never reveals. */
  async trust<T>(req: TrustChangeRequest<T>): Promise<T> {
    const base = { action: req.action, ...this.where(req.actor), ...req.detail };
    try {
      const result = await req.apply();
      this.deps.audit.append({ kind: 'trust', subject: req.subject, detail: base });
      return result;
    } catch (err) {
      const e = toErrorData(err);
      this.deps.audit.append({ kind: 'trust.refused', subject: req.subject, detail: { ...base, code: e.code, reason: e.message } });
      throw err;
    }
  }

  private readOnlyRefusal(req: Pick<FleetChangeRequest<unknown>, 'subject' | 'clusters' | 'restoring' | 'action'>): FleetError | null {
    if (req.restoring) return null;
    const frozen = this.deps.readOnly.frozen(req.clusters);
    if (frozen.length === 0) return null;
    const which = frozen[0] === '*' ? 'read-only mode is on (global switch)' : `cluster ${frozen.join(', ')} is read-only`;
    return new FleetError('READ_ONLY', `${which}: ${req.action} on ${req.subject} refused; turn read-only off to change it`, { subject: req.subject, detail: { readOnly: this.deps.readOnly.value } });
  }

  /** Where it comes from (`from`: console, cli, runbook, drill; `origin` is the audit log's own, for labs), run and step, and which process. */
  private where(actor: GateActor): Record<string, unknown> {
    const { owner } = this.deps;
    return { from: actor.origin, ...(actor.run ? { run: actor.run } : {}), ...(actor.step !== undefined ? { step: actor.step } : {}), process: { label: owner.label, pid: owner.pid, owner: owner.id } };
  }

  private async read(fn: (() => Promise<unknown>) | undefined): Promise<unknown> {
    if (!fn) return null;
    try {
      return await fn();
    } catch (err) {
      return { unreadable: toErrorData(err).message };
    }
  }
}
