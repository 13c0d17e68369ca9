import type { ServiceAvailability } from '../../../shared/services';
import { formatDuration } from './format';

/**
 * How the service panel writes availability figures. The rules that matter to an operator:
 * no traffic is never shown as 100%, a ratio below 1 is never rounded up to 100%, and enough
 * decimals are kept to tell 99.9% from 99.99%.
 */

export const NO_TRAFFIC = 'no traffic measured';

/** The average Gregorian month (365.2425 / 12 days), as the engine uses for budgets: 99.9% → 43.8 min. */
export const MINUTES_PER_MONTH = (365.2425 / 12) * 24 * 60;

/** Float noise allowance for "meets the target": 1 − 0.999 is 0.0010000000000000009 and must still meet 99.9%. */
const MEETS_EPSILON = 1e-12;

/** Truncates (never rounds up) to `decimals`; the tiny nudge keeps 99.95 from reading as 99.94999… → 99.94. */
function truncate(value: number, decimals: number): string {
  const scale = 10 ** decimals;
  return (Math.floor(value * scale + 1e-7) / scale).toFixed(decimals);
}

/**
 * A success ratio as a percentage: `null` → "no traffic measured"; 1 → "100%"; otherwise at
 * least two decimals and one more than the first non-nine, truncated so 0.99999 reads
 * "99.9990%", not "100.00%".
 */
export function formatRatio(ratio: number | null): string {
  if (ratio === null) return NO_TRAFFIC;
  if (ratio >= 1) return '100%';
  const pct = ratio * 100;
  const missing = 100 - pct;
  // The 1e-6 keeps float noise (−log10 of 0.00999… is 2.0000000004) from adding a digit.
  const decimals = Math.min(6, Math.max(2, Math.ceil(-Math.log10(missing) - 1e-6) + 1));
  return `${truncate(pct, decimals)}%`;
}

/** An SLO target (a percentage, as in the inventory): 99.9 → "99.9%". */
export function formatTarget(targetPct: number): string {
  return `${Number(targetPct.toFixed(6))}%`;
}

/** Minutes as an operator reads them: "4.4 min", "43.8 min", "125.0 min (2h 5m)". */
export function formatMinutes(minutes: number): string {
  const text = `${minutes.toFixed(1)} min`;
  return Math.abs(minutes) >= 60 ? `${text} (${formatDuration(Math.abs(minutes) * 60_000)})` : text;
}

/** Observed / allowed error rate: "2.50×", "∞" for a 100% target with failures, "–" without traffic. */
export function formatBurnRate(rate: number | 'infinite' | null): string {
  if (rate === null) return '–';
  if (rate === 'infinite') return '∞';
  return `${rate.toFixed(rate >= 10 ? 1 : 2)}×`;
}

/** Hours until the budget is gone at the 1 h burn rate. */
export function formatExhaustion(hours: number | null): string {
  if (hours === null) return 'not burning';
  if (hours <= 0) return 'budget spent';
  return `exhausted in ${formatDuration(hours * 3_600_000)}`;
}

/** "62.5% left (27.4 min)", "overspent: −25.0% (−11.0 min)", or "no traffic measured". */
export function formatBudget(budget: ServiceAvailability['budget']): string {
  if (budget.remainingRatio === null) return NO_TRAFFIC;
  const pct = `${(budget.remainingRatio * 100).toFixed(1)}%`;
  const minutes = budget.remainingMinutes === null ? '' : ` (${formatMinutes(budget.remainingMinutes)})`;
  return budget.remainingRatio < 0 ? `overspent: ${pct.replace('-', '−')}${minutes.replace('-', '−')}` : `${pct} left${minutes}`;
}

/** Whether availability `ratio` (0…1) meets a target given in percent. */
export function meetsTarget(ratio: number, targetPct: number): boolean {
  return 1 - ratio <= (100 - targetPct) / 100 + MEETS_EPSILON;
}

export type SloState = 'meeting' | 'missing' | 'no-data';

/** Judged on the 30-day success ratio, the SLO's own window; no traffic is no verdict. */
export function sloState(service: ServiceAvailability): SloState {
  const ratio = service.month.successRatio;
  if (ratio === null) return 'no-data';
  return meetsTarget(ratio, service.target) ? 'meeting' : 'missing';
}

export function countSloStates(services: readonly ServiceAvailability[]): Record<SloState, number> {
  const counts: Record<SloState, number> = { meeting: 0, missing: 0, 'no-data': 0 };
  for (const s of services) counts[sloState(s)]++;
  return counts;
}
