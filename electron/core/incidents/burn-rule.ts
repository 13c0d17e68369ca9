/**
 * The error-budget rule that opens an incident for a service (issue 11): multi-window burn rate,
 * as the Google SRE workbook ("Alerting on SLOs", recommendation 6) sets it — an alert fires when
 * the burn rate over a long window AND over a short one are both at or above its factor. The long
 * window makes it significant (14.4× for an hour spends 2 % of a 30-day budget), the short one
 * makes it current (it stops firing within minutes of the fix, not an hour later). Configurable per
 * SLO in the inventory (`slo[].alerts`); pure, so tests give it hand-made minutes.
 */
import { burnRate } from '../availability/burn-rate';
import type { RequestBucket } from '../availability/request-bucket';

export interface BurnAlert {
  longMs: number;
  shortMs: number;
  /** Both windows at or above this: the alert fires. */
  burnRate: number;
}

/** The workbook's paging pair: 14.4× over 1 h and 5 m, 6× over 6 h and 30 m. */
export const DEFAULT_BURN_ALERTS: BurnAlert[] = [
  { longMs: 3_600_000, shortMs: 300_000, burnRate: 14.4 },
  { longMs: 6 * 3_600_000, shortMs: 1_800_000, burnRate: 6 },
];

export interface FastBurn {
  alert: BurnAlert;
  /** The burn rates measured over the alert's windows (Infinity with a 100 % target and a failure). */
  long: number;
  short: number;
}

const label = (ms: number) => (ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${Math.round(ms / 60_000)} min`);
const rate = (r: number) => (r === Number.POSITIVE_INFINITY ? '∞' : `${r.toFixed(1)}×`);

/** What fired, in the incident's words: "burning its error budget at 31.0× over 1 h and 52.3× over 5 min (alert at 14.4×)". */
export function describeFastBurn(f: FastBurn): string {
  return `burning its error budget at ${rate(f.long)} over ${label(f.alert.longMs)} and ${rate(f.short)} over ${label(f.alert.shortMs)} (alert at ${f.alert.burnRate}×)`;
}

/**
 * The first alert (in the inventory's order) whose two windows both burn at or above its factor,
 * with the rates measured; null when none fires — including when a window saw no traffic at all
 * (no requests, no burn rate: silence is not an outage this rule can see).
 */
export function fastBurn(input: { target: number; buckets: readonly RequestBucket[]; now: number; alerts: readonly BurnAlert[] }): FastBurn | null {
  for (const alert of input.alerts) {
    const long = burnRate({ target: input.target, buckets: input.buckets, now: input.now, windowMs: alert.longMs });
    const short = burnRate({ target: input.target, buckets: input.buckets, now: input.now, windowMs: alert.shortMs });
    // "At or above", with the float error of 1 − 99.9 % (0.0010000000000000009) forgiven: exactly 14.4× fires.
    const floor = alert.burnRate * (1 - 1e-9);
    if (long !== null && short !== null && long >= floor && short >= floor) return { alert, long, short };
  }
  return null;
}

/** The longest window any alert reads: how many minutes of buckets the rule needs. */
export function longestWindowMs(alerts: readonly BurnAlert[]): number {
  return alerts.reduce((m, a) => Math.max(m, a.longMs), 0);
}
