import type { DrillExpectationName, DrillMilestoneName } from './drill-run';
import type { DrillRegression, DrillTrendMetric } from './drill-report';

/**
 * Words shared by the drill reports (electron/core/drills/report/) and the Drills view: plain
 * data apart from the schemas, so the page reads them without loading zod for its first render
 * (renderer/src/api/parse.ts says why).
 */

export const MILESTONE_LABELS: Readonly<Record<DrillMilestoneName, string>> = {
  started: 'drill started',
  injected: 'fault injected (T0)',
  'first-failure': 'first failed request at the frontend',
  'console-detected': 'console detected the fault',
  'lb-down': 'HAProxy marked the server DOWN',
  'response-started': 'response started',
  'response-finished': 'response finished',
  'spare-started': 'spare started',
  'spare-healthy': 'spare answered healthy',
  mitigated: 'mitigated (hypothesis holds again)',
  restored: 'fault restored',
  baseline: 'back to baseline',
  aborted: 'aborted',
  'restore-failed': 'restore FAILED',
};

export const EXPECTATION_LABELS: Readonly<Record<DrillExpectationName, string>> = {
  detectedWithin: 'detected within',
  mitigatedWithin: 'mitigated within',
  restoredWithin: 'restored within (RTO)',
  maxFailedRequests: 'failed requests at most',
};

export const TREND_METRIC_LABELS: Readonly<Record<DrillTrendMetric, string>> = {
  detectSeconds: 'time to detect',
  mitigateSeconds: 'time to mitigate',
  recoverSeconds: 'time to recover',
  failedRequests: 'failed requests',
};

/** "time to recover 41 s > 33.5 s (median 26 s of 5 runs)". */
export function describeRegression(g: DrillRegression): string {
  const n = (v: number) => (g.metric === 'failedRequests' ? String(Number(v.toFixed(2))) : `${Number(v.toFixed(2))} s`);
  return `${TREND_METRIC_LABELS[g.metric]} ${n(g.value)} > ${n(g.limit)} (median ${n(g.median)} of ${g.baselineRunIds.length} runs)`;
}
