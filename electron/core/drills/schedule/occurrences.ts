/**
 * When a drill's schedule fires, as pure functions of the schedule and instants: the next N run
 * times with the blackout that blocks each, whether an instant is inside a blackout, and which
 * occurrences between the last evaluation and now are due (to start, maybe late) or missed.
 * No clock, no store: the scheduler (scheduler.ts) brings both.
 */
import type { Cron } from 'croner';
import {
  compileDrillCron,
  DrillSchedule,
  parseDurationMs,
  parseLocalDateTime,
  type DrillBlackoutHit,
  type DrillScheduleInput,
  type UpcomingDrillRun,
} from '../../../../shared/drill-schedule';
import { addWallClock, formatLocal, resolveWallTime } from './zoned-time';

type CompiledBlackout =
  | { index: number; kind: 'recurring'; cron: Cron; durationMs: number }
  | { index: number; kind: 'one-off'; from: number; to: number };

export interface CompiledSchedule {
  readonly schedule: DrillSchedule;
  readonly timeZone: string;
  readonly cron: Cron;
  readonly startingDeadlineMs: number;
  readonly blackouts: readonly CompiledBlackout[];
}

/** Validates (the same schema as the drill file) and prepares a schedule for evaluation. */
export function compileSchedule(input: DrillScheduleInput | DrillSchedule): CompiledSchedule {
  const schedule = DrillSchedule.parse(input);
  const zone = schedule.timeZone;
  const blackouts = schedule.blackouts.map((b, index): CompiledBlackout => {
    if ('cron' in b) return { index, kind: 'recurring', cron: compileDrillCron(b.cron, zone), durationMs: parseDurationMs(b.duration) as number };
    return {
      index,
      kind: 'one-off',
      from: resolveWallTime(parseLocalDateTime(b.from)!, zone, 'start'),
      to: resolveWallTime(parseLocalDateTime(b.to)!, zone, 'end'),
    };
  });
  return {
    schedule,
    timeZone: zone,
    cron: compileDrillCron(schedule.cron, zone),
    startingDeadlineMs: parseDurationMs(schedule.startingDeadline) as number,
    blackouts,
  };
}

/**
 * The blackout window that contains `instant`, or null. A recurring window starts at a match of
 * its cron and ends `duration` of wall-clock time later, so "0 22 * * *" for 8h always ends at
 * 06:00 local, also on the nights the clocks change (a blackout guards local business hours).
 */
export function blackoutAt(c: CompiledSchedule, instant: number): DrillBlackoutHit | null {
  for (const b of c.blackouts) {
    if (b.kind === 'one-off') {
      if (b.from <= instant && instant < b.to) return { index: b.index, kind: 'one-off', from: b.from, to: b.to };
      continue;
    }
    // Every window lasts the same, so the latest start at or before `instant` has the latest end:
    // if that window does not contain it, none does. (+1: previousRuns includes a run in the
    // same second as the reference only when it is earlier.)
    const [start] = b.cron.previousRuns(1, new Date(instant + 1));
    if (!start) continue;
    const end = addWallClock(start.getTime(), b.durationMs, c.timeZone, 'end');
    if (instant < end) return { index: b.index, kind: 'recurring', from: start.getTime(), to: end };
  }
  return null;
}

/** The next `n` occurrences strictly after `after`, each with the blackout that will block it. */
export function nextOccurrences(c: CompiledSchedule, after: number, n: number): UpcomingDrillRun[] {
  return c.cron.nextRuns(n, new Date(after)).map((d) => {
    const at = d.getTime();
    return { at, localTime: formatLocal(at, c.timeZone), blackout: blackoutAt(c, at) };
  });
}

export interface PastOccurrence {
  at: number;
  /** now - at. */
  lateMs: number;
  /** `start`: the latest one, inside the starting deadline; `missed`: any other. */
  verdict: 'start' | 'missed';
  /** The blackout it fell in, if any (a missed one in a blackout would not have run anyway). */
  blackout: DrillBlackoutHit | null;
}

export interface DueOccurrences {
  /** Oldest first. At most `limit`: the newest ones. */
  occurrences: PastOccurrence[];
  /** Older occurrences after `after` were left out (more than `limit` of them). */
  truncated: boolean;
}

/**
 * The occurrences in (after, now]: the latest is started if it is at most the starting deadline
 * late, every other one is missed — after downtime at most one late start, never a burst of
 * catch-up runs (as Kubernetes CronJob's startingDeadlineSeconds). Lists at most `limit`, the
 * newest (the history keeps no more), so a year of downtime costs no more than a day.
 */
export function dueOccurrences(c: CompiledSchedule, after: number, now: number, limit: number): DueOccurrences {
  const times: number[] = [];
  let cursor = new Date(after);
  let truncated = false;
  for (;;) {
    const next = c.cron.nextRun(cursor);
    if (!next || next.getTime() > now) break;
    if (times.length === limit) {
      truncated = true;
      break;
    }
    times.push(next.getTime());
    cursor = next;
  }
  if (truncated) {
    // Many more than the history keeps: take the newest from the other end.
    times.length = 0;
    for (const d of c.cron.previousRuns(limit, new Date(now + 1))) if (d.getTime() > after) times.unshift(d.getTime());
  }
  return {
    truncated,
    occurrences: times.map((at, i) => {
      const lateMs = now - at;
      const latest = i === times.length - 1;
      return { at, lateMs, verdict: latest && lateMs <= c.startingDeadlineMs ? 'start' : 'missed', blackout: blackoutAt(c, at) };
    }),
  };
}
