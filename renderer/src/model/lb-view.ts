import type { LbBackendStatus, LbServerStatus } from '../../../shared/services';

export interface BackendView {
  name: string;
  servers: LbServerStatus[];
}

/** Servers grouped by backend, both in HAProxy's order (`show stat` lists a backend's servers together). */
export function groupByBackend(servers: readonly LbServerStatus[]): BackendView[] {
  const byName = new Map<string, BackendView>();
  for (const server of servers) {
    let backend = byName.get(server.backend);
    if (!backend) byName.set(server.backend, (backend = { name: server.backend, servers: [] }));
    backend.servers.push(server);
  }
  return [...byName.values()];
}

/**
 * HAProxy's status word reduced to a colour: UP, DOWN, MAINT, DRAIN and NOLB are steady states;
 * "UP 1/2" / "DOWN 1/2" are checks in transit (going down / coming up); MAINT may carry a cause
 * ("MAINT (via b/s)", "MAINT (resolution)"). "no check" is UP without health checks.
 */
export type LbStatusKind = 'up' | 'down' | 'maint' | 'drain' | 'nolb' | 'transition' | 'other';

export function lbStatusKind(status: string): LbStatusKind {
  const word = status.trim().toUpperCase();
  if (/^(UP|DOWN) \d+\/\d+$/.test(word)) return 'transition';
  if (word.startsWith('MAINT')) return 'maint';
  if (word.startsWith('DRAIN')) return 'drain';
  if (word.startsWith('NOLB')) return 'nolb';
  if (word === 'NO CHECK' || /^UP\b/.test(word)) return 'up';
  if (/^DOWN\b/.test(word)) return 'down';
  return 'other';
}

export type ServerAdminState = 'ready' | 'drain' | 'maint';

/** The `set server … state` that the status word reflects, so the matching button shows as pressed. */
export function serverAdminState(status: string): ServerAdminState {
  const kind = lbStatusKind(status);
  return kind === 'maint' ? 'maint' : kind === 'drain' ? 'drain' : 'ready';
}

/** `<lb>-<backend>-<server>`: the suffix of every per-server data-testid. */
export function serverKey(loadBalancer: string, server: Pick<LbServerStatus, 'backend' | 'server'>): string {
  return `${loadBalancer}-${server.backend}-${server.server}`;
}

/** "42 req/s now · peak 60 req/s over 5 min" from HAProxy's backend row; empty when HAProxy gave no rate. */
export function backendRateText(b: Pick<LbBackendStatus, 'rate' | 'ratePeak5m'> | undefined): string {
  if (!b || b.rate === null) return '';
  const now = `${formatRate(b.rate)} req/s now`;
  return b.ratePeak5m !== null && b.ratePeak5m !== undefined && b.ratePeak5m > b.rate ? `${now} · peak ${formatRate(b.ratePeak5m)} req/s over 5 min` : now;
}

function formatRate(r: number): string {
  return r >= 100 ? String(Math.round(r)) : String(Math.round(r * 10) / 10);
}

