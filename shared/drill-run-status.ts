/**
 * A drill run's statuses (drill-run.ts DrillRunStatus says what each means) as plain data, so
 * the page's push handling and views read them without loading zod for the first render
 * (renderer/src/api/parse.ts says why).
 */
export const DRILL_RUN_STATUSES = ['pre-checks', 'injecting', 'observing', 'responding', 'restoring', 'passed', 'failed', 'aborted', 'skipped', 'restore-failed'] as const;
type DrillRunStatus = (typeof DRILL_RUN_STATUSES)[number];

/** Statuses after which nothing changes any more. */
export const DRILL_RUN_FINAL: readonly DrillRunStatus[] = ['passed', 'failed', 'aborted', 'skipped', 'restore-failed'];
export function isFinalDrillStatus(status: DrillRunStatus): boolean {
  return DRILL_RUN_FINAL.includes(status);
}
