/**
 * Watches every replica with two probes at their own intervals (health endpoint, completion),
 * through the gate that keeps a throttled replica free of probes until its Retry-After passes.
 * Health changes go to the event store; changed statuses are pushed in batches.
 */
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

export interface ReplicaMonitorDeps {
  getSecret(ref: string): Promise<string | undefined>;
  appendEvent(e: AppendEventInput): void;
  publish(replicas: ReplicaStatus[]): void;
  /** Every probe actually sent, for per-replica availability. */
  onOutcome?(replica: string, outcome: ReplicaProbeOutcome): void;
  /** Keeps every probe sent (awaited ones too: they are measurements all the same) for the history plots. */
  history?: Pick<HistorySink, 'recordReplicaProbe'>;
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
        existing.status = replicaStatus(replica, existing.state.view(), existing.status.since);
      } else {
        const state = new ReplicaState(spec, { now: this.timers.now });
        this.entries.set(replica.name, { replica, spec, state, status: replicaStatus(replica, state.view(), null) });
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
    const result = await runReplicaProbe(entry.spec, kind, entry.state, { getSecret: this.deps.getSecret, now: this.timers.now });
    if (!result.sent) return; // the gate held it back: nothing new to say
    if (this.entries.get(name) !== entry) return;
    if (opts.counted) this.deps.onOutcome?.(name, result.outcome);
    const view = entry.state.view();
    const before = entry.status.health;
    const since = view.health === before && entry.status.since !== null ? entry.status.since : result.outcome.at;
    entry.status = replicaStatus(entry.replica, view, since);
    const o = result.outcome;
    this.deps.history?.recordReplicaProbe(name, { kind: o.kind, at: o.at, ok: o.ok, latencyMs: o.latencyMs, failure: o.failure, health: view.health });
    if (view.health !== before) {
      this.deps.appendEvent({
        ts: result.outcome.at,
        kind: 'replica.health',
        subject: name,
        severity: view.health === 'healthy' ? 'info' : view.health === 'throttled' || view.health === 'degraded' || view.health === 'unknown' ? 'warning' : 'error',
        message: `${name}: ${before} → ${view.health}${view.reasons.length ? `: ${view.reasons.join('; ')}` : ''}`,
        data: { from: before, to: view.health, reasons: view.reasons },
      });
    }
    this.publisher.mark(name);
    if (this.publisher.paused) this.publisher.flush();
  }
}
