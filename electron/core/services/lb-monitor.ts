/**
 * Polls each load balancer's runtime API (`show stat`) as a subject of its own, and carries
 * the runtime API the change gate writes through. Status changes of a server are events.
 */
import { toErrorData } from '../../../shared/errors';
import { FleetError } from '../../../shared/errors';
import type { LoadBalancerStatus, ReplicaStatus } from '../../../shared/services';
import { sshTargetFor } from '../fleet/probe-node';
import { HaproxyRuntime } from '../haproxy';
import type { HistorySink } from '../history/history-sink';
import type { ResolvedLoadBalancer } from '../inventory/resolve-services';
import { ProbeScheduler, realTimers, type Timers } from '../probe/scheduler';
import type { SshPool } from '../ssh/pool';
import type { AppendEventInput } from '../store/open-store';
import { lbBackends, lbHealth, lbServers } from './lb-view';
import { RatePeak } from './rate-peak';

export interface LbMonitorDeps {
  pool: SshPool;
  appendEvent(e: AppendEventInput): void;
  publish(lbs: LoadBalancerStatus[]): void;
  replicaOf(name: string): ReplicaStatus | undefined;
  timers?: Timers;
  /** Keeps each server's status and sessions from every successful poll, for the history plots. */
  history?: Pick<HistorySink, 'recordLbPoll'>;
}

interface Entry {
  lb: ResolvedLoadBalancer;
  runtime: HaproxyRuntime;
  status: LoadBalancerStatus;
  /** Each backend's rate over the last polls, for its recent peak. */
  peaks: RatePeak;
}

export class LbMonitor {
  private readonly entries = new Map<string, Entry>();
  private readonly scheduler: ProbeScheduler;
  private readonly timers: Timers;

  constructor(private readonly deps: LbMonitorDeps) {
    this.timers = deps.timers ?? realTimers;
    this.scheduler = new ProbeScheduler({ concurrency: 8, timers: this.timers, run: (name) => this.poll(name) });
  }

  setLoadBalancers(list: ResolvedLoadBalancer[]): void {
    const names = new Set(list.map((l) => l.name));
    for (const name of [...this.entries.keys()]) if (!names.has(name)) this.entries.delete(name);
    for (const lb of list) {
      const runtime = new HaproxyRuntime(
        lb.runtime.kind === 'tcp'
          ? { kind: 'tcp', host: lb.runtime.host, port: lb.runtime.port }
          : { kind: 'ssh-unix', target: sshTargetFor(lb.runtime.via), path: lb.runtime.path },
        { pool: this.deps.pool },
      );
      const prev = this.entries.get(lb.name);
      // An inventory reload keeps what the polls measured so far, for the backends it still has.
      const peaks = prev?.peaks ?? new RatePeak();
      peaks.keepOnly(new Set(lb.backends.map((b) => b.name)));
      this.entries.set(lb.name, {
        lb,
        runtime,
        status: prev?.status ?? { name: lb.name, frontendUrl: lb.frontendUrl, health: 'unknown', reasons: ['not polled yet'], lastPollAt: null, lastError: null, servers: [] },
        peaks,
      });
    }
    this.scheduler.setSubjects(list.map((l) => ({ key: l.name, intervalMs: l.intervalSeconds * 1000 })));
  }

  start(): void {
    this.scheduler.start();
  }

  stop(): void {
    this.scheduler.stop();
  }

  statuses(): LoadBalancerStatus[] {
    return [...this.entries.values()].map((e) => e.status);
  }

  status(name: string): LoadBalancerStatus | undefined {
    return this.entries.get(name)?.status;
  }

  /**
   * The runtime API of a load balancer and backend the inventory names (NOT_FOUND otherwise),
   * for the change gate (electron/core/gate/lb-changes.ts): writes go through it, never here.
   */
  runtimeFor(name: string, backend: string): HaproxyRuntime {
    return this.require(name, backend).runtime;
  }

  /** Reads `show stat` now; errors become the LB's status (unreachable), never a throw. */
  async poll(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) return;
    const now = this.timers.now();
    let status: LoadBalancerStatus;
    try {
      const views = await entry.runtime.stat();
      const servers = lbServers(entry.lb, views.servers, this.deps.replicaOf, now);
      const { health, reasons } = lbHealth(entry.lb, servers, (r) => !!this.deps.replicaOf(r)?.spare);
      const backends = lbBackends(entry.lb, views.backends).map((b) => ({ ...b, ratePeak5m: entry.peaks.add(b.backend, now, b.rate) }));
      status = { name, frontendUrl: entry.lb.frontendUrl, health, reasons, lastPollAt: now, lastError: null, servers, backends };
    } catch (err) {
      const error = toErrorData(err);
      status = { ...entry.status, health: 'unreachable', reasons: [`runtime API: ${error.message}`], lastPollAt: now, lastError: error };
    }
    if (this.entries.get(name) !== entry) return;
    this.recordChanges(entry.status, status);
    entry.status = status;
    // A failed poll keeps the last servers seen: nothing new to keep.
    if (status.lastError === null) this.deps.history?.recordLbPoll(name, now, status.servers);
    this.deps.publish([status]);
  }

  private recordChanges(before: LoadBalancerStatus, after: LoadBalancerStatus): void {
    const old = new Map(before.servers.map((s) => [`${s.backend}/${s.server}`, s.status]));
    for (const s of after.servers) {
      const was = old.get(`${s.backend}/${s.server}`);
      if (was !== undefined && was !== s.status) {
        const down = /^(DOWN|MAINT)/.test(s.status);
        this.deps.appendEvent({
          ts: after.lastPollAt ?? this.timers.now(),
          kind: 'lb.server.status',
          subject: s.replica ?? `${after.name}/${s.backend}/${s.server}`,
          severity: down ? 'error' : 'info',
          message: `${after.name}: ${s.backend}/${s.server} ${was} → ${s.status}${s.lastCheck ? ` (${s.lastCheck})` : ''}`,
        });
      }
    }
    if (before.health !== after.health && before.lastPollAt !== null) {
      this.deps.appendEvent({
        ts: after.lastPollAt ?? this.timers.now(),
        kind: 'lb.health',
        subject: after.name,
        severity: after.health === 'healthy' ? 'info' : 'warning',
        message: `${after.name}: ${before.health} → ${after.health}${after.reasons.length ? `: ${after.reasons.join('; ')}` : ''}`,
      });
    }
  }

  private require(name: string, backend: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new FleetError('NOT_FOUND', `no load balancer named "${name}" in the inventory`, { subject: name });
    if (!entry.lb.backends.some((b) => b.name === backend)) {
      throw new FleetError('NOT_FOUND', `load balancer ${name} has no backend "${backend}" in the inventory`, { subject: name });
    }
    return entry;
  }
}
