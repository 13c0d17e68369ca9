/**
 * What planning a drill reads of the fleet, as narrow functions: no monitor, store or core is
 * taken whole, so the planner runs in a test on plain values and in the console on its live views.
 */
import type { LbAdminState } from '../../../shared/change';
import type { Health } from '../../../shared/health';
import type { ReplicaHealth } from '../../../shared/services';
import type { PlanInventory } from '../runbooks/plan-context';
import type { CapacityInputs } from '../runbooks/plan-capacity';
import type { RunbookFile } from '../runbooks/runbook-schema';

/** HAProxy's own view of one server now: its admin state and user weight (what a restore puts back) and whether its checks have it up. */
export interface LbServerReading {
  state: LbAdminState;
  weight: number;
  up: boolean;
}

export type LbReader = (loadBalancer: string, backend: string, server: string) => LbServerReading | null;

export interface DrillPlanInputs extends Pick<CapacityInputs, 'replicaAvailability' | 'backendRate'> {
  inventory: PlanInventory;
  /**
   * The fleetops lab directory this inventory is the lab's own inventory of (see
   * lab-files.ts labDirOfInventory), or null: lab faults are refused against anything else.
   */
  labDir: string | null;
  /** A node's smoothed verdict; undefined while it has none. Without it no node counts as healthy. */
  nodeHealth?(name: string): Health | undefined;
  /** A replica's smoothed verdict; undefined while it has none. Without it no replica counts as healthy. */
  replicaHealth?(name: string): ReplicaHealth | undefined;
  /** HAProxy's view of a server (null: not known, e.g. the LB did not answer). */
  lbServer?: LbReader;
  readOnly: { global: boolean; clusters: string[] };
  /** The operator's seed for this run; it wins over the file's. */
  seed?: string;
  /** Makes a seed when neither the operator nor the file gives one (default: 12 random hex digits). */
  newSeed?: () => string;
  /** The runbooks a `response: { runbook }` may name (loadRunbooks beside the inventory): checked when planning. */
  runbooks: ReadonlyMap<string, RunbookFile>;
  /** Lets a failed capacity precondition pass; the reason is kept in the plan (as runbooks do). */
  override?: { reason: string };
}
