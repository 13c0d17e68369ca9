import { Cron } from 'croner';
import { z } from 'zod';
import { Duration } from './duration';

/**
 * The `schedule:` block of a drill file — when a scheduled failover drill runs (issue 10,
 * "Schedules") — and what the scheduler records about each occurrence. The rules live in
 * electron/core/drills/schedule/ (README-style notes at the top of scheduler.ts).
 *
 * Cron library: croner (https://github.com/Hexagon/croner), not cron-parser. Both are kept up
 * and widely used; croner has no dependencies (cron-parser pulls in luxon, heavy for a schema the
 * renderer also loads), evaluates in any IANA zone with Intl alone, and documents its DST rules
 * as Vixie cron's, which are the rules we want (below) — cron-parser has had open DST bugs in
 * prev() (harrisiirak/cron-parser#378) and assumes one-hour transitions (#419). The scheduler's
 * tests pin every rule across both 2026 changes in Europe/Berlin and America/New_York, so a
 * library upgrade that changes them fails there.
 *
 * DST, as cronie / Vixie cron do it:
 *  - a fixed-time schedule (no `*` and no step in minute or hour: `30 2 * * *`, `15,45 2 * * *`)
 *    whose time is skipped by the spring change runs once, right after the gap (03:00); one whose
 *    time happens twice in autumn runs once, at the first of the two;
 *  - an interval schedule (`*` or a step in minute or hour: `0 * * * *`, `*\/15 * * * *`) follows
 *    real time: times inside the spring gap do not exist and are not run, the repeated autumn
 *    hour is run twice (every 15 minutes means every 15 minutes, also that night).
 * croner's `fixedTimeRule: 'no-wildcard'` is that split; its default would make lists such as
 * `15,45 2 * * *` interval schedules, which Vixie cron does not.
 */
export const DRILL_CRON_OPTIONS = { mode: '5-part', fixedTimeRule: 'no-wildcard', paused: true } as const;

/** A croner job for evaluation only (no callback, paused: it never arms a timer). */
export function compileDrillCron(expression: string, timeZone: string): Cron {
  return new Cron(expression.trim(), { ...DRILL_CRON_OPTIONS, timezone: timeZone });
}

export { parseDurationMs } from './duration';
/** A drill's durations (its window, its observation): shared/duration.ts. */
export const DrillDuration = Duration;

/** Why `zone` is not a usable IANA zone name, or null when it is one. */
export function timeZoneProblem(zone: string): string | null {
  // Offsets ("+01:00") are accepted by some runtimes' Intl and not others, and have no DST rules.
  if (!/^[A-Za-z]/.test(zone)) return `"${zone}" is not an IANA time zone name (like Europe/Berlin or America/New_York)`;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return `"${zone}" is not an IANA time zone this runtime knows (like Europe/Berlin or America/New_York)`;
  }
  // Intl takes any case; the file should say the zone as everyone else spells it.
  if (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase()) return `write the time zone as ${resolved}`;
  return null;
}

export const IanaTimeZone = z.string().superRefine((zone, ctx) => {
  const problem = timeZoneProblem(zone);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const CRON_FIELDS = 'five fields: minute hour day-of-month month day-of-week, like "0 3 * * 2"';

/** Why `expression` is not a usable five-field cron expression, or null when it is one. */
export function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5) return `cron "${expression}" has ${fields.length} field${fields.length === 1 ? '' : 's'}; a drill schedule has ${CRON_FIELDS}`;
  let cron: Cron;
  try {
    cron = compileDrillCron(expression, 'UTC');
  } catch (err) {
    const reason = (err as Error).message.replace(/^CronPattern:\s*/, '');
    return `cron "${expression}": ${reason} (${CRON_FIELDS})`;
  }
  // "0 0 30 2 *" parses, and never runs: say so rather than schedule nothing quietly.
  if (cron.nextRun(new Date(Date.UTC(2000, 0, 1))) === null) return `cron "${expression}" never matches a date`;
  return null;
}

