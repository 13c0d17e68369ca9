/**
 * Deadlines derived from the probe cadence instead of guessed: a state change needs `probes`
 * probes, each at most one interval apart, the last of which may take up to the probe timeout;
 * the margin covers the push to the browser and a loaded 2-core machine.
 */
import type { ProbeSettings } from '../../../shared/inventory';

export type ProbeCadence = ProbeSettings;

/** What the lab writes into its inventory by default (electron/core/lab/lab-fleet.ts, lab-files.ts). */
export const LAB_CADENCE: ProbeCadence = { intervalSeconds: 3, timeoutSeconds: 2, fall: 2, rise: 2 };

export const MARGIN_MS = 3_000;

/** Time allowed for `probes` more probes of a node to complete and reach the page. */
export function deadlineForProbes(cadence: ProbeCadence, probes: number): number {
  return (probes * cadence.intervalSeconds + cadence.timeoutSeconds) * 1000 + MARGIN_MS;
}

/** Falling to a worse health takes `fall` consecutive probes. */
export const fallDeadlineMs = (c: ProbeCadence): number => deadlineForProbes(c, c.fall);
/** Recovering takes `rise` consecutive probes. */
export const riseDeadlineMs = (c: ProbeCadence): number => deadlineForProbes(c, c.rise);
/** The first probe of a node starts within one interval of the monitor's start (spread, not all at once). */
export const firstProbeDeadlineMs = (c: ProbeCadence): number => deadlineForProbes(c, 1);
