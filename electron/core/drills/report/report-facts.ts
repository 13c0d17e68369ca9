import type { DrillExpectationName, DrillMilestone, DrillRunView, DrillSecond } from '../../../../shared/drill-run';
import type { DrillHistory } from '../../../../shared/drill-report';
import { EXPECTATION_LABELS, MILESTONE_LABELS } from '../../../../shared/drill-words';
import type { RunView } from '../../../../shared/runbook';

/**
 * What every report format says about a drill run, worked out once: the Markdown, JSON and HTML
 * renderers only lay these facts out, so the three cannot disagree on a number.
 */

/** What a report is made from: the run, and what the store knows around it. */
export interface DrillReportInput {
  run: DrillRunView;
  /** The engine run that held the fault (its steps' commands and output), when still in the store. */
  faultRun?: RunView | null;
  /** The response runbook run (automatic, or the operator's on a game day). */
  responseRun?: RunView | null;
  /** The drill's history up to now, for the trend section; null to leave it out. */
  history?: DrillHistory | null;
  /** When the report was made (ms since the epoch). */
  generatedAt: number;
}

/** "2026-03-29T01:00:00.000Z": reports are read anywhere, so every time is UTC and says so. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** "12.3 s", "—" for a thing that did not happen. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '—';
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/** "T+12.3 s", "T−0.5 s" before the injection, "—" without a T0. */
export function formatSinceInject(seconds: number | null): string {
  if (seconds === null) return '—';
  const abs = Math.abs(seconds);
  const text = Number.isInteger(abs) ? String(abs) : abs.toFixed(1);
  return `T${seconds < 0 ? '−' : '+'}${text} s`;
}

export function formatPct(ratio: number | null): string {
  return ratio === null ? '—' : `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.001 ? 3 : 1)} %`;
}

/** The instant the plot and the timeline count from: the injection, else the start. */
export function timeZero(run: DrillRunView): number {
  return run.injectedAt ?? run.startedAt;
}

export interface TimelineRow {
  name: DrillMilestone['name'];
  label: string;
  at: number;
  /** Seconds since T0 (the milestone's own, else computed from T0). */
  sinceInject: number | null;
  subject: string | null;
  text: string;
  flagged: boolean;
  values: Record<string, number>;
}

/** The milestones in the order they happened (ties kept in the order the runner stored them). */
export function timeline(run: DrillRunView): TimelineRow[] {
  return run.milestones
    .map((m, i) => ({ m, i }))
    .sort((a, b) => a.m.at - b.m.at || a.i - b.i)
    .map(({ m }) => ({
      name: m.name,
      label: MILESTONE_LABELS[m.name],
      at: m.at,
      sinceInject: m.sinceInjectSeconds ?? (run.injectedAt === null ? null : (m.at - run.injectedAt) / 1000),
      subject: m.subject,
      text: m.text,
      flagged: m.flagged,
      values: m.values,
    }));
}

/** The one line a report opens with. */
export function outcomeLine(run: DrillRunView): string {
  const failed = run.expectations.filter((e) => !e.passed).length;
  switch (run.status) {
    case 'passed':
      return `PASSED: ${run.expectations.length === 1 ? 'the expectation was' : `all ${run.expectations.length} expectations were`} met.`;
    case 'failed':
      return `FAILED: ${failed} of ${run.expectations.length} expectation${run.expectations.length === 1 ? '' : 's'} not met.`;
    case 'aborted':
      return `ABORTED${run.reasonCode ? ` (${run.reasonCode})` : ''}: ${run.reason ?? 'no reason recorded'}. The fault was restored.`;
    case 'skipped':
      return `SKIPPED${run.reasonCode ? ` (${run.reasonCode})` : ''}: ${run.reason ?? 'no reason recorded'}. Nothing was injected.`;
    case 'restore-failed':
      return `RESTORE FAILED: ${run.reason ?? 'no reason recorded'}. The fault may still be in place: deal with it now.`;
    default:
      return `IN PROGRESS (${run.status}): this report is a snapshot; the drill has not ended.`;
  }
}

export interface ExpectationRow {
  label: string;
  expected: string;
  measured: string;
  /** null: not judged (the run ended before judging, or is still running). */
  passed: boolean | null;
  text: string;
}

/** Judged expectations with measured against expected; before judging, the plan's with "not judged". */
export function expectationRows(run: DrillRunView): ExpectationRow[] {
  const fmt = (name: DrillExpectationName, v: number | null) => (name === 'maxFailedRequests' ? (v === null ? '—' : String(v)) : formatSeconds(v));
  if (run.expectations.length > 0) {
    return run.expectations.map((e) => ({ label: EXPECTATION_LABELS[e.name], expected: fmt(e.name, e.limit), measured: fmt(e.name, e.measured), passed: e.passed, text: e.text }));
  }
  const p = run.plan.expectations;
  const planned: [DrillExpectationName, number | null, number | null][] = [
    ['detectedWithin', p.detectedWithinSeconds, run.derived.detectSeconds],
    ['mitigatedWithin', p.mitigatedWithinSeconds, run.derived.mitigateSeconds],
    ['restoredWithin', p.restoredWithinSeconds, run.derived.recoverSeconds],
    ['maxFailedRequests', p.maxFailedRequests, run.injectedAt === null ? null : run.derived.requestsFailed],
  ];
  return planned
    .filter(([, limit]) => limit !== null)
    .map(([name, limit, measured]) => ({ label: EXPECTATION_LABELS[name], expected: fmt(name, limit), measured: fmt(name, measured), passed: null, text: 'not judged: the drill did not reach its end' }));
}

