/**
 * Watches every replica with two probes at their own intervals (health endpoint, completion),
 * through the gate that keeps a throttled replica free of probes until its Retry-After passes.
 * Health changes go to the event store; changed statuses are pushed in batches.
 */
import type { UnitState } from '../../../shared/capacity';
import type { ReplicaStatus } from '../../../shared/services';
import type { HistorySink } from '../history/history-sink';
import type { ResolvedReplica } from '../inventory/resolve-services';
import { ProbeScheduler, realTimers, type Timers } from '../probe/scheduler';
import { runReplicaProbe } from '../replica/replica-probe-cycle';
import { ReplicaState } from '../replica/replica-state';
import type { ProbeKind, ReplicaProbeOutcome, ReplicaSpec } from '../replica/replica-types';
import type { AppendEventInput } from '../store/open-store';
import { BatchedPublisher } from '../fleet/batched-publisher';
import { replicaSpecOf, replicaStatus } from './replica-record';
import { withSpare } from './spare-status';

export interface ReplicaMonitorDeps {
  getSecret(ref: string): Promise<string | undefined>;
  appendEvent(e: AppendEventInput): void;
  publish(replicas: ReplicaStatus[]): void;
  /** Every probe actually sent, for per-replica availability. */
  onOutcome?(replica: string, outcome: ReplicaProbeOutcome): void;
  /** Keeps every probe sent (awaited ones too: they are measurements all the same) for the history plots. */
  history?: Pick<HistorySink, 'recordReplicaProbe'>;
  /**
   * Whether HAProxy has this replica in rotation now (null: not known — a spare is then taken as
   * held out, which is where a spare belongs).
   */
  inRotation?(name: string): boolean | null;
  /** Asks the replica's node what state its unit is in (a cold spare's only check besides its node). */
  unitState?(replica: ResolvedReplica): Promise<{ state: UnitState; error: string | null }>;
  timers?: Timers;
  concurrency?: number;
  flushMs?: number;
  onDrift?(ms: number): void;
}

interface Entry {
  replica: ResolvedReplica;
  spec: ReplicaSpec;
  state: ReplicaState;
  status: ReplicaStatus;
  unit: { state: UnitState | null; error: string | null };
}

const SEP = '\u0000';

export class ReplicaMonitor {
  private readonly entries = new Map<string, Entry>();
  private readonly scheduler: ProbeScheduler;
  private readonly timers: Timers;
  private readonly publisher: BatchedPublisher<ReplicaStatus>;

  constructor(private readonly deps: ReplicaMonitorDeps) {
    this.timers = deps.timers ?? realTimers;
    // Unlike node rounds, a replica probed by hand (probeNow) is pushed at once when not started.
    this.publisher = new BatchedPublisher(this.timers, (name) => this.entries.get(name)?.status, deps.publish, deps.flushMs);
    this.scheduler = new ProbeScheduler({
      concurrency: deps.concurrency ?? 64,
      timers: this.timers,
      run: (key) => this.probe(key),
      onStart: (_k, d) => deps.onDrift?.(d),
    });
  }

  setReplicas(list: ResolvedReplica[]): void {
    const names = new Set(list.map((r) => r.name));
    for (const name of [...this.entries.keys()]) if (!names.has(name)) this.entries.delete(name);
    for (const replica of list) {
      const spec = replicaSpecOf(replica);
      const existing = this.entries.get(replica.name);
      if (existing) {
        existing.state.updateSpec(spec);
        existing.replica = replica;
        existing.spec = spec;
        existing.status = this.compose(existing, existing.status.since);
      } else {
        const state = new ReplicaState(spec, { now: this.timers.now });
        const entry: Entry = { replica, spec, state, status: replicaStatus(replica, state.view(), null), unit: { state: null, error: null } };
        entry.status = this.compose(entry, null);
        this.entries.set(replica.name, entry);
      }
    }
    this.scheduler.setSubjects(
      list.flatMap((r) => [
        { key: `${r.name}${SEP}health`, intervalMs: r.health.intervalSeconds * 1000 },
        ...(r.prompt ? [{ key: `${r.name}${SEP}completion`, intervalMs: r.prompt.intervalSeconds * 1000 }] : []),
      ]),
    );
  }

  start(): void {
    this.publisher.paused = false;
    this.scheduler.start();
  }

  stop(): void {
    this.scheduler.stop();
    this.publisher.stop();
  }

  statuses(): ReplicaStatus[] {
    return [...this.entries.values()].map((e) => e.status);
  }

  status(name: string): ReplicaStatus | undefined {
    return this.entries.get(name)?.status;
  }

