/**
 * What the service's users get: a steady probe through each SLO's load-balancer frontend (plus,
 * in the lab, every request of the traffic generator) is counted per minute in the request log;
 * the availability figures — success ratio over 1 h / 24 h / 30 d, downtime, error budget, burn
 * rate, what redundancy buys — are computed from those counts and pushed every few seconds.
 */
import type { AvailabilitySeries, ServiceAvailability } from '../../../shared/services';
import { FleetError } from '../../../shared/errors';
import { DAY_MS, HOUR_MS, bucketsInWindow, totals, type RequestBucket } from '../availability/request-bucket';
import { redundancyEstimate } from '../availability/redundancy';
import { serviceAvailability } from '../availability/service-availability';
import { successRatio } from '../availability/success-ratio';
import type { ResolvedLoadBalancer, ResolvedReplica, ResolvedSlo } from '../inventory/resolve-services';
import { ProbeScheduler, realTimers, type Timers } from '../probe/scheduler';
import type { RequestLog } from '../store/request-log';
import { availabilitySeries, type SeriesRange } from './availability-series';
import { BucketCache } from './bucket-cache';

export interface AvailabilityDeps {
  requests: RequestLog;
  publish(services: ServiceAvailability[]): void;
  timers?: Timers;
  /** How often the frontend is probed, per SLO. */
  frontendIntervalMs?: number;
  /** How often the figures are recomputed and pushed. */
  publishIntervalMs?: number;
  frontendTimeoutMs?: number;
}

/** Per-replica probe outcomes are logged under this key, for "single replica availability". */
export const replicaKey = (name: string) => `replica:${name}`;

export class AvailabilityMonitor {
  private slos: ResolvedSlo[] = [];
  private lbs: ResolvedLoadBalancer[] = [];
  private replicas = new Map<string, ResolvedReplica>();
  private readonly scheduler: ProbeScheduler;
  private readonly timers: Timers;
  private latest: ServiceAvailability[] = [];
  private readonly buckets: BucketCache;

  constructor(private readonly deps: AvailabilityDeps) {
    this.timers = deps.timers ?? realTimers;
    this.buckets = new BucketCache(deps.requests);
    this.scheduler = new ProbeScheduler({
      concurrency: 8,
      timers: this.timers,
      run: (key) => (key === '\u0000publish' ? this.publishNow() : this.probeFrontend(key)),
    });
  }

  configure(slos: ResolvedSlo[], lbs: ResolvedLoadBalancer[], replicas: ResolvedReplica[]): void {
    this.slos = slos;
    this.lbs = lbs;
    this.replicas = new Map(replicas.map((r) => [r.name, r]));
    this.buckets.retain(new Set([...slos.map((s) => s.service), ...replicas.map((r) => replicaKey(r.name))]));
    const frontendMs = this.deps.frontendIntervalMs ?? 5000;
    this.scheduler.setSubjects([
      ...slos.map((s) => ({ key: s.service, intervalMs: frontendMs })),
      ...(slos.length ? [{ key: '\u0000publish', intervalMs: this.deps.publishIntervalMs ?? 5000 }] : []),
    ]);
    this.latest = this.compute();
  }

  start(): void {
    this.scheduler.start();
  }

  stop(): void {
    this.scheduler.stop();
  }

  services(): ServiceAvailability[] {
    return this.latest;
  }

  /** A service's requests per minute (30 d: per 30 minutes) over `range`, for its plots; NOT_FOUND for a service no SLO names. */
  series(service: string, range: SeriesRange): AvailabilitySeries {
    const slo = this.slos.find((s) => s.service === service);
    if (!slo) throw new FleetError('NOT_FOUND', `no SLO names service "${service}" in the inventory`, { subject: service });
    const now = this.timers.now();
    // The same 30-day read every push makes (a shorter one would shrink the cache and make the
    // next push read the whole month again); availabilitySeries keeps the range's minutes.
    return availabilitySeries(service, slo.target, range, this.buckets.since(service, now - 30 * DAY_MS, now), now);
  }

  /** Counts one request a user (or the lab's traffic generator) made through the service's frontend. */
  record(service: string, ok: boolean, latencyMs: number, at = this.timers.now()): void {
    this.deps.requests.recordOutcome({ service, at, ok, latencyMs });
  }

  /** Which service a frontend URL serves (for the traffic generator). */
  serviceForFrontend(url: string): string | null {
    const base = url.replace(/\/+$/, '');
    return this.slos.find((s) => s.frontendUrl === base)?.service ?? null;
  }