export interface DerivedRow {
  label: string;
  value: string;
  note: string;
}

/** The derived times and ratios, in words; a row for a replacement's model load only when one ran. */
export function derivedRows(run: DrillRunView): DerivedRow[] {
  const d = run.derived;
  const rows: DerivedRow[] = [
    { label: 'time to detect (console)', value: formatSeconds(d.detectSeconds), note: 'T0 → the console marks a target unhealthy or unreachable' },
    {
      label: 'HAProxy detection',
      value: formatSeconds(d.lbDetectSeconds),
      note:
        d.lbPromisedSeconds === null
          ? 'T0 → server DOWN in show stat'
          : `promised inter × fall = ${formatSeconds(d.lbPromisedSeconds)}${d.lbDetectSeconds !== null && run.milestones.some((m) => m.name === 'lb-down' && m.flagged) ? '; SLOWER than promised' : ''}`,
    },
    { label: 'response time', value: formatSeconds(d.responseSeconds), note: run.plan.response.kind === 'operator' ? 'T0 → the operator started the linked runbook' : 'T0 → response started' },
    { label: 'time to mitigate', value: formatSeconds(d.mitigateSeconds), note: 'T0 → the hypothesis holds again' },
    { label: 'time to recover', value: formatSeconds(d.recoverSeconds), note: 'T0 → back to baseline (LB state and weights as before, every target healthy)' },
    { label: 'requests sent / failed', value: `${d.requestsSent} / ${d.requestsFailed}`, note: `failed-request ratio ${formatPct(d.failedRatio)}` },
  ];
  if (d.spareModelLoadSeconds !== null || d.riseTimesInterSeconds !== null) {
    rows.push({ label: 'spare model load', value: formatSeconds(d.spareModelLoadSeconds), note: `start → first healthy answer; HAProxy's rise × inter is ${formatSeconds(d.riseTimesInterSeconds)}` });
  }
  return rows;
}

export interface LbCounterTotals {
  http5xx: number;
  connectionErrors: number;
  responseErrors: number;
  retries: number;
  redispatches: number;
}

export interface FailedRequestFacts {
  sent: number;
  failed: number;
  ratio: number | null;
  /** The seconds in which a probe failed, with T+ from T0. */
  failingSeconds: { at: number; sinceInject: number; sent: number; failed: number }[];
  /** HAProxy's backend counters summed over the drill; null when never read. */
  lb: LbCounterTotals | null;
}

export function failedRequestFacts(run: DrillRunView): FailedRequestFacts {
  const t0 = timeZero(run);
  let lb: LbCounterTotals | null = null;
  for (const s of run.seconds) {
    if (s.lb === null) continue;
    lb ??= { http5xx: 0, connectionErrors: 0, responseErrors: 0, retries: 0, redispatches: 0 };
    lb.http5xx += s.lb.http5xx;
    lb.connectionErrors += s.lb.connectionErrors;
    lb.responseErrors += s.lb.responseErrors;
    lb.retries += s.lb.retries;
    lb.redispatches += s.lb.redispatches;
  }
  return {
    sent: run.derived.requestsSent,
    failed: run.derived.requestsFailed,
    ratio: run.derived.failedRatio,
    failingSeconds: run.seconds.filter((s) => s.failed > 0).map((s) => ({ at: s.at, sinceInject: (s.at - t0) / 1000, sent: s.sent, failed: s.failed })),
    lb,
  };
}

/** One second as plotted: success % of that second's probes and their p95, x in seconds from T0. */
export interface PlotPoint {
  x: number;
  successPct: number | null;
  p95Ms: number | null;
}

export function plotPoints(run: DrillRunView): PlotPoint[] {
  const t0 = timeZero(run);
  return [...run.seconds]
    .sort((a, b) => a.at - b.at)
    .map((s: DrillSecond) => ({ x: (s.at - t0) / 1000, successPct: s.sent > 0 ? ((s.sent - s.failed) / s.sent) * 100 : null, p95Ms: s.p95Ms }));
}

/** The report's file name: drill, start time and status, safe on every file system. */
export function reportFileName(run: DrillRunView, extension: string): string {
  const stamp = isoTime(run.startedAt).replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  return `drill-${safe(run.drill)}-${stamp}-${safe(run.status)}.${extension}`;
}

/** "manual, by ops@host" / "scheduled for 2026-03-29T03:00+02:00". */
export function triggerText(run: DrillRunView): string {
  return run.trigger.kind === 'manual' ? `by hand, by ${run.trigger.user}@${run.trigger.host}` : `scheduled for ${run.trigger.localTime}`;
}
