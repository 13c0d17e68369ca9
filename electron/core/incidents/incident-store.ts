/**
 * Incidents in the store (incident-migration.ts): signals open or join them, people acknowledge,
 * annotate, correct, resolve and close them. Every method is one transaction, safe with other
 * processes on the same data directory (the one-open-per-scope index decides races). Each that
 * reads and then writes begins IMMEDIATE (`write()`): a DEFERRED one would hold a read snapshot
 * and then have to upgrade it to the write lock, which SQLite refuses at once with SQLITE_BUSY —
 * without waiting out the busy timeout — whenever another process holds that lock or has
 * committed since the read (the console writes events, history and requests all the time). What a
 * person does is also an entry in the audit chain (`incident.<action>`), so a review can tell
 * who said what when — the rule's own changes are in the incident itself.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AuditLog } from '../audit/audit-log';
import { FleetError } from '../../../shared/errors';
import {
  deriveIncidentTimes,
  incidentMilestoneOrderProblem,
  type IncidentBudgetSpent,
  type IncidentImported,
  type IncidentMilestone,
  type IncidentMilestoneName,
  type IncidentSeverity,
  type IncidentStatus,
  type IncidentSummary,
  type IncidentView,
} from '../../../shared/incident';

/** A subject's verdict changed (the console's node.health / replica.health events). */
export interface HealthSignal {
  subject: string;
  kind: 'node' | 'replica' | 'service';
  /** The verdict it turned to (a service: `burning` or `healthy`, burn-watch.ts). */
  health: string;
  at: number;
  /** Its failure domain, when the inventory says: signals of one region join one incident. */
  region: string | null;
  /** In a protected cluster: sev1. */
  protected: boolean;
}

/** Verdicts that open an incident (degraded, throttled and unknown do not); `burning`: a service's error budget, fast (burn-watch.ts). */
export const BAD_HEALTH: ReadonlySet<string> = new Set(['unhealthy', 'unreachable', 'burning']);

interface IncidentRow {
  id: string;
  title: string;
  severity: IncidentSeverity;
  severity_reason: string;
  scope: string;
  opened_by: 'rule' | 'operator';
  status: IncidentStatus;
  started_at: number;
  /** NULL: this console's; "bundle:<signer>:<id>": imported (migration 12), never the rule's to touch. */
  origin: string | null;
}

const SEVERITY_RANK: Record<IncidentSeverity, number> = { sev1: 1, sev2: 2, sev3: 3 };

/** An open incident of this console's whose subjects are all healthy: what settle() may change. */
const SETTLE_CANDIDATE = `SELECT 1 FROM incidents i WHERE i.status = 'open' AND i.origin IS NULL
  AND EXISTS (SELECT 1 FROM incident_subjects s WHERE s.incident_id = i.id)
  AND NOT EXISTS (SELECT 1 FROM incident_subjects s WHERE s.incident_id = i.id AND s.health <> 'healthy') LIMIT 1`;

/**
 * The rule: a service burning its error budget fast (its users feel it now) and a protected
 * cluster are sev1; a replica (a service's capacity) sev2; a node alone sev3.
 */
export function severityOf(s: Pick<HealthSignal, 'kind' | 'protected' | 'subject'>): { severity: IncidentSeverity; reason: string } {
  if (s.kind === 'service') return { severity: 'sev1', reason: `service ${s.subject} is burning its error budget fast (SLO impact)` };
  if (s.protected) return { severity: 'sev1', reason: `${s.subject} is in a protected cluster` };
  if (s.kind === 'replica') return { severity: 'sev2', reason: `replica ${s.subject} serves a service` };
  return { severity: 'sev3', reason: `node ${s.subject}, no protected cluster or service replica affected` };
}

