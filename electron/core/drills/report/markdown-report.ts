import type { DrillHistory } from '../../../../shared/drill-report';
import { describeRegression } from '../../../../shared/drill-words';
import type { RunView } from '../../../../shared/runbook';
import { describeAction } from '../../../../shared/runbook-text';
import { escapeMarkdownInline as md, markdownCodeBlock } from './escape';
import {
  derivedRows,
  expectationRows,
  failedRequestFacts,
  formatPct,
  formatSeconds,
  formatSinceInject,
  isoTime,
  outcomeLine,
  timeline,
  triggerText,
  type DrillReportInput,
} from './report-facts';

/** Failing seconds listed one by one; a longer outage is summarised after these. */
export const MAX_FAILING_SECONDS_LISTED = 60;

const table = (head: readonly string[], rows: readonly (readonly string[])[]): string[] => [
  `| ${head.join(' | ')} |`,
  `| ${head.map(() => '---').join(' | ')} |`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
];

const resultWord = (passed: boolean | null) => (passed === null ? 'not judged' : passed ? 'pass' : '**FAIL**');

/**
 * A drill run's report as Markdown (GitHub-flavoured tables): outcome, seed and targets, the fault
 * as sent, the measured timeline, each expectation measured against expected, the derived times,
 * the failed requests, the fault's and the response's steps with their output, and the drill's
 * history. Every untrusted text is escaped; command output goes in fences it cannot close.
 */
