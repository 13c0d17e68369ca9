/**
 * What the monitors hand to the history, right where each reading is produced. The monitors
 * know only this interface (FleetCore passes the history store in as one); the SQLite side
 * stays in history-store.ts.
 */
import type { Health } from '../../../shared/health';
import type { ReplicaHealth } from '../../../shared/services';
import type { GpuStatus } from '../../../shared/status';

export interface NodeProbeReading {
  /** When the probe started, ms since the epoch. */
  at: number;
  latencyMs: number;
  /** The probe's failure (its code gives the outcome class); null when it succeeded. */
  error: { code: string } | null;
  /** The node's smoothed health after this probe (what the console shows). */
  health: Health;
  /** What the probe read; empty when it failed. */
  gpus: readonly GpuStatus[];
}

export interface ReplicaProbeReading {
  kind: 'health' | 'completion';
  at: number;
  ok: boolean;
  latencyMs: number;
  /** The failure class (shared/services.ts ReplicaFailure) when not ok. */
  failure?: string | null;
  /** The replica's health after this probe. */
  health: ReplicaHealth;
}

export interface LbServerReading {
  backend: string;
  server: string;
  /** HAProxy's own word (UP, DOWN 1/2, MAINT…). */
  status: string;
  sessions: number;
}

export interface HistorySink {
  recordNodeProbe(node: string, reading: NodeProbeReading): void;
  recordReplicaProbe(replica: string, reading: ReplicaProbeReading): void;
  /** One successful `show stat` of a load balancer: every server it lists. */
  recordLbPoll(loadBalancer: string, at: number, servers: readonly LbServerReading[]): void;
}

/** The history subject of a load balancer's server: "loadBalancer/backend/server". */
export function lbServerSubject(loadBalancer: string, backend: string, server: string): string {
  return `${loadBalancer}/${backend}/${server}`;
}