export class IncidentStore {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
    private readonly newId: () => string = randomUUID,
    private readonly audit: Pick<AuditLog, 'append'> | null = null,
    /** The SLO budget each service spent during it (budget-spent.ts), where the caller knows the services. */
    private readonly budget: ((view: IncidentView) => IncidentBudgetSpent[] | undefined) | null = null,
  ) {}

  /**
   * Runs `fn` in a transaction that takes the write lock first, waiting the busy timeout for it
   * like any single write (see the header). Nested in another transaction, a savepoint.
   */
  private write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  private audited(action: string, id: string, by: string, detail: Record<string, unknown> = {}): void {
    this.audit?.append({ kind: `incident.${action}`, subject: id, detail: { by, ...detail } });
  }

  /**
   * A subject's verdict changed: a bad one opens an incident for its scope or joins the open
   * one; any verdict updates the subject in the open incidents that hold it. Returns the ids
   * of the incidents it touched.
   */
  signal(s: HealthSignal): string[] {
    return this.write(() => {
      const touched = new Set<string>();
      for (const { incident_id } of this.db.prepare("SELECT s.incident_id FROM incident_subjects s JOIN incidents i ON i.id = s.incident_id WHERE s.subject = ? AND i.status = 'open' AND i.origin IS NULL").all(s.subject) as Array<{ incident_id: string }>) {
        this.db.prepare('UPDATE incident_subjects SET health = ?, changed_at = ? WHERE incident_id = ? AND subject = ? AND changed_at <= ?').run(s.health, s.at, incident_id, s.subject, s.at);
        touched.add(incident_id);
      }
      if (BAD_HEALTH.has(s.health)) {
        const id = this.openOrJoin(s);
        touched.add(id);
      }
      return [...touched];
    });
  }

  private openOrJoin(s: HealthSignal): string {
    const scope = s.region ? `region:${s.region}` : `subject:${s.subject}`;
    const sev = severityOf(s);
    let row = this.db.prepare("SELECT * FROM incidents WHERE scope = ? AND status = 'open' AND origin IS NULL").get(scope) as IncidentRow | undefined;
    if (!row) {
      const id = this.newId();
      const title = s.region ? `${s.kind} ${s.subject} ${s.health} (${s.region})` : `${s.kind} ${s.subject} ${s.health}`;
      // Another process may have opened it between the select and this insert: then join theirs.
      const inserted = this.db
        .prepare("INSERT INTO incidents (id, title, severity, severity_reason, scope, opened_by, status, started_at) SELECT ?, ?, ?, ?, ?, 'rule', 'open', ? WHERE NOT EXISTS (SELECT 1 FROM incidents WHERE scope = ? AND status = 'open' AND origin IS NULL)")
        .run(id, title, sev.severity, sev.reason, scope, s.at, scope);
      if (inserted.changes === 1) {
        // Started: the first bad signal; detected: the console's verdict (the same event here; a person may correct "started").
        this.ruleMilestone(id, 'started', s.at);
        this.ruleMilestone(id, 'detected', s.at);
      }
      row = this.db.prepare("SELECT * FROM incidents WHERE scope = ? AND status = 'open' AND origin IS NULL").get(scope) as IncidentRow;
    } else if (SEVERITY_RANK[sev.severity] < SEVERITY_RANK[row.severity]) {
      this.db.prepare('UPDATE incidents SET severity = ?, severity_reason = ? WHERE id = ?').run(sev.severity, sev.reason, row.id);
    }
    this.db
      .prepare(
        `INSERT INTO incident_subjects (incident_id, subject, kind, first_bad_at, health, changed_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (incident_id, subject) DO UPDATE SET health = excluded.health, changed_at = excluded.changed_at WHERE excluded.changed_at >= changed_at`,
      )
      .run(row.id, s.subject, s.kind, s.at, s.health, s.at);
    // Something turned bad again: not mitigated any more (a rule's mitigated goes; a person's stays).
    this.db.prepare("DELETE FROM incident_milestones WHERE incident_id = ? AND name = 'mitigated' AND source = 'rule' AND at <= ?").run(row.id, s.at);
    return row.id;
  }

  /**
   * The rule's side of recovery, for every open incident: every subject healthy → mitigated (when
   * the last one turned healthy); and healthy for `quietMs` since → resolved. Returns the ids changed.
   */
  settle(quietMs: number): string[] {
    // Runs every few hundred ms in the console and mostly has nothing to do: ask without the write
    // lock first, so an idle rule neither takes it nor waits on another process's writes.
    if (!this.db.prepare(SETTLE_CANDIDATE).get()) return [];
    return this.write(() => {
      const changed: string[] = [];
      const open = this.db.prepare("SELECT id FROM incidents WHERE status = 'open' AND origin IS NULL").all() as Array<{ id: string }>;
      for (const { id } of open) {
        const subjects = this.db.prepare('SELECT health, changed_at FROM incident_subjects WHERE incident_id = ?').all(id) as Array<{ health: string; changed_at: number }>;
        if (subjects.length === 0 || subjects.some((s) => s.health !== 'healthy')) continue;
        const allHealthyAt = Math.max(...subjects.map((s) => s.changed_at));
        if (this.ruleMilestone(id, 'mitigated', allHealthyAt)) changed.push(id);
        if (this.now() - allHealthyAt >= quietMs) {
          this.ruleMilestone(id, 'resolved', allHealthyAt);
          this.db.prepare("UPDATE incidents SET status = 'resolved' WHERE id = ? AND status = 'open'").run(id);
          changed.push(id);
        }
      }
      return [...new Set(changed)];
    });
  }

  /** By hand: its own scope, started and detected now. */
  open(title: string, severity: IncidentSeverity = 'sev3', by: string): IncidentView {
    const id = this.newId();
    const at = this.now();
    this.write(() => {
      this.db.prepare("INSERT INTO incidents (id, title, severity, severity_reason, scope, opened_by, status, started_at) VALUES (?, ?, ?, ?, ?, 'operator', 'open', ?)").run(id, title, severity, `set by ${by}`, `manual:${id}`, at);
      this.putMilestone(id, 'started', at, by);
      this.putMilestone(id, 'detected', at, by);
    });
    this.audited('open', id, by, { title, severity });
    return this.get(id);
  }

  acknowledge(id: string, by: string): IncidentView {
    // Checked inside the transaction: two people acknowledging at once record (and audit) one.
    const acked = this.write(() => {
      this.requireOwn(id);
      if (this.milestones(id).some((m) => m.name === 'acknowledged')) return false;
      this.putMilestone(id, 'acknowledged', this.now(), by);
      return true;
    });
    if (acked) this.audited('ack', id, by);
    return this.get(id);
  }

  resolve(id: string, by: string): IncidentView {
    this.write(() => {
      const row = this.requireOwn(id);
      if (row.status === 'closed') throw new FleetError('BAD_REQUEST', `incident ${id} is closed`, { subject: id });
      if (!this.milestones(id).some((m) => m.name === 'resolved')) this.putMilestone(id, 'resolved', this.now(), by);
      this.db.prepare("UPDATE incidents SET status = 'resolved' WHERE id = ?").run(id);
    });
    this.audited('resolve', id, by);
    return this.get(id);
  }

  /** After review: resolved first if it was not. */
  close(id: string, by: string): IncidentView {
    this.write(() => {
      this.requireOwn(id);
      const names = new Set(this.milestones(id).map((m) => m.name));
      if (!names.has('resolved')) this.putMilestone(id, 'resolved', this.now(), by);
      if (!names.has('closed')) this.putMilestone(id, 'closed', this.now(), by);
      this.db.prepare("UPDATE incidents SET status = 'closed' WHERE id = ?").run(id);
    });
    this.audited('close', id, by);
    return this.get(id);
  }

  /** A person's severity, with why (the rule only ever raises it: a worse signal joining raises it again). */
  setSeverity(id: string, severity: IncidentSeverity, by: string, reason?: string): IncidentView {
    const row = this.requireOwn(id);
    if (row.severity !== severity) {
      this.db.prepare('UPDATE incidents SET severity = ?, severity_reason = ? WHERE id = ?').run(severity, `set by ${by}${reason ? `: ${reason}` : ''}`, id);
      this.audited('severity', id, by, { severity, was: row.severity, ...(reason ? { reason } : {}) });
    }
    return this.get(id);
  }

  /** A person links a run to the incident (migration 14): it must exist here; linking it again changes nothing. */
  link(id: string, kind: 'runbook' | 'drill', runId: string, by: string): void {
    this.requireOwn(id);
    const table = kind === 'runbook' ? 'runbook_runs' : 'drill_runs';
    if (!this.db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(runId)) throw new FleetError('NOT_FOUND', `no ${kind} run ${runId} in this data directory`, { subject: runId });
    const added = this.db.prepare('INSERT OR IGNORE INTO incident_links (incident_id, kind, run_id, linked_at, linked_by) VALUES (?, ?, ?, ?, ?)').run(id, kind, runId, this.now(), by).changes === 1;
    if (added) this.audited('link', id, by, { kind, runId });
  }

  note(id: string, text: string, by: string): IncidentView {
    this.require(id);
    this.db.prepare('INSERT INTO incident_notes (incident_id, at, by, text) VALUES (?, ?, ?, ?)').run(id, this.now(), by, text);
    this.audited('note', id, by, { text });
    return this.get(id);
  }

  /**
   * A person sets or corrects a milestone. The first value is kept as `original` beside the
   * correction; a time that breaks the order (started first, mitigated ≤ resolved ≤ closed) is
   * refused and nothing changes.
   */
  setMilestone(id: string, name: IncidentMilestoneName, at: number, by: string): IncidentView {
    const before = this.write(() => this.putMilestone(id, name, at, by));
    this.audited('milestone', id, by, { name, at, ...(before ? { was: before.at } : {}) });
    return this.get(id);
  }

  /** Sets a person's milestone (the order checked, the original kept); returns what it replaced. */
  private putMilestone(id: string, name: IncidentMilestoneName, at: number, by: string): IncidentMilestone | undefined {
    this.requireOwn(id);
    const current = this.milestones(id);
    const times = Object.fromEntries(current.map((m) => [m.name, m.at])) as Partial<Record<IncidentMilestoneName, number>>;
    const problem = incidentMilestoneOrderProblem({ ...times, [name]: at });
    if (problem) throw new FleetError('BAD_REQUEST', `incident ${id}: ${problem}; nothing changed`, { subject: id });
    const before = current.find((m) => m.name === name);
    const original = before ? JSON.stringify(before.original ?? { at: before.at, source: before.source, by: before.by }) : null;
    this.db
      .prepare("INSERT INTO incident_milestones (incident_id, name, at, source, by, original) VALUES (?, ?, ?, 'operator', ?, ?) ON CONFLICT (incident_id, name) DO UPDATE SET at = excluded.at, source = 'operator', by = excluded.by, original = excluded.original")
      .run(id, name, at, by, original);
    if (name === 'started') this.db.prepare('UPDATE incidents SET started_at = ? WHERE id = ?').run(at, id);
    return before;
  }

  /** An open incident that holds one of `subjects` (the oldest), or null. */
  openOn(subjects: readonly string[]): { id: string; title: string } | null {
    if (subjects.length === 0) return null;
    const marks = subjects.map(() => '?').join(', ');
    const row = this.db
      .prepare(`SELECT i.id, i.title FROM incidents i WHERE i.status = 'open' AND i.origin IS NULL AND EXISTS (SELECT 1 FROM incident_subjects s WHERE s.incident_id = i.id AND s.subject IN (${marks})) ORDER BY i.started_at LIMIT 1`)
      .get(...subjects) as { id: string; title: string } | undefined;
    return row ?? null;
  }

  list(opts: { status?: IncidentStatus; limit?: number } = {}): IncidentSummary[] {
    const rows = (
      opts.status
        ? this.db.prepare('SELECT * FROM incidents WHERE status = ? ORDER BY started_at DESC LIMIT ?').all(opts.status, opts.limit ?? 100)
        : this.db.prepare('SELECT * FROM incidents ORDER BY started_at DESC LIMIT ?').all(opts.limit ?? 100)
    ) as IncidentRow[];
    return rows.map((r) => this.summary(r));
  }

  get(id: string): IncidentView {
    const row = this.require(id);
    const milestones = this.milestones(id);
    const affected = (this.db.prepare('SELECT subject, kind, first_bad_at, health, changed_at FROM incident_subjects WHERE incident_id = ? ORDER BY first_bad_at, subject').all(id) as Array<{ subject: string; kind: 'node' | 'replica' | 'service'; first_bad_at: number; health: string; changed_at: number }>).map((s) => ({
      subject: s.subject,
      kind: s.kind,
      firstBadAt: s.first_bad_at,
      health: s.health,
      changedAt: s.changed_at,
    }));
    const notes = this.db.prepare('SELECT at, by, text FROM incident_notes WHERE incident_id = ? ORDER BY at, id').all(id) as Array<{ at: number; by: string; text: string }>;
    const view: IncidentView = { ...this.summary(row), severityReason: row.severity_reason, milestones, affected, notes, derived: deriveIncidentTimes(milestones) };
    const spent = this.budget?.(view);
    return spent === undefined ? view : { ...view, budgetSpent: spent };
  }

  private summary(r: IncidentRow): IncidentSummary {
    const { n } = this.db.prepare('SELECT count(*) AS n FROM incident_subjects WHERE incident_id = ?').get(r.id) as { n: number };
    const summary: IncidentSummary = { id: r.id, title: r.title, severity: r.severity, status: r.status, scope: r.scope, openedBy: r.opened_by, startedAt: r.started_at, subjects: n };
    if (r.origin !== null) summary.imported = this.imported(r.id);
    return summary;
  }

  private imported(id: string): IncidentImported {
    const row = this.db
      .prepare('SELECT origin, signer, signer_trust AS signerTrust, exported_by AS exportedBy, exported_at AS exportedAt, imported_at AS importedAt, imported_by AS importedBy FROM incident_imports WHERE incident_id = ?')
      .get(id) as IncidentImported | undefined;
    if (!row) throw new FleetError('INTERNAL', `incident ${id} is marked imported but its import record is missing`, { subject: id });
    return row;
  }

  private milestones(id: string): IncidentMilestone[] {
    const order = ['started', 'detected', 'acknowledged', 'mitigated', 'resolved', 'closed'];
    const rows = this.db.prepare('SELECT name, at, source, by, original FROM incident_milestones WHERE incident_id = ?').all(id) as Array<{ name: IncidentMilestoneName; at: number; source: 'rule' | 'operator'; by: string | null; original: string | null }>;
    return rows
      .map((r) => ({ name: r.name, at: r.at, source: r.source, by: r.by, original: r.original === null ? null : (JSON.parse(r.original) as IncidentMilestone['original']) }))
      .sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  }

  /** Set by the rule once (a person's value, or an earlier rule's, stays); true when it was set now. */
  private ruleMilestone(id: string, name: IncidentMilestoneName, at: number): boolean {
    return this.db.prepare("INSERT OR IGNORE INTO incident_milestones (incident_id, name, at, source, by, original) VALUES (?, ?, ?, 'rule', NULL, NULL)").run(id, name, at).changes === 1;
  }

  private require(id: string): IncidentRow {
    const row = this.db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as IncidentRow | undefined;
    if (!row) throw new FleetError('NOT_FOUND', `no incident ${id}`, { subject: id });
    return row;
  }

  /** This console's own: an imported incident's milestones and status are evidence from elsewhere, kept as they came. */
  private requireOwn(id: string): IncidentRow {
    const row = this.require(id);
    if (row.origin !== null) throw new FleetError('BAD_REQUEST', `incident ${id} was imported from a bundle (${row.origin}): its milestones and status are kept as they came; add a note instead`, { subject: id });
    return row;
  }
}
