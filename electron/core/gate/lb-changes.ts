/**
 * The load balancer buttons as one-step changes through the change gate: a preview (the exact
 * HAProxy command, the word to type on a protected cluster, the setting now, what would refuse
 * it), then the change itself — audited with HAProxy's own setting before and after, recorded
 * as an `lb.change` event whose data is what "put it back" restores.
 */
import type Database from 'better-sqlite3';
import { ChangeRecord, type ChangeOrigin, type ChangePreview, type LbChange, type LbServerSetting } from '../../../shared/change';
import { FleetError } from '../../../shared/errors';
import type { LoadBalancerStatus } from '../../../shared/services';
import type { AuditIdentity } from '../audit/identity';
import type { HaproxyRuntime } from '../haproxy';
import type { ServerStateRow } from '../haproxy/parse-servers-state';
import type { LoadedInventory } from '../inventory/load-inventory';
import type { AppendEventInput } from '../store/open-store';
import type { ChangeGate } from './change-gate';

export interface LbTarget {
  loadBalancer: string;
  backend: string;
  server: string;
}

export interface LbChangeDeps {
  gate: ChangeGate;
  /** The LB's runtime API, after checking the LB and backend exist (NOT_FOUND otherwise). */
  runtimeFor(loadBalancer: string, backend: string): HaproxyRuntime;
  /** Reads the LB again and returns what HAProxy says now. */
  refresh(loadBalancer: string): Promise<LoadBalancerStatus>;
  inventory: () => LoadedInventory | null;
  /** A connection to the store holding `fleet_changes` (migration 6). */
  db: Database.Database;
  identity: AuditIdentity;
  record: (e: AppendEventInput) => void;
  now: () => number;
}

/** The HAProxy runtime API command a change sends, exactly. */
export function lbCommand(t: LbTarget, change: LbChange): string {
  return change.kind === 'state' ? `set server ${t.backend}/${t.server} state ${change.state}` : `set weight ${t.backend}/${t.server} ${change.weight}`;
}

/** HAProxy's `show servers state` row as the setting a button changes: the forced admin state and the user weight. */
export function settingOf(row: Pick<ServerStateRow, 'adminFlags' | 'userWeight'>): LbServerSetting {
  const state = row.adminFlags.includes('forced-maint') ? 'maint' : row.adminFlags.includes('forced-drain') ? 'drain' : 'ready';
  return { state, weight: row.userWeight };
}

/** The change that puts `record` back: its state, or its weight, as it was before. */
export function inverseOf(record: ChangeRecord): LbChange {
  if (!record.before) throw new FleetError('BAD_REQUEST', `change ${record.id} has no recorded setting before it: there is nothing to put back`, { subject: record.subject });
  return record.action === 'lb.set-state' ? { kind: 'state', state: record.before.state } : { kind: 'weight', weight: record.before.weight };
}

export class LbChanges {
  private readonly insert: Database.Statement;
  private readonly select: Database.Statement;
  private readonly markReverted: Database.Statement;

  constructor(private readonly deps: LbChangeDeps) {
    this.insert = deps.db.prepare('INSERT INTO fleet_changes (id, ts, subject, record, reverted_by) VALUES (?, ?, ?, ?, NULL)');
    this.select = deps.db.prepare('SELECT record, reverted_by FROM fleet_changes WHERE id = ?');
    this.markReverted = deps.db.prepare('UPDATE fleet_changes SET reverted_by = ? WHERE id = ?');
  }

  async preview(t: LbTarget, change: LbChange): Promise<ChangePreview> {
    const runtime = this.deps.runtimeFor(t.loadBalancer, t.backend);
    const { replica, cluster, clusters, lockSubjects, subject } = this.scope(t);
    const before = await this.setting(runtime, t).catch(() => null);
    const refusals = this.deps.gate.refusals({ action: actionOf(change), subject, clusters, lock: { take: lockSubjects } });
    if (before === null) refusals.push({ code: 'NOT_FOUND', message: `${t.loadBalancer} did not report ${t.backend}/${t.server}: cannot read its setting now`, subject });
    return { subject, replica, cluster, command: lbCommand(t, change), confirmation: this.deps.gate.confirmationFor(clusters, t.server), before, refusals };
  }