export function markdownReport(input: DrillReportInput): string {
  const { run } = input;
  const plan = run.plan;
  const out: string[] = [];
  out.push(`# Drill ${md(run.drill)}: run ${md(run.id)}`, '', `**${md(outcomeLine(run))}**`, '');
  out.push(`${md(plan.description)}`, '');
  out.push(
    `- Started: ${isoTime(run.startedAt)} (${md(triggerText(run))})`,
    `- Fault injected (T0): ${run.injectedAt === null ? 'never' : isoTime(run.injectedAt)}`,
    `- Restored: ${run.restoredAt === null ? '—' : isoTime(run.restoredAt)}`,
    `- Ended: ${run.endedAt === null ? 'not yet' : isoTime(run.endedAt)} (status ${md(run.status)}, last phase ${md(run.phase)})`,
    `- Seed: \`${md(run.seed)}\` (${md(plan.seedSource)})`,
    `- Report generated: ${isoTime(input.generatedAt)}`,
    '',
  );

  out.push('## Targets', '', md(plan.selection), '');
  for (const t of plan.targets) {
    out.push(`- ${md(t.kind)} **${md(t.name)}**${t.cluster ? ` (cluster ${md(t.cluster)}${t.protected ? ', protected' : ''})` : ''}: ${md(t.why)}`);
  }
  out.push('');

  out.push('## Fault', '', `Kind \`${md(plan.fault.kind)}\`. Inject, and the restore of each step:`, '');
  const lines = plan.inject.flatMap((s) => [`${s.index + 1}. ${s.title}`, `   do:      ${describeAction(s.action)}`, ...(s.undo ? [`   restore: ${describeAction(s.undo)}`] : [])]);
  out.push(markdownCodeBlock(lines.join('\n')), '');
  const h = plan.hypothesis;
  out.push(
    `Hypothesis: through ${md(h.url)} (${md(h.service)} on ${md(h.loadBalancer)}), success ≥ ${h.minSuccessPct} % and p95 ≤ ${h.maxP95LatencyMs} ms over ${h.windowSeconds} s, probing ${h.probeRatePerSecond}/s; grace ${h.graceSeconds} s.`,
    '',
    `Response: ${md(responseText(run.plan.response))}.`,
    '',
  );

  out.push('## Timeline', '');
  const rows = timeline(run);
  if (rows.length === 0) out.push('No milestone was recorded.');
  else {
    out.push(
      ...table(
        ['T', 'time (UTC)', 'milestone', 'subject', 'detail'],
        rows.map((r) => [formatSinceInject(r.sinceInject), isoTime(r.at), `${md(r.label)}${r.flagged ? ' **(flagged)**' : ''}`, r.subject === null ? '' : md(r.subject), md(r.text)]),
      ),
    );
  }
  out.push('');

  out.push('## Expectations', '');
  const expectations = expectationRows(run);
  out.push(...table(['expectation', 'expected', 'measured', 'result', 'detail'], expectations.map((e) => [md(e.label), e.expected, e.measured, resultWord(e.passed), md(e.text)])), '');

  out.push('## Derived', '');
  out.push(...table(['measure', 'value', 'how'], derivedRows(run).map((r) => [md(r.label), md(r.value), md(r.note)])), '');

  out.push(...failedRequestsSection(input));
  if (input.faultRun) out.push(...stepsSection('Fault run', input.faultRun));
  if (input.responseRun) out.push(...stepsSection('Response run', input.responseRun));
  if (input.history) out.push(...historySection(input.history, run.id));
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

export function responseText(r: DrillReportInput['run']['plan']['response']): string {
  if (r.kind === 'none') return "none (the load balancer's own failover)";
  if (r.kind === 'operator') return 'the operator (game day): a person starts a runbook linked to the drill';
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`);
  return `runbook ${r.runbook} on ${r.target}${params.length ? ` (${params.join(', ')})` : ''}, ${r.after.kind === 'detection' ? 'once the console detects the fault' : `${r.after.seconds} s after injecting`}`;
}

function failedRequestsSection(input: DrillReportInput): string[] {
  const f = failedRequestFacts(input.run);
  const out = ['## Failed requests', '', `The drill's own probes through the frontend: ${f.sent} sent, ${f.failed} failed (${formatPct(f.ratio)}).`, ''];
  if (f.lb) {
    out.push(
      `HAProxy's backend counters over the drill (retries can hide a failure from the client; these show it): ${f.lb.http5xx} HTTP 5xx, ${f.lb.connectionErrors} connection errors, ${f.lb.responseErrors} response errors, ${f.lb.retries} retries, ${f.lb.redispatches} redispatches.`,
      '',
    );
  }
  if (f.failingSeconds.length > 0) {
    const shown = f.failingSeconds.slice(0, MAX_FAILING_SECONDS_LISTED);
    out.push(...table(['T', 'time (UTC)', 'sent', 'failed'], shown.map((s) => [formatSinceInject(s.sinceInject), isoTime(s.at), String(s.sent), String(s.failed)])));
    const rest = f.failingSeconds.slice(MAX_FAILING_SECONDS_LISTED);
    if (rest.length > 0) out.push('', `… and ${rest.length} more seconds with failures (${rest.reduce((n, s) => n + s.failed, 0)} failed requests); the JSON report has every second.`);
    out.push('');
  }
  return out;
}

function stepsSection(title: string, run: RunView): string[] {
  const out = [`## ${title}`, '', `Runbook ${md(run.runbook)} on ${md(run.target)}, run ${md(run.id)}: ${md(run.status)}.`, ''];
  for (const s of run.steps) {
    out.push(`${s.index + 1}. ${md(s.title)}: ${md(s.status)}${s.durationMs === null ? '' : ` in ${s.durationMs} ms`}${s.error ? `; error: ${md(s.error)}` : ''}`);
    if (s.output.trim() !== '') out.push('', markdownCodeBlock(s.output), '');
  }
  out.push('');
  return out;
}

function historySection(history: DrillHistory, current: string): string[] {
  const r = history.rule;
  const out = [
    '## History',
    '',
    `A run is flagged when a measure is worse than the median of the previous ${r.baselineRuns} judged runs by more than ${r.marginPct} % (plus ${r.slackSeconds} s, or ${r.slackRequests} request).`,
    '',
  ];
  const cell = (v: number | null, seconds: boolean) => (v === null ? '—' : seconds ? formatSeconds(v) : String(v));
  out.push(
    ...table(
      ['started (UTC)', 'run', 'status', 'detect', 'mitigate', 'recover', 'failed requests', 'worse than the median'],
      history.entries.map((e) => [
        isoTime(e.startedAt),
        e.runId === current ? `**${md(e.runId)}** (this run)` : md(e.runId),
        md(e.status),
        cell(e.detectSeconds, true),
        cell(e.mitigateSeconds, true),
        cell(e.recoverSeconds, true),
        cell(e.failedRequests, false),
        e.regressions.length === 0 ? '' : `**${md(e.regressions.map(describeRegression).join('; '))}**`,
      ]),
    ),
    '',
  );
  return out;
}