  /**
   * HAProxy's rotation changed (a load balancer poll): a spare taken into or out of rotation is
   * judged differently, so its status is composed again (and pushed when it changed).
   */
  rotationChanged(): void {
    for (const [name, entry] of this.entries) {
      if (!entry.replica.spare) continue;
      const before = entry.status;
      const next = this.compose(entry, before.since);
      if (next.health === before.health && JSON.stringify(next.spare) === JSON.stringify(before.spare)) continue;
      this.setStatus(name, entry, next, this.timers.now());
    }
  }

  /** Probes one replica now (both kinds), still through the Retry-After gate. */
  async probeNow(name: string): Promise<void> {
    await this.probe(`${name}${SEP}health`);
    if (this.entries.get(name)?.spec.prompt) await this.probe(`${name}${SEP}completion`);
  }

  /**
   * A runbook waits for this replica to be healthy: one probe of `kind` now, whatever its circuit
   * says (it was opened before the runbook changed things), still through the Retry-After gate.
   * Not counted in the replica's availability: the extra probes of a wait would weigh its
   * startup far more than the usual cadence does.
   */
  async probeAwaited(name: string, kind: ProbeKind): Promise<void> {
    this.entries.get(name)?.state.closeCircuit();
    await this.probe(`${name}${SEP}${kind}`, { counted: false });
  }

  /** New credentials for this replica: close its circuit and probe it now. */
  async credentialsChanged(name: string): Promise<void> {
    this.entries.get(name)?.state.closeCircuit();
    await this.probeNow(name);
  }

  private async probe(key: string, opts: { counted: boolean } = { counted: true }): Promise<void> {
    const [name, kind] = key.split(SEP) as [string, ProbeKind];
    const entry = this.entries.get(name);
    if (!entry) return;
    // A cold spare out of rotation is stopped on purpose: its unit is asked instead of its server,
    // unless a runbook waits on it (awaited probes are not counted) or its unit runs (it was started).
    if (opts.counted && this.isHeldColdSpare(entry)) {
      if (kind === 'completion' && entry.unit.state !== 'active') return;
      if (kind === 'health') {
        const asked = await this.deps.unitState?.(entry.replica);
        if (this.entries.get(name) !== entry) return;
        entry.unit = asked ? { state: asked.state, error: asked.error } : { state: null, error: 'no node to ask' };
        if (entry.unit.state !== 'active') {
          this.setStatus(name, entry, this.compose(entry, entry.status.since), this.timers.now());
          return;
        }
      }
    }
    const result = await runReplicaProbe(entry.spec, kind, entry.state, { getSecret: this.deps.getSecret, now: this.timers.now });
    if (!result.sent) return; // the gate held it back: nothing new to say
    if (this.entries.get(name) !== entry) return;
    if (opts.counted) this.deps.onOutcome?.(name, result.outcome);
    const next = this.compose(entry, null);
    const o = result.outcome;
    this.deps.history?.recordReplicaProbe(name, { kind: o.kind, at: o.at, ok: o.ok, latencyMs: o.latencyMs, failure: o.failure, health: next.health });
    this.setStatus(name, entry, next, o.at);
  }

  private isHeldColdSpare(entry: Entry): boolean {
    return entry.replica.spare?.mode === 'cold' && this.deps.inRotation?.(entry.replica.name) !== true;
  }

  /** The replica's status from its probes, and for a spare, what that means for it (spare-status.ts). */
  private compose(entry: Entry, since: number | null): ReplicaStatus {
    const status = replicaStatus(entry.replica, entry.state.view(), since);
    const spare = entry.replica.spare;
    if (!spare) return status;
    return withSpare(status, spare, { inRotation: this.deps.inRotation?.(entry.replica.name) === true, unitState: entry.unit.state, unitError: entry.unit.error });
  }

  /** Keeps the new status (its `since` when the health changed at `at`), records a health change, pushes it. */
  private setStatus(name: string, entry: Entry, next: ReplicaStatus, at: number): void {
    const before = entry.status.health;
    const since = next.health === before && entry.status.since !== null ? entry.status.since : at;
    entry.status = { ...next, since };
    if (next.health !== before) {
      this.deps.appendEvent({
        ts: at,
        kind: 'replica.health',
        subject: name,
        severity: next.health === 'healthy' || next.health === 'standby' ? 'info' : next.health === 'throttled' || next.health === 'degraded' || next.health === 'unknown' ? 'warning' : 'error',
        message: `${name}: ${before} → ${next.health}${next.reasons.length ? `: ${next.reasons.join('; ')}` : ''}`,
        data: { from: before, to: next.health, reasons: next.reasons },
      });
    }
    this.publisher.mark(name);
    if (this.publisher.paused) this.publisher.flush();
  }
}
