/**
 * Wall-clock time in an IANA zone, with Intl only (what croner also uses, so the two agree on
 * every zone's rules). Needed where a schedule names a local time that is not a cron match: the
 * one-off blackout bounds, the end of a recurring blackout, and the local time shown with every
 * occurrence.
 */

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  /** 0 when absent. */
  second?: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock fields of `instant` in `zone` (seconds included, for offset arithmetic). */
function fieldsAt(instant: number, zone: string): Required<WallTime> {
  const out: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return { year: out.year, month: out.month, day: out.day, hour: out.hour, minute: out.minute, second: out.second };
}

/** Minutes `zone` is ahead of UTC at `instant` (Berlin in summer: 120). */
export function utcOffsetMinutes(instant: number, zone: string): number {
  const f = fieldsAt(instant, zone);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

export function wallTimeAt(instant: number, zone: string): WallTime {
  const { year, month, day, hour, minute } = fieldsAt(instant, zone);
  return { year, month, day, hour, minute };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "2026-03-29T03:00+02:00": the local time of `instant` in `zone`, with the offset in force. */
export function formatLocal(instant: number, zone: string): string {
  const w = wallTimeAt(instant, zone);
  const offset = utcOffsetMinutes(instant, zone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function naiveUtc(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second ?? 0);
}

/**
 * Every instant whose local time in `zone` is `wall`, earliest first: one on an ordinary day,
 * two in the hour an autumn change repeats, none in the hour a spring change skips.
 */
export function instantsOfWallTime(wall: WallTime, zone: string): number[] {
  const naive = naiveUtc(wall);
  // A zone has at most two offsets within a day of any instant: try both.
  const offsets = new Set([utcOffsetMinutes(naive - 86_400_000, zone), utcOffsetMinutes(naive, zone), utcOffsetMinutes(naive + 86_400_000, zone)]);
  const found = new Set<number>();
  for (const offset of offsets) {
    const candidate = naive - offset * 60_000;
    if (naiveUtc(fieldsAt(candidate, zone)) === naive) found.add(candidate);
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * The instant a window bound written as local time means. `wall` happens twice: the earlier
 * one for a window's start, the later one for its end (a blackout is never shorter than written).
 * `wall` does not exist (spring gap): the end of the gap, the first instant after it.
 */
export function resolveWallTime(wall: WallTime, zone: string, bound: 'start' | 'end'): number {
  const found = instantsOfWallTime(wall, zone);
  if (found.length > 0) return bound === 'start' ? found[0] : found[found.length - 1];
  const naive = naiveUtc(wall);
  // Inside a gap: before it, local time is behind `wall`; after it, ahead. Search the instant
  // where it jumps, to the second (zone transitions fall on whole seconds).
  let lo = naive - utcOffsetMinutes(naive - 86_400_000, zone) * 60_000 - 86_400_000;
  let hi = naive - utcOffsetMinutes(naive + 86_400_000, zone) * 60_000 + 86_400_000;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (naiveUtc(fieldsAt(mid, zone)) < naive) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Adds `ms` of wall-clock time to the local time of `instant` (10h after 20:00 is 06:00, whatever the night's DST change). */
export function addWallClock(instant: number, ms: number, zone: string, bound: 'start' | 'end'): number {
  const f = fieldsAt(instant, zone);
  const shifted = new Date(Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) + ms);
  return resolveWallTime(
    {
      year: shifted.getUTCFullYear(),
      month: shifted.getUTCMonth() + 1,
      day: shifted.getUTCDate(),
      hour: shifted.getUTCHours(),
      minute: shifted.getUTCMinutes(),
      second: shifted.getUTCSeconds(),
    },
    zone,
    bound,
  );
}
