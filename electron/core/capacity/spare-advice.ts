/**
 * Advice with numbers: what each added spare buys a service, and how long recovery takes with a
 * warm or a cold one.
 *
 * - Each spare added to what serves now counts at the serving replicas' mean measured
 *   availability: 1 − Π(1 − aᵢ)·(1 − ā)^j. A step is "little" when it adds less than a tenth of
 *   the SLO's error budget (1 − target; 99.9 % when the service has no SLO): past that point the
 *   next spare buys capacity, not availability.
 * - Recovery: measured from this console's replacements when there are some — drills (the spare's
 *   start → its first healthy answer, HAProxy's rise × inter to take it in) and replace-replica
 *   runs (the same from their steps' timings) — else from the inventory's declared start-up. A
 *   warm spare only needs taking in; a cold one starts first.
 */
import type { RecoveryEstimate, SpareAdvice } from '../../../shared/capacity';
import { redundancyOfReplicas } from '../availability/redundancy';
import type { RecoveryRun } from './capacity-facts';
import type { Member } from './service-members';

const DEFAULT_TARGET = 99.9;
export const ADVICE_STEPS = 3;

export function spareAdvice(members: readonly Member[], sloTarget: number | null, mean: number | null): SpareAdvice[] {
  const active = members.filter((m) => m.state === 'active');
  if (mean === null || active.length === 0) return [];
  const own = active.map((m) => m.availability ?? mean);
  const budget = 1 - (sloTarget ?? DEFAULT_TARGET) / 100;
  const out: SpareAdvice[] = [];
  let before = redundancyOfReplicas(own);
  for (let added = 1; added <= ADVICE_STEPS; added++) {
    const availability = redundancyOfReplicas([...own, ...Array<number>(added).fill(mean)]);
    const gain = availability - before;
    out.push({ added, availability, gainPoints: gain * 100, little: gain < budget / 10 });
    before = availability;
  }
  return out;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function recoveryEstimate(members: readonly Member[], runs: readonly RecoveryRun[]): RecoveryEstimate {
  const measured = runs.filter((r) => r.spareModelLoadSeconds !== null || r.riseTimesInterSeconds !== null);
  if (measured.length > 0) {
    const load = median(measured.flatMap((r) => (r.spareModelLoadSeconds === null ? [] : [r.spareModelLoadSeconds])));
    const takeIn = median(measured.flatMap((r) => (r.riseTimesInterSeconds === null ? [] : [r.riseTimesInterSeconds])));
    const declaredCold = declaredStartup(members);
    // A cold start not measured yet: the declared start-up stands in for it, and the text says so.
    const coldLoad = load ?? declaredCold;
    const parts = [
      load !== null ? `a cold spare loads its model in ${round(load)} s (median)` : declaredCold !== null ? `no cold start measured (declared start-up ${round(declaredCold)} s)` : 'no cold start measured',
      takeIn !== null ? `HAProxy takes a ready one in after ${round(takeIn)} s` : null,
    ].filter((p): p is string => p !== null);
    return {
      warmSeconds: takeIn,
      coldSeconds: coldLoad === null ? null : coldLoad + (takeIn ?? 0),
      source: 'measured',
      runs: measured.length,
      text: `measured over ${measured.length} replacement${measured.length === 1 ? '' : 's'} (drills and replace-replica runs): ${parts.join('; ')}; a warm one only needs taking in`,
    };
  }
  const cold = declaredStartup(members);
  if (cold !== null) {
    return {
      warmSeconds: null,
      coldSeconds: cold,
      source: 'declared',
      runs: 0,
      text: `declared (no replacement drill measured yet): a cold spare needs its start-up, up to ${round(cold)} s; a warm one only the load balancer's rise × inter`,
    };
  }
  return { warmSeconds: null, coldSeconds: null, source: 'none', runs: 0, text: 'no replacement drill measured and no spare declares its start-up' };
}

/** The longest start-up a spare of the service declares (null: none does). */
function declaredStartup(members: readonly Member[]): number | null {
  const declared = members.filter((m) => (m.state === 'cold' || m.state === 'warm') && m.startupSeconds !== null).map((m) => m.startupSeconds!);
  return declared.length ? Math.max(...declared) : null;
}

const round = (n: number) => (n < 10 ? Number(n.toFixed(1)) : Math.round(n));
