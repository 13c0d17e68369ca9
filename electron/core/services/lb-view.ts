/**
 * A load balancer's health from HAProxy's own view, plus the disagreements between HAProxy and
 * the console's probes — the interesting cases: HAProxy still sends users to a replica whose
 * completions fail, or keeps a replica out that the console finds fine.
 */
import type { Health } from '../../../shared/health';
import type { LbBackendStatus, LbServerStatus, ReplicaStatus } from '../../../shared/services';
import type { LbBackendView, LbServerView } from '../haproxy/server-view';
import type { ResolvedLoadBalancer } from '../inventory/resolve-services';

function minutesSince(since: number | null, now: number): string {
  if (since === null) return '';
  const s = Math.max(0, Math.round((now - since) / 1000));
  return s < 90 ? ` for ${s} s` : ` for ${Math.round(s / 60)} min`;
}

export function disagreement(server: LbServerView, replica: ReplicaStatus | undefined, now: number): string | null {
  if (!replica || replica.health === 'unknown') return null;
  // HAProxy is already moving the console's way ("DOWN 1/2" going up, "UP 1/2" going down):
  // that is its rise/fall at work, not a disagreement.
  const failingNow = replica.health === 'unhealthy' || replica.health === 'unreachable';
  const toward = server.state.transition?.toward;
  if ((toward === 'up' && !failingNow) || (toward === 'down' && failingNow)) return null;
  const lbServes = server.state.takesNewSessions;
  const failing = replica.health === 'unhealthy' || replica.health === 'unreachable';
  if (lbServes && failing) {
    const which = replica.lastCompletion && !replica.lastCompletion.ok ? 'completion probe' : 'health probe';
    return `LB says ${server.status}, ${which} failing${minutesSince(replica.since, now)}: ${replica.reasons[0] ?? replica.health}`;
  }
  if (server.state.word === 'DOWN' && replica.health === 'healthy') {
    return `LB says ${server.status} (${server.lastCheck ?? server.checkStatus ?? 'check failing'}), console probes healthy: check the LB's health check path and port`;
  }
  return null;
}

export function lbServers(lb: ResolvedLoadBalancer, views: LbServerView[], replicaOf: (name: string) => ReplicaStatus | undefined, now: number): LbServerStatus[] {
  const members = new Map<string, Set<string>>(lb.backends.map((b) => [b.name, new Set(b.servers)]));
  return views
    .filter((v) => members.has(v.backend))
    .map((v) => {
      const replicaName = members.get(v.backend)!.has(v.server) ? v.server : null;
      const replica = replicaName ? replicaOf(replicaName) : undefined;
      return {
        backend: v.backend,
        server: v.server,
        status: v.status,
        checkStatus: v.checkStatus,
        lastCheck: v.lastCheck,
        weight: v.weight,
        userWeight: v.userWeight,
        sessions: v.sessions,
        rate: v.rate,
        downtimeSeconds: v.downtimeSeconds,
        replica: replicaName,
        disagreement: disagreement(v, replica, now),
      };
    });
}

/** The inventory's backends as HAProxy counts them; one HAProxy does not have is left out. */
export function lbBackends(lb: ResolvedLoadBalancer, views: LbBackendView[]): LbBackendStatus[] {
  return lb.backends.flatMap((b) => {
    const v = views.find((x) => x.backend === b.name);
    return v ? [{ backend: b.name, rate: v.rate }] : [];
  });
}

/**
 * HAProxy's administrative state keeps this server out of new sessions (MAINT or DRAIN, whatever
 * its checks say): what the operator or a runbook decided, as the planner, the capacity view and
 * a spare's rotation all read it.
 */
export function adminHeldOut(status: string): boolean {
  return /^(MAINT|DRAIN)\b/.test(status);
}

/**
 * `isSpare`: a spare replica (inventory `role: spare`) held out of rotation is where it should be —
 * it neither degrades its backend nor counts among the servers that should take traffic.
 */
export function lbHealth(lb: ResolvedLoadBalancer, servers: LbServerStatus[], isSpare: (replica: string) => boolean = () => false): { health: Health; reasons: string[] } {
  const reasons: string[] = [];
  let health: Health = 'healthy';
  const worse = (h: Health) => {
    const rank = { healthy: 0, unknown: 1, degraded: 2, unhealthy: 3, unreachable: 4 } as const;
    if (rank[h] > rank[health]) health = h;
  };
  for (const backend of lb.backends) {
    const rows = servers.filter((s) => s.backend === backend.name);
    if (rows.length === 0) {
      worse('unhealthy');
      reasons.push(`backend ${backend.name} is not in HAProxy's configuration`);
      continue;
    }
    const serving = rows.filter((s) => /^UP\b|^no check$/.test(s.status) && s.weight > 0);
    const heldOut = (s: LbServerStatus) => adminHeldOut(s.status) || s.weight === 0;
    const heldSpares = rows.filter((s) => !serving.includes(s) && s.replica !== null && isSpare(s.replica) && heldOut(s));
    if (serving.length === 0) {
      worse('unhealthy');
      reasons.push(`backend ${backend.name}: no server takes traffic (${rows.map((r) => `${r.server} ${r.status}`).join(', ')})`);
    } else if (serving.length + heldSpares.length < rows.length) {
      const out = rows.filter((r) => !serving.includes(r) && !heldSpares.includes(r));
      worse('degraded');
      reasons.push(`backend ${backend.name}: ${serving.length} of ${rows.length - heldSpares.length} servers take traffic (${out.map((r) => `${r.server} ${r.status}`).join(', ')})`);
    }
    const missing = backend.servers.filter((name) => !rows.some((r) => r.server === name));
    if (missing.length) {
      worse('degraded');
      reasons.push(`backend ${backend.name}: HAProxy has no server ${missing.join(', ')} that the inventory lists`);
    }
  }
  for (const s of servers) {
    if (s.disagreement) {
      worse('degraded');
      reasons.push(`${s.backend}/${s.server}: ${s.disagreement}`);
    }
  }
  return { health, reasons };
}
