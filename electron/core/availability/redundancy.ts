import { FleetError } from '../../../shared/errors';
import { MINUTES_PER_DAY } from './request-bucket';
import { allowedErrorRate, budgetMinutesPerMonth, MONTH_DAYS } from './slo-target';

/** The lines the redundancy table is drawn against (percent). */
export const REFERENCE_TARGETS: readonly number[] = [99.9, 99.99];

/**
 * Float noise allowance when asking "does this availability meet the target": 1 − 0.999 is
 * 0.0010000000000000009, which must still meet 99.9%.
 */
const MEETS_EPSILON = 1e-12;

function checkAvailability(a: number): void {
  if (typeof a !== 'number' || !Number.isFinite(a) || a < 0 || a > 1) {
    throw new FleetError('BAD_REQUEST', `availability must be a ratio between 0 and 1, got ${String(a)}`);
  }
}

function checkReplicas(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new FleetError('BAD_REQUEST', `replica count must be a positive integer, got ${String(n)}`);
}

/**
 * The availability of N replicas of which any one can serve: 1 − (1 − a)^N. It assumes replicas
 * fail independently; replicas sharing a node, rack or zone fail together, so for them this is an
 * upper bound, not a promise.
 */
export function redundancyEstimate(a: number, n: number): number {
  checkAvailability(a);
  checkReplicas(n);
  return 1 - (1 - a) ** n;
}

/**
 * N replicas of different measured availabilities, any one of which can serve: 1 − Π(1 − a_i).
 * Same independence caveat as redundancyEstimate; with all a_i equal it is that estimate.
 */
export function redundancyOfReplicas(availabilities: readonly number[]): number {
  checkReplicas(availabilities.length);
  let allDown = 1;
  for (const a of availabilities) {
    checkAvailability(a);
    allDown *= 1 - a;
  }
  return 1 - allDown;
}

/** Whether availability `a` (a ratio) meets `target` (percent), float noise forgiven. */
export function meetsTarget(a: number, target: number): boolean {
  checkAvailability(a);
  return 1 - a <= allowedErrorRate(target) + MEETS_EPSILON;
}

/** Expected minutes of total outage per average month at availability `a` (a ratio). */
export function downtimeMinutesPerMonth(a: number): number {
  checkAvailability(a);
  return (1 - a) * MONTH_DAYS * MINUTES_PER_DAY;
}

export interface RedundancyRow {
  replicas: number;
  availability: number;
  downtimeMinutesPerMonth: number;
  /** target (percent) → whether this many replicas meet it. */
  meets: Record<string, boolean>;
}

export interface RedundancyTable {
  /** The measured availability of one replica (a ratio). */
  single: number;
  rows: RedundancyRow[];
  /** The reference lines: 99.9% → 43.8 minutes a month, 99.99% → 4.4. */
  lines: { target: number; minutesPerMonth: number }[];
}

/** "What redundancy buys": the estimate for 1 … maxReplicas replicas, next to the reference lines. */
export function whatRedundancyBuys(single: number, maxReplicas: number, targets: readonly number[] = REFERENCE_TARGETS): RedundancyTable {
  checkAvailability(single);
  checkReplicas(maxReplicas);
  const rows: RedundancyRow[] = [];
  for (let n = 1; n <= maxReplicas; n++) {
    const availability = redundancyEstimate(single, n);
    const meets: Record<string, boolean> = {};
    for (const target of targets) meets[String(target)] = meetsTarget(availability, target);
    rows.push({ replicas: n, availability, downtimeMinutesPerMonth: downtimeMinutesPerMonth(availability), meets });
  }
  return { single, rows, lines: targets.map((target) => ({ target, minutesPerMonth: budgetMinutesPerMonth(target) })) };
}
