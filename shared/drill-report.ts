import { z } from 'zod';
import { DrillRunStatus, type DrillExpectationName, type DrillMilestoneName } from './drill-run';

/**
 * Drill reports and a drill's history (issue 10, "Reports"): what `drills.report` renders (the
 * same Markdown, JSON and self-contained HTML as `fleetops drill report`) and what `drills.history`
 * measures across runs. Rendered by electron/core/drills/report/; the Drills view downloads the
 * first and plots the second.
 */

export const DrillReportFormat = z.enum(['md', 'json', 'html']);
export type DrillReportFormat = z.infer<typeof DrillReportFormat>;

/** A rendered report, ready to save: the CLI prints `content`, the console downloads it as `fileName`. */
export const DrillReportFile = z.object({
  fileName: z.string(),
  mediaType: z.string(),
  content: z.string(),
});
export type DrillReportFile = z.infer<typeof DrillReportFile>;

/** The measurements a drill's history follows, and which way is worse (all: larger). */
export const DrillTrendMetric = z.enum(['detectSeconds', 'mitigateSeconds', 'recoverSeconds', 'failedRequests']);
export type DrillTrendMetric = z.infer<typeof DrillTrendMetric>;

/** A measurement worse than the median of the drill's previous runs by more than the margin. */
export const DrillRegression = z.object({
  metric: DrillTrendMetric,
  value: z.number(),
  /** Median of the previous runs' values of this metric (the baseline). */
  median: z.number(),
  /** The value above which this run is flagged: median × (1 + margin) + slack. */
  limit: z.number(),
  /** The runs the median was taken over, oldest first. */
  baselineRunIds: z.array(z.string()),
});
export type DrillRegression = z.infer<typeof DrillRegression>;

export const DrillHistoryEntry = z.object({
  runId: z.string(),
  startedAt: z.number(),
  status: DrillRunStatus,
  /** Null when not measured in that run (never detected, skipped before injecting). */
  detectSeconds: z.number().nullable(),
  mitigateSeconds: z.number().nullable(),
  recoverSeconds: z.number().nullable(),
  failedRequests: z.number().int().nullable(),
  /** Only judged runs (passed or failed) are compared with, and form, the baseline. */
  judged: z.boolean(),
  regressions: z.array(DrillRegression),
});
export type DrillHistoryEntry = z.infer<typeof DrillHistoryEntry>;

export const DrillHistory = z.object({
  drill: z.string(),
  /** How a run is flagged, in numbers (electron/core/drills/report/drill-history.ts says why these). */
  rule: z.object({
    baselineRuns: z.number().int(),
    marginPct: z.number(),
    slackSeconds: z.number(),
    slackRequests: z.number(),
  }),
  /** Oldest first. */
  entries: z.array(DrillHistoryEntry),
});
export type DrillHistory = z.infer<typeof DrillHistory>;

const runIdInput = z.string().min(1).max(100);
const drillNameInput = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);

/** The contract methods (spread into shared/contract.ts `methods`). */
export const drillReportMethods = {
  /** A run's report as a file: Markdown, JSON, or one HTML page with nothing external. */
  'drills.report': { input: z.strictObject({ runId: runIdInput, format: DrillReportFormat }), output: DrillReportFile },
  /** The drill's runs over time (at most `limit`, newest kept), each compared with the median of its previous ones. */
  'drills.history': { input: z.strictObject({ drill: drillNameInput, limit: z.number().int().min(1).max(500).optional() }), output: DrillHistory },
} as const;

// The words shared by the reports and the Drills view are in drill-words.ts (no zod: the page's first render reads them).