  async publishNow(): Promise<void> {
    this.latest = this.compute();
    this.deps.publish(this.latest);
  }

  private async probeFrontend(service: string): Promise<void> {
    const slo = this.slos.find((s) => s.service === service);
    if (!slo) return;
    const path = this.healthPathOf(slo) ?? '/health';
    const started = performance.now();
    const at = this.timers.now();
    let ok = false;
    try {
      const res = await fetch(`${slo.frontendUrl}${path}`, {
        signal: AbortSignal.timeout(this.deps.frontendTimeoutMs ?? 5000),
        headers: { connection: 'close' },
        redirect: 'manual',
      });
      await res.arrayBuffer().catch(() => undefined);
      ok = res.status >= 200 && res.status < 300;
    } catch {
      ok = false;
    }
    this.record(service, ok, performance.now() - started, at);
  }

  private healthPathOf(slo: ResolvedSlo): string | null {
    const lb = this.lbs.find((l) => l.name === slo.loadBalancer);
    const first = lb?.backends.find((b) => b.name === slo.service)?.servers[0];
    return first ? this.replicas.get(first)?.health.path ?? null : null;
  }

  private compute(): ServiceAvailability[] {
    const now = this.timers.now();
    return this.slos.map((slo) => {
      const buckets = this.buckets.since(slo.service, now - 30 * DAY_MS, now);
      const a = serviceAvailability({ service: slo.service, target: slo.target, buckets, now });
      const lb = this.lbs.find((l) => l.name === slo.loadBalancer);
      const backend = lb?.backends.find((b) => b.name === slo.service);
      return {
        service: slo.service,
        loadBalancer: slo.loadBalancer,
        target: slo.target,
        hour: windowFigures(buckets, now, HOUR_MS, a.successRatio.hour),
        day: windowFigures(buckets, now, DAY_MS, a.successRatio.day),
        month: windowFigures(buckets, now, 30 * DAY_MS, a.successRatio.window),
        downtimeMinutes30d: round(a.downtimeMinutes.window, 2),
        budget: {
          allowedFailures: round(a.budget.allowedFailures, 3),
          failed: a.budget.failed,
          remainingRatio: a.budget.remainingRatio === null ? null : round(a.budget.remainingRatio, 4),
          remainingMinutes: a.budget.remainingMinutes === null ? null : round(a.budget.remainingMinutes, 2),
        },
        burnRate1h: burn(a.burnRate.hour),
        burnRate24h: burn(a.burnRate.day),
        exhaustionHours: a.timeToExhaustionMs === null ? null : round(a.timeToExhaustionMs / HOUR_MS, 2),
        recentMinutes: buckets.slice(-2).map((b) => ({ ts: b.minute * 60_000, ok: b.ok, failed: b.failed })),
        redundancy: backend ? [this.redundancy(backend.name, backend.servers, now)] : [],
      };
    });
  }

  private redundancy(backend: string, servers: string[], now: number): ServiceAvailability['redundancy'][number] {
    const perReplica = servers.map((name) => ({ replica: name, single: successRatio(this.buckets.since(replicaKey(name), now - DAY_MS, now), { now, windowMs: DAY_MS }) }));
    const ratios = perReplica.map((r) => r.single).filter((r): r is number => r !== null);
    // One replica's availability: the mean of what each replica measured over 24 h.
    const single = ratios.length ? ratios.reduce((s, r) => s + r, 0) / ratios.length : null;
    return {
      backend,
      replicas: servers.length,
      single: single === null ? null : round(single, 6),
      estimate: single === null ? null : round(redundancyEstimate(single, servers.length), 9),
      // Each one too: a runbook's plan weighs the servers it leaves in service, not an average one.
      perReplica: perReplica.map((r) => ({ replica: r.replica, single: r.single === null ? null : round(r.single, 6) })),
    };
  }
}

function windowFigures(buckets: RequestBucket[], now: number, windowMs: number, ratio: number | null) {
  const t = totals(bucketsInWindow(buckets, { now, windowMs }));
  return { successRatio: ratio === null ? null : round(ratio, 6), requests: t.ok + t.failed, failed: t.failed };
}

function burn(rate: number | null): number | 'infinite' | null {
  if (rate === null) return null;
  return Number.isFinite(rate) ? round(rate, 3) : 'infinite';
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
