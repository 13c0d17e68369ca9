import type { DrillHistory, DrillHistoryEntry, DrillRegression, DrillTrendMetric } from '../../../../shared/drill-report';
import type { DrillRunView } from '../../../../shared/drill-run';

/**
 * A drill's history: time to detect, mitigate and recover and the failed requests of each run,
 * and a flag on a run worse than the median of the previous five by more than a margin — is
 * recovery getting slower (issue 10, "Reports")?
 *
 * The rule, in numbers. The drill file has no place for it (shared/drill.ts is strict and has no
 * history block), so these are constants, reported with the history so every reader sees them:
 *  - the baseline is the median of the previous BASELINE_RUNS judged runs (passed or failed) that
 *    measured the metric; with fewer such runs there is no baseline and nothing is flagged — a
 *    median of one or two runs is one noisy run;
 *  - a run is flagged when its value > median × (1 + MARGIN_PCT / 100) + slack. 25 % is well above
 *    the run-to-run noise of a measurement taken at probe and HAProxy `inter` resolution (about a
 *    second in the lab), and a slower recovery that matters is usually far more; the slack (one
 *    second, one request) keeps a median of 0 (no failed requests so far) from flagging a single
 *    unlucky request, and a 2 s → 3 s detection from counting as 50 % worse.
 * Aborted, skipped and restore-failed runs are listed (with what they measured) but neither
 * judged nor part of a baseline: an abort cuts its measurements short.
 */
export const BASELINE_RUNS = 5;
export const MARGIN_PCT = 25;
export const SLACK_SECONDS = 1;
export const SLACK_REQUESTS = 1;

const METRICS: readonly DrillTrendMetric[] = ['detectSeconds', 'mitigateSeconds', 'recoverSeconds', 'failedRequests'];

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The worst value a run may have without being flagged against `base`. */
export function regressionLimit(metric: DrillTrendMetric, base: number): number {
  const slack = metric === 'failedRequests' ? SLACK_REQUESTS : SLACK_SECONDS;
  return base * (1 + MARGIN_PCT / 100) + slack;
}

function isJudged(run: Pick<DrillRunView, 'status'>): boolean {
  return run.status === 'passed' || run.status === 'failed';
}

function entryOf(run: DrillRunView): Omit<DrillHistoryEntry, 'regressions'> {
  const injected = run.injectedAt !== null;
  return {
    runId: run.id,
    startedAt: run.startedAt,
    status: run.status,
    detectSeconds: run.derived.detectSeconds,
    mitigateSeconds: run.derived.mitigateSeconds,
    recoverSeconds: run.derived.recoverSeconds,
    // A run that never injected sent no traffic through a fault: nothing to count, not zero.
    failedRequests: injected ? run.derived.requestsFailed : null,
    judged: isJudged(run),
  };
}

/**
 * The history of one drill from its runs (any order; other drills' runs are ignored), oldest
 * first, each judged run compared with the median of the judged runs before it. Runs still in
 * progress are left out: their numbers are not final.
 */
export function drillHistory(drill: string, runs: readonly DrillRunView[]): DrillHistory {
  const ended = runs
    .filter((r) => r.drill === drill && r.endedAt !== null)
    .sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id))
    .map(entryOf);
  const entries: DrillHistoryEntry[] = [];
  for (const [i, entry] of ended.entries()) {
    const regressions: DrillRegression[] = [];
    if (entry.judged) {
      for (const metric of METRICS) {
        const value = entry[metric];
        if (value === null) continue;
        const previous = ended
          .slice(0, i)
          .filter((e) => e.judged && e[metric] !== null)
          .slice(-BASELINE_RUNS);
        if (previous.length < BASELINE_RUNS) continue;
        const base = median(previous.map((e) => e[metric] as number));
        const limit = regressionLimit(metric, base);
        if (value > limit) regressions.push({ metric, value, median: base, limit, baselineRunIds: previous.map((e) => e.runId) });
      }
    }
    entries.push({ ...entry, regressions });
  }
  return {
    drill,
    rule: { baselineRuns: BASELINE_RUNS, marginPct: MARGIN_PCT, slackSeconds: SLACK_SECONDS, slackRequests: SLACK_REQUESTS },
    entries,
  };
}
