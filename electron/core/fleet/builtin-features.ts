/**
 * The features built into this fleetops, registered with their migrations, and the data
 * directory's schema they make with the store's own: one list, so the console, `fleetops run`
 * and `fleetops audit` (which opens the store without a core) agree on every version. FleetCore
 * builds each of them (core.ts) and refuses to start when what it built differs from this list.
 */
import { DRILLS } from '../drills/drills-feature';
import { DRILL_REPORTS } from '../drills/report/report-feature';
import { INCIDENTS } from '../incidents/incidents-feature';
import type { FeatureDefinition } from '../feature';
import { GATE } from '../gate/gate-feature';
import { HISTORY } from '../history/history-feature';
import { LAB } from '../lab/lab-feature';
import { OWNERSHIP } from '../locks/ownership-feature';
import { RUNBOOKS } from '../runbook-exec/runbooks-feature';
import { SERVICES } from '../services/services-feature';
import { TIMELINE } from '../timeline/timeline-feature';
import { TRAINING } from '../training/training-feature';
import { CAPACITY } from '../capacity/capacity-feature';
import { composeMigrations, type Migration } from '../store/migrate';
import { STORE_MIGRATIONS } from '../store/migrations';
import { TRUST } from './trust-feature';

/** The core's own methods (fleet.snapshot, node.get, events.list) and the node monitor. */
export const FLEET: FeatureDefinition = { name: 'fleet', migrations: [] };

export const BUILTIN_FEATURES: readonly FeatureDefinition[] = [FLEET, RUNBOOKS, SERVICES, OWNERSHIP, HISTORY, GATE, TRUST, LAB, DRILLS, DRILL_REPORTS, INCIDENTS, TIMELINE, TRAINING, CAPACITY];

/** The data directory's migrations: the store's own (1, 2, 3, 5) and the features' (4 runbooks, 6 ownership, 7 history, 8 and 9 drills, 10 incidents, 11 timeline). */
export function fleetMigrations(features: readonly FeatureDefinition[] = BUILTIN_FEATURES): Migration[] {
  return composeMigrations([{ name: 'store', migrations: STORE_MIGRATIONS }, ...features]);
}
