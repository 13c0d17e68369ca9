import type { ServiceAvailability } from '../../../shared/services';
import { formatMinutes, formatRatio, meetsTarget, MINUTES_PER_MONTH } from './availability-format';

/** The lines the redundancy table is read against (percent), as the engine draws them. */
export const REFERENCE_TARGETS: readonly number[] = [99.9, 99.99];

export interface RedundancyLine {
  target: number;
  /** Outage a month allows at this target: 99.9 → "43.8 min", 99.99 → "4.4 min". */
  minutesText: string;
}

export interface RedundancyDisplay {
  backend: string;
  replicas: number;
  /** One replica's measured availability (its probes over 24 h), and its outage per month. */
  singleText: string;
  singleDowntimeText: string;
  /** 1 − (1 − a)^N as the engine computed it, and its outage per month. */
  estimateText: string;
  estimateDowntimeText: string;
  /** Per reference target: does the estimate reach it? null without a measurement. */
  meets: { target: number; meets: boolean | null }[];
}

export function referenceLines(targets: readonly number[] = REFERENCE_TARGETS): RedundancyLine[] {
  return targets.map((target) => ({ target, minutesText: formatMinutes(((100 - target) / 100) * MINUTES_PER_MONTH) }));
}

function downtimeText(availability: number | null): string {
  return availability === null ? '–' : `${formatMinutes((1 - availability) * MINUTES_PER_MONTH)} / month`;
}

/** "What redundancy buys", one row per backend, in the order the engine sent. */
export function redundancyDisplay(service: Pick<ServiceAvailability, 'redundancy'>, targets: readonly number[] = REFERENCE_TARGETS): RedundancyDisplay[] {
  return service.redundancy.map((r) => ({
    backend: r.backend,
    replicas: r.replicas,
    singleText: r.single === null ? 'not measured' : formatRatio(r.single),
    singleDowntimeText: downtimeText(r.single),
    estimateText: r.estimate === null ? 'not measured' : formatRatio(r.estimate),
    estimateDowntimeText: downtimeText(r.estimate),
    meets: targets.map((target) => ({ target, meets: r.estimate === null ? null : meetsTarget(r.estimate, target) })),
  }));
}