export const CronExpression = z.string().superRefine((expression, ctx) => {
  const problem = cronProblem(expression);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** Wall-clock fields of "2026-12-20T00:00", or null when it is not a real calendar date and time. */
export function parseLocalDateTime(text: string): { year: number; month: number; day: number; hour: number; minute: number } | null {
  const m = LOCAL_RE.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number);
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  return { year, month, day, hour, minute };
}

/** Local wall-clock time in the schedule's zone, to the minute: "2026-12-20T00:00". */
export const LocalDateTime = z
  .string()
  .refine((text) => parseLocalDateTime(text) !== null, { message: 'a local time is a real date and time as YYYY-MM-DDTHH:MM, like 2026-12-20T00:00' });

/** Starts whenever `cron` matches (in the schedule's zone) and lasts `duration` of wall-clock time. */
export const RecurringBlackout = z.strictObject({ cron: CronExpression, duration: DrillDuration });
export type RecurringBlackout = z.infer<typeof RecurringBlackout>;

/** From `from` up to (not including) `to`, both local times in the schedule's zone. */
export const OneOffBlackout = z
  .strictObject({ from: LocalDateTime, to: LocalDateTime })
  // Same-format local times compare as strings.
  .refine((w) => w.from < w.to, { message: 'a blackout ends after it starts: "to" must be later than "from"' });
export type OneOffBlackout = z.infer<typeof OneOffBlackout>;

export const DrillBlackout = z.union([RecurringBlackout, OneOffBlackout]);
export type DrillBlackout = z.infer<typeof DrillBlackout>;

/** forbid: an occurrence is skipped while the drill's last run is still running. */
export const DrillConcurrency = z.enum(['forbid']);
export type DrillConcurrency = z.infer<typeof DrillConcurrency>;

export const DEFAULT_STARTING_DEADLINE = '15m';
export const DEFAULT_HISTORY_LIMIT = 50;

export const DrillSchedule = z.strictObject({
  /** Five fields, evaluated in `timeZone`. */
  cron: CronExpression,
  /** IANA name; every time in this block is local to it. */
  timeZone: IanaTimeZone,
  /** Windows in which no drill of this schedule is started, on time or late. */
  blackouts: z.array(DrillBlackout).max(100).default([]),
  concurrency: DrillConcurrency.default('forbid'),
  /** How late an occurrence may still start (the console was down, the machine asleep); later ones are recorded missed. */
  startingDeadline: DrillDuration.default(DEFAULT_STARTING_DEADLINE),
  /** Occurrences (and their runs' reports) kept per drill; older ones are pruned. */
  historyLimit: z.number().int().min(1).max(10_000).default(DEFAULT_HISTORY_LIMIT),
  /** The state a new drill starts in; pausing and resuming at run time is kept in the store. */
  paused: z.boolean().default(false),
});
export type DrillSchedule = z.infer<typeof DrillSchedule>;
/** As written in a drill file (defaults not filled in). */
export type DrillScheduleInput = z.input<typeof DrillSchedule>;

// ---- what the scheduler records and shows -------------------------------------------------

/**
 * What became of one occurrence. `starting`: claimed by a process that is asking the runner to
 * start it; `started`: the runner gave a run id; `skipped`: decided not to start (reason);
 * `missed`: its time passed beyond the starting deadline with no console to start it.
 */
export const DrillOccurrenceOutcome = z.enum(['starting', 'started', 'skipped', 'missed']);
export type DrillOccurrenceOutcome = z.infer<typeof DrillOccurrenceOutcome>;

export const DrillOccurrenceReason = z.enum([
  /** Inside a blackout window (at its time, or at the late start). */
  'blackout',
  /** The drill was paused. */
  'paused',
  /** forbid: the drill's last run had not ended. */
  'still-running',
  /** Another drill was running on the same service (one at a time per service). */
  'service-busy',
  /** As many drills were running as the global cap allows. */
  'global-cap',
  /** The stop-all switch was engaged. */
  'stop-all',
  /** The runner refused to start it (its error is in `error`). */
  'refused',
  /** The runner threw while starting it (its error is in `error`). */
  'start-failed',
  /** The process that claimed it died before the runner answered. */
  'start-interrupted',
  /** Past the starting deadline (missed). */
  'deadline',
]);
export type DrillOccurrenceReason = z.infer<typeof DrillOccurrenceReason>;

export const DrillOccurrenceRecord = z.strictObject({
  drill: z.string(),
  service: z.string(),
  /** The occurrence's instant (ms since the epoch) and its local time in the schedule's zone, with offset. */
  scheduledAt: z.number().int(),
  localTime: z.string(),
  outcome: DrillOccurrenceOutcome,
  reason: DrillOccurrenceReason.nullable(),
  /** When it was decided, and how long after its time (a late start, or a late verdict). */
  decidedAt: z.number().int(),
  lateMs: z.number().int(),
  runId: z.string().nullable(),
  /** When the started run ended (the runner says so); null while it runs. */
  endedAt: z.number().int().nullable(),
  endStatus: z.string().nullable(),
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  /** More about the verdict (which blackout, which drill held the service, how many earlier occurrences were not listed). */
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type DrillOccurrenceRecord = z.infer<typeof DrillOccurrenceRecord>;

export const DrillBlackoutHit = z.strictObject({
  /** Position in the schedule's `blackouts`. */
  index: z.number().int(),
  kind: z.enum(['recurring', 'one-off']),
  /** The window that contains the instant: [from, to), ms since the epoch. */
  from: z.number().int(),
  to: z.number().int(),
});
export type DrillBlackoutHit = z.infer<typeof DrillBlackoutHit>;

/** One of the next run times shown for a drill. */
export const UpcomingDrillRun = z.strictObject({
  at: z.number().int(),
  /** "2026-03-29T03:00+02:00" in the schedule's zone. */
  localTime: z.string(),
  /** The blackout that will keep it from starting, or null. */
  blackout: DrillBlackoutHit.nullable(),
});
export type UpcomingDrillRun = z.infer<typeof UpcomingDrillRun>;
