/**
 * Drill reports as a feature: `drills.report` (a run's report as Markdown, JSON or one HTML page,
 * exactly as `fleetops drill report` prints it) and `drills.history` (a drill's runs over time,
 * flagged against the median of the previous ones). No tables of its own: it reads the drill
 * runs and the runbook journal through a DrillReportSource.
 */
import type { CoreFeature, FeatureDefinition } from '../../feature';
import { renderDrillReport } from './render-report';
import { historyOf, reportInputFor, resolveDrillRun, type DrillReportSource } from './report-source';

export const DRILL_REPORTS: FeatureDefinition = { name: 'drill-reports', migrations: [] };

export interface DrillReportsNeeds {
  source: DrillReportSource;
  now: () => number;
}

export function drillReportsFeature(needs: DrillReportsNeeds): CoreFeature<'drills.report' | 'drills.history'> {
  return {
    ...DRILL_REPORTS,
    handlers: {
      'drills.report': async ({ runId, format }) => {
        const run = resolveDrillRun(needs.source, runId);
        return renderDrillReport(reportInputFor(needs.source, run, needs.now()), format);
      },
      'drills.history': async ({ drill, limit }) => historyOf(needs.source, drill, limit),
    },
  };
}
