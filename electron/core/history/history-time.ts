/**
 * How the history's tables key time (history-migration.ts): raw readings by 10 s slot (plus
 * their ms within it), rollups by minute, 30-minute rollups by the first minute of their half
 * hour. One definition, so the writer, the reader and the pruning cutoffs agree on the buckets.
 */
export const MINUTE_MS = 60_000;
export const SLOT_MS = 10_000;
export const HALF_HOUR_MINUTES = 30;

export const minuteOf = (ms: number) => Math.floor(ms / MINUTE_MS);
export const slotOf = (ms: number) => Math.floor(ms / SLOT_MS);
export const halfHourOf = (minute: number) => Math.floor(minute / HALF_HOUR_MINUTES) * HALF_HOUR_MINUTES;
