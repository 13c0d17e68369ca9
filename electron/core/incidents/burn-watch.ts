/**
 * Services as incident signals: every time the rule looks (incidents-feature.ts, every 10 s), each
 * SLO of the inventory is checked against its alerts (burn-rule.ts) over the request minutes the
 * store keeps (request_buckets: the frontend probe and the lab's traffic). A service that starts
 * burning is a bad signal (`burning`): it opens an incident or joins the open one of its region —
 * where a node or replica turning bad usually already opened it; one that stops is a `healthy`
 * signal, which lets the rule call the incident mitigated (the service back within its SLO) and
 * later resolved. The first look after a start says where each service stands, so an incident
 * left open by a stopped console learns its service recovered.
 */
import type Database from 'better-sqlite3';
import { bucketsSince } from '../store/request-log';
import type { LoadedInventory } from '../inventory/load-inventory';
import { describeFastBurn, fastBurn, longestWindowMs } from './burn-rule';
import type { HealthSignal } from './incident-store';

export const BURNING = 'burning';

export interface BurnWatchNeeds {
  db: Database.Database;
  inventory: () => LoadedInventory | null;
  /** Subjects a running drill holds: a service whose replica a drill broke burns for the drill, which measures it. */
  heldByDrills?: () => ReadonlySet<string>;
}

export interface ServiceSignal extends HealthSignal {
  /** Why, in the incident's words: "llama burning its error budget at 31.0× over 1 h and …". */
  reason: string;
  /** The first look since the start (nothing changed: it says where the service stands). */
  initial: boolean;
}

/** The replicas serving `service` (the servers of its backends, on every load balancer). */
function replicasOf(inventory: LoadedInventory, service: string): string[] {
  return inventory.loadBalancers.flatMap((lb) => lb.backends.filter((b) => b.name === service).flatMap((b) => b.servers));
}

/** The one region all of its replicas are in, or null (spread over several, or unknown): then it is an incident of its own. */
function regionOf(inventory: LoadedInventory, replicas: readonly string[]): string | null {
  const regions = new Set(
    replicas.map((name) => {
      const r = inventory.replicas.find((x) => x.name === name);
      const node = r?.node ? inventory.nodes.find((n) => n.name === r.node) : undefined;
      return r?.region ?? node?.region ?? null;
    }),
  );
  const [only] = [...regions];
  return regions.size === 1 && only !== undefined ? only : null;
}

export class BurnWatch {
  /** Each service's state as last signalled (absent: not looked at since the start). */
  private readonly burning = new Map<string, boolean>();

  constructor(private readonly needs: BurnWatchNeeds) {}

  /** The signals of the services whose state changed since the last look (all of them at the first). */
  look(now: number): ServiceSignal[] {
    const inventory = this.needs.inventory();
    if (!inventory) return [];
    const out: ServiceSignal[] = [];
    const held = this.needs.heldByDrills?.() ?? new Set<string>();
    for (const slo of inventory.slos) {
      if (slo.alerts.length === 0) continue;
      const buckets = bucketsSince(this.needs.db, slo.service, now - longestWindowMs(slo.alerts) - 60_000);
      const fired = fastBurn({ target: slo.target, buckets, now, alerts: slo.alerts });
      const replicas = replicasOf(inventory, slo.service);
      // The drill's own fault: not an incident (its recovery is still signalled, so nothing is left burning).
      const drills = replicas.some((r) => held.has(r)) || held.has(slo.service);
      const burning = fired !== null && !drills;
      const before = this.burning.get(slo.service);
      if (before === burning) continue;
      this.burning.set(slo.service, burning);
      const base = { subject: slo.service, kind: 'service' as const, at: now, region: regionOf(inventory, replicas), protected: false, initial: before === undefined };
      out.push(
        burning
          ? { ...base, health: BURNING, reason: `${slo.service} ${describeFastBurn(fired!)}` }
          : { ...base, health: 'healthy', reason: `${slo.service} back within its error budget's alerts` },
      );
    }
    return out;
  }
}
