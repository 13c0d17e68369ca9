import { burnRate, timeToExhaustionMs } from './burn-rate';
import { errorBudget, type ErrorBudget } from './error-budget';
import { DAY_MS, HOUR_MS, type RequestBucket } from './request-bucket';
import { downtimeMinutes, successRatio } from './success-ratio';

/** The figures shown per service, by window: the last hour, the last day, the SLO window. */
export interface ByWindow<T> {
  hour: T;
  day: T;
  window: T;
}

export interface ServiceAvailability {
  service: string;
  /** Percent. */
  target: number;
  windowDays: number;
  now: number;
  successRatio: ByWindow<number | null>;
  downtimeMinutes: ByWindow<number>;
  budget: ErrorBudget;
  burnRate: { hour: number | null; day: number | null };
  /** At the last hour's burn rate; see timeToExhaustionMs. */
  timeToExhaustionMs: number | null;
}

/** Everything the availability view shows for one service, from its per-minute buckets. */
export function serviceAvailability(input: {
  service: string;
  target: number;
  buckets: readonly RequestBucket[];
  now: number;
  windowDays?: number;
}): ServiceAvailability {
  const { buckets, now, target } = input;
  const windowDays = input.windowDays ?? 30;
  const windows = { hour: { now, windowMs: HOUR_MS }, day: { now, windowMs: DAY_MS }, window: { now, windowMs: windowDays * DAY_MS } };
  const budget = errorBudget({ target, windowDays, buckets, now });
  const burn = {
    hour: burnRate({ target, buckets, now, windowMs: HOUR_MS }),
    day: burnRate({ target, buckets, now, windowMs: DAY_MS }),
  };
  return {
    service: input.service,
    target,
    windowDays,
    now,
    successRatio: {
      hour: successRatio(buckets, windows.hour),
      day: successRatio(buckets, windows.day),
      window: successRatio(buckets, windows.window),
    },
    downtimeMinutes: {
      hour: downtimeMinutes(buckets, windows.hour),
      day: downtimeMinutes(buckets, windows.day),
      window: downtimeMinutes(buckets, windows.window),
    },
    budget,
    burnRate: burn,
    timeToExhaustionMs: timeToExhaustionMs({ remainingRatio: budget.remainingRatio, burnRate: burn.hour, windowDays }),
  };
}
