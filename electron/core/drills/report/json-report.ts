import { describeAction } from '../../../../shared/runbook-text';
import { derivedRows, failedRequestFacts, isoTime, outcomeLine, timeline, type DrillReportInput } from './report-facts';

/** Names the document so a reader (or a script) knows what it holds and which shape. */
export const JSON_REPORT_KIND = 'fleetops.drill-report';
export const JSON_REPORT_VERSION = 1;

/**
 * A drill run's report as JSON, for scripts and archives: the same facts as the Markdown and HTML
 * reports (outcome, timeline, expectations, derived times, failed requests), plus everything they
 * summarise — every per-second sample, the whole plan, the fault's and the response's runs with
 * their output, the drill's history. Times are ms since the epoch with an ISO copy beside the
 * ones a person looks for. JSON.stringify escapes what needs escaping; nothing is dropped.
 */
export function jsonReport(input: DrillReportInput): string {
  const { run } = input;
  const iso = (ms: number | null) => (ms === null ? null : isoTime(ms));
  const document = {
    kind: JSON_REPORT_KIND,
    version: JSON_REPORT_VERSION,
    generatedAt: input.generatedAt,
    generatedAtIso: isoTime(input.generatedAt),
    outcome: outcomeLine(run),
    run: {
      id: run.id,
      drill: run.drill,
      description: run.plan.description,
      status: run.status,
      phase: run.phase,
      reasonCode: run.reasonCode,
      reason: run.reason,
      trigger: run.trigger,
      seed: run.seed,
      seedSource: run.plan.seedSource,
      startedAt: run.startedAt,
      startedAtIso: iso(run.startedAt),
      injectedAt: run.injectedAt,
      injectedAtIso: iso(run.injectedAt),
      restoredAt: run.restoredAt,
      restoredAtIso: iso(run.restoredAt),
      endedAt: run.endedAt,
      endedAtIso: iso(run.endedAt),
      faultRunId: run.faultRunId,
      responseRunId: run.responseRunId,
    },
    targets: { selection: run.plan.selection, chosen: run.plan.targets },
    fault: {
      spec: run.plan.fault,
      inject: run.plan.inject.map((s) => ({ index: s.index, title: s.title, command: describeAction(s.action), restore: s.undo ? describeAction(s.undo) : null })),
    },
    hypothesis: run.plan.hypothesis,
    response: run.plan.response,
    timeline: timeline(run).map((r) => ({ ...r, atIso: isoTime(r.at) })),
    expectations: run.expectations,
    plannedExpectations: run.plan.expectations,
    derived: run.derived,
    derivedText: derivedRows(run),
    failedRequests: failedRequestFacts(run),
    seconds: run.seconds,
    plan: run.plan,
    faultRun: input.faultRun ?? null,
    responseRun: input.responseRun ?? null,
    history: input.history ?? null,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