  /**
   * Makes the change through the gate. `revertOf` names the change this one puts back: it must
   * be a change of the same server, and the change made must be its inverse.
   */
  async apply(t: LbTarget, change: LbChange, opts: { confirm?: string; revertOf?: string; origin: ChangeOrigin }): Promise<LoadBalancerStatus> {
    const runtime = this.deps.runtimeFor(t.loadBalancer, t.backend);
    const { clusters, lockSubjects, subject } = this.scope(t);
    const reverted = opts.revertOf === undefined ? null : this.revertable(opts.revertOf, t, change);
    const command = lbCommand(t, change);
    const outcome = await this.deps.gate.change({
      action: actionOf(change),
      subject,
      command,
      clusters,
      actor: { origin: opts.origin },
      confirmation: { word: t.server, typed: opts.confirm },
      lock: { take: lockSubjects },
      before: () => this.setting(runtime, t),
      apply: () => (change.kind === 'state' ? runtime.setServerState(t.backend, t.server, change.state) : runtime.setWeight(t.backend, t.server, change.weight)),
      after: () => this.setting(runtime, t),
      detail: { loadBalancer: t.loadBalancer, backend: t.backend, server: t.server, ...(reverted ? { revertOf: reverted.id } : {}) },
    });
    const record: ChangeRecord = {
      id: outcome.id,
      ts: this.deps.now(),
      action: actionOf(change),
      ...t,
      subject,
      command,
      before: settingOrNull(outcome.before),
      after: settingOrNull(outcome.after),
      origin: opts.origin,
      user: this.deps.identity.user,
      host: this.deps.identity.host,
      revertOf: reverted?.id ?? null,
    };
    this.deps.db
      .transaction(() => {
        this.insert.run(record.id, record.ts, subject, JSON.stringify(record));
        if (reverted) this.markReverted.run(record.id, reverted.id);
      })
      .immediate();
    const was = record.before ? (change.kind === 'state' ? record.before.state : String(record.before.weight)) : 'unknown';
    this.deps.record({
      ts: record.ts,
      kind: 'lb.change',
      subject: lockSubjects[0] ?? subject,
      severity: 'info',
      message: `${t.loadBalancer}: ${command} (was ${was})${reverted ? `, putting back change ${reverted.id}` : ''} by ${record.user}@${record.host} from the ${opts.origin}`,
      data: record,
    });
    return this.deps.refresh(t.loadBalancer);
  }

  /** A recorded change, or NOT_FOUND. */
  get(id: string): ChangeRecord & { revertedBy: string | null } {
    const row = this.select.get(id) as { record: string; reverted_by: string | null } | undefined;
    if (!row) throw new FleetError('NOT_FOUND', `no recorded load balancer change ${id}`, { subject: id });
    return { ...ChangeRecord.parse(JSON.parse(row.record)), revertedBy: row.reverted_by };
  }

  private revertable(id: string, t: LbTarget, change: LbChange): ChangeRecord {
    const rec = this.get(id);
    if (rec.loadBalancer !== t.loadBalancer || rec.backend !== t.backend || rec.server !== t.server) {
      throw new FleetError('BAD_REQUEST', `change ${id} was made to ${rec.subject}, not ${t.loadBalancer}/${t.backend}/${t.server}: nothing was sent`, { subject: id });
    }
    const inverse = inverseOf(rec);
    if (JSON.stringify(inverse) !== JSON.stringify(change)) {
      throw new FleetError('BAD_REQUEST', `putting back change ${id} means ${lbCommand(t, inverse)}, not ${lbCommand(t, change)}: nothing was sent`, { subject: id });
    }
    return rec;
  }

  private async setting(runtime: HaproxyRuntime, t: LbTarget): Promise<LbServerSetting> {
    const row = (await runtime.showServersState(t.backend)).find((r) => r.server === t.server);
    if (!row) throw new FleetError('NOT_FOUND', `${t.loadBalancer} has no server ${t.backend}/${t.server}`, { subject: `${t.loadBalancer}/${t.backend}/${t.server}` });
    return settingOf(row);
  }

  /** The replica the server is (runs lock replicas by name) and its cluster (read-only, protected). */
  private scope(t: LbTarget): { subject: string; replica: string | null; cluster: string | null; clusters: string[]; lockSubjects: string[] } {
    const replica = this.deps.inventory()?.replicas.find((r) => r.name === t.server) ?? null;
    const subject = `${t.loadBalancer}/${t.backend}/${t.server}`;
    const cluster = replica?.cluster ?? null;
    return { subject, replica: replica?.name ?? null, cluster, clusters: cluster ? [cluster] : [], lockSubjects: [t.server] };
  }
}

function actionOf(change: LbChange): 'lb.set-state' | 'lb.set-weight' {
  return change.kind === 'state' ? 'lb.set-state' : 'lb.set-weight';
}

function settingOrNull(v: unknown): LbServerSetting | null {
  return v && typeof v === 'object' && 'state' in v && 'weight' in v ? (v as LbServerSetting) : null;
}
