import type { DrillMilestoneName } from '../../../../shared/drill-run';
import type { DrillHistory } from '../../../../shared/drill-report';
import { describeRegression } from '../../../../shared/drill-words';
import type { RunView } from '../../../../shared/runbook';
import { describeAction } from '../../../../shared/runbook-text';
import { escapeHtml as esc } from './escape';
import { MAX_FAILING_SECONDS_LISTED, responseText } from './markdown-report';
import {
  derivedRows,
  expectationRows,
  failedRequestFacts,
  formatPct,
  formatSeconds,
  formatSinceInject,
  isoTime,
  outcomeLine,
  plotPoints,
  timeline,
  triggerText,
  type DrillReportInput,
} from './report-facts';
import { svgPlot, type SvgMarker } from './svg-plot';

/**
 * The page's own policy: nothing may be fetched (no script, font, image or stylesheet from
 * anywhere); only the inline <style> applies. A report opened from a mail or a share years
 * later shows the same thing, and leaks nothing about who opened it.
 */
export const HTML_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** A self-contained report page (drill and incident reports): nothing external, under HTML_REPORT_CSP. `title` is HTML-escaped already. */
export function htmlPage(title: string, style: string, body: readonly string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${HTML_REPORT_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${style}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const MILESTONE_COLORS: Readonly<Record<DrillMilestoneName, string>> = {
  started: '#5f6368',
  injected: '#c5221f',
  'first-failure': '#e37400',
  'console-detected': '#b06000',
  'lb-down': '#8430ce',
  'response-started': '#1967d2',
  'response-finished': '#1967d2',
  'spare-started': '#1967d2',
  'spare-healthy': '#188038',
  mitigated: '#188038',
  restored: '#007b83',
  baseline: '#188038',
  aborted: '#c5221f',
  'restore-failed': '#c5221f',
};

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;color:#202124;background:#fff;margin:24px auto;max-width:960px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dadce0;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #dadce0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f4}.mono,pre,code{font-family:ui-monospace,monospace;font-size:12.5px}
pre{background:#f8f9fa;border:1px solid #dadce0;padding:8px;overflow:auto;white-space:pre-wrap;word-break:break-word}
.outcome{font-weight:700;padding:8px 12px;border-radius:4px;border:1px solid}
.outcome-passed{background:#e6f4ea;border-color:#188038;color:#0d652d}.outcome-failed,.outcome-aborted,.outcome-restore-failed{background:#fce8e6;border-color:#c5221f;color:#a50e0e}
.outcome-other{background:#fef7e0;border-color:#b06000;color:#7a4100}
.fail,.flag{color:#a50e0e;font-weight:700}.pass{color:#0d652d}.muted{color:#5f6368}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}dt{color:#5f6368}dd{margin:0}
ol.legend{columns:2;font-size:13px}`;

const result = (passed: boolean | null) => (passed === null ? '<span class="muted">not judged</span>' : passed ? '<span class="pass">pass</span>' : '<span class="fail">FAIL</span>');

function row(cells: readonly string[], header = false): string {
  const tag = header ? 'th' : 'td';
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
}

/**
 * A drill run's report as one HTML page with nothing external (see HTML_REPORT_CSP): outcome,
 * facts, an inline SVG plot of success rate and p95 latency across the drill with every
 * milestone marked, the timeline, expectations measured against expected, derived times, failed
 * requests, the fault's and response's steps with output, and the history with its trend plot.
 * Every text from the drill, the fleet or a host is escaped.
 */
export function htmlReport(input: DrillReportInput): string {
  const { run } = input;
  const plan = run.plan;
  const outcomeClass = ['passed', 'failed', 'aborted', 'restore-failed'].includes(run.status) ? `outcome-${run.status}` : 'outcome-other';
  const body: string[] = [];
  body.push(`<h1>Drill ${esc(run.drill)}</h1>`, `<p class="muted">${esc(plan.description)}</p>`);
  body.push(`<p class="outcome ${outcomeClass}" data-status="${esc(run.status)}">${esc(outcomeLine(run))}</p>`);
  const facts: [string, string][] = [
    ['run', `<span class="mono">${esc(run.id)}</span>`],
    ['started', `${esc(isoTime(run.startedAt))} (${esc(triggerText(run))})`],
    ['fault injected (T0)', run.injectedAt === null ? 'never' : esc(isoTime(run.injectedAt))],
    ['restored', run.restoredAt === null ? '—' : esc(isoTime(run.restoredAt))],
    ['ended', run.endedAt === null ? 'not yet' : esc(isoTime(run.endedAt))],
    ['seed', `<span class="mono" data-seed>${esc(run.seed)}</span> (${esc(plan.seedSource)})`],
    ['targets', `${esc(plan.selection)}<br>${plan.targets.map((t) => `${esc(t.kind)} <b>${esc(t.name)}</b>${t.protected ? ' (protected)' : ''}: ${esc(t.why)}`).join('<br>')}`],
    ['fault', `<span class="mono">${esc(plan.fault.kind)}</span>`],
    [
      'hypothesis',
      esc(`through ${plan.hypothesis.url}: success ≥ ${plan.hypothesis.minSuccessPct} % and p95 ≤ ${plan.hypothesis.maxP95LatencyMs} ms over ${plan.hypothesis.windowSeconds} s; grace ${plan.hypothesis.graceSeconds} s`),
    ],
    ['response', esc(responseText(plan.response))],
    ['report generated', esc(isoTime(input.generatedAt))],
  ];
  body.push(`<dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`);

  body.push('<h2>Success rate and latency</h2>', ...plotSection(input));

  body.push('<h2>Timeline</h2>');
  const rows = timeline(run);
  body.push(
    rows.length === 0
      ? '<p>No milestone was recorded.</p>'
      : `<table data-section="timeline">${row(['#', 'T', 'time (UTC)', 'milestone', 'subject', 'detail'], true)}${rows
          .map((r, i) =>
            row([
              String(i + 1),
              esc(formatSinceInject(r.sinceInject)),
              esc(isoTime(r.at)),
              `${esc(r.label)}${r.flagged ? ' <span class="flag">(flagged)</span>' : ''}`,
              r.subject === null ? '' : `<span class="mono">${esc(r.subject)}</span>`,
              esc(r.text),
            ]),
          )
          .join('')}</table>`,
  );

  body.push('<h2>Expectations</h2>');
  body.push(
    `<table data-section="expectations">${row(['expectation', 'expected', 'measured', 'result', 'detail'], true)}${expectationRows(run)
      .map((e) => row([esc(e.label), esc(e.expected), esc(e.measured), result(e.passed), esc(e.text)]))
      .join('')}</table>`,
  );

  body.push('<h2>Derived</h2>');
  body.push(`<table data-section="derived">${row(['measure', 'value', 'how'], true)}${derivedRows(run).map((r) => row([esc(r.label), esc(r.value), esc(r.note)])).join('')}</table>`);

  body.push(...failedRequestsSection(input));
  body.push('<h2>Fault as planned</h2>');
  body.push(`<pre>${esc(plan.inject.flatMap((s) => [`${s.index + 1}. ${s.title}`, `   do:      ${describeAction(s.action)}`, ...(s.undo ? [`   restore: ${describeAction(s.undo)}`] : [])]).join('\n'))}</pre>`);
  if (input.faultRun) body.push(...stepsSection('Fault run', input.faultRun));
  if (input.responseRun) body.push(...stepsSection('Response run', input.responseRun));
  if (input.history) body.push(...historySection(input.history, run.id));

  return htmlPage(`Drill ${esc(run.drill)}: ${esc(run.status)} (${esc(isoTime(run.startedAt))})`, STYLE, body);
}

function plotSection(input: DrillReportInput): string[] {
  const { run } = input;
  const points = plotPoints(run);
  const marks = timeline(run);
  if (points.length === 0) return ['<p data-plot-empty>No per-second sample was recorded (nothing was injected, or the drill ended at once).</p>'];
  const xs = [...points.map((p) => p.x), ...marks.map((m) => m.sinceInject ?? 0)];
  const markers: SvgMarker[] = marks.map((m, i) => ({
    x: m.sinceInject ?? 0,
    tag: String(i + 1),
    key: m.name,
    color: MILESTONE_COLORS[m.name],
    label: `${i + 1}. ${m.label} at ${formatSinceInject(m.sinceInject)}${m.text ? `: ${m.text}` : ''}`,
  }));
  const h = run.plan.hypothesis;
  const svg = svgPlot({
    title: `Drill ${run.drill}: success rate and p95 latency per second through the frontend, milestones marked`,
    xLabel: 'seconds since the fault was injected (T0)',
    xMin: Math.min(...xs),
    xMax: Math.max(...xs),
    formatX: (x) => `${x > 0 ? '+' : ''}${Math.round(x)} s`,
    markers,
    panels: [
      {
        title: 'success rate',
        unit: '%',
        yMin: 0,
        yMax: 100,
        threshold: { y: h.minSuccessPct, label: `hypothesis: success ≥ ${h.minSuccessPct} %` },
        series: [
          { key: 'success', label: 'success of the probes sent in that second', color: '#1967d2', points: points.map((p) => ({ x: p.x, y: p.successPct })) },
          {
            key: 'window-success',
            label: `success over the sliding ${h.windowSeconds} s window`,
            color: '#80868b',
            points: [...run.seconds].sort((a, b) => a.at - b.at).map((s, i) => ({ x: points[i].x, y: s.windowSuccess === null ? null : s.windowSuccess * 100 })),
          },
        ],
      },
      {
        title: 'p95 latency',
        unit: 'ms',
        threshold: { y: h.maxP95LatencyMs, label: `hypothesis: p95 ≤ ${h.maxP95LatencyMs} ms` },
        series: [{ key: 'p95', label: 'p95 latency of the probes answered in that second', color: '#8430ce', points: points.map((p) => ({ x: p.x, y: p.p95Ms })) }],
      },
    ],
  });
  // The list numbers the legend; the label without its number (the marker's tooltip keeps it).
  const legend = markers.map((m) => `<li style="color:${m.color}"><span style="color:#202124">${esc(m.label.replace(/^\d+\. /, ''))}</span></li>`).join('');
  return [`<figure data-section="plot">${svg}<figcaption class="muted">Blue: success per second; grey: over the hypothesis's window; dashed orange: the hypothesis's limits. Numbered lines: milestones.</figcaption></figure>`, `<ol class="legend">${legend}</ol>`];
}

function failedRequestsSection(input: DrillReportInput): string[] {
  const f = failedRequestFacts(input.run);
  const out = ['<h2>Failed requests</h2>', `<p data-failed="${f.failed}">The drill's own probes through the frontend: ${f.sent} sent, <b>${f.failed} failed</b> (${esc(formatPct(f.ratio))}).</p>`];
  if (f.lb) {
    out.push(
      `<p>HAProxy's backend counters over the drill (its retries can hide a failure from the client; these show it): ${f.lb.http5xx} HTTP 5xx, ${f.lb.connectionErrors} connection errors, ${f.lb.responseErrors} response errors, ${f.lb.retries} retries, ${f.lb.redispatches} redispatches.</p>`,
    );
  }
  if (f.failingSeconds.length > 0) {
    const shown = f.failingSeconds.slice(0, MAX_FAILING_SECONDS_LISTED);
    out.push(`<table data-section="failing-seconds">${row(['T', 'time (UTC)', 'sent', 'failed'], true)}${shown.map((s) => row([esc(formatSinceInject(s.sinceInject)), esc(isoTime(s.at)), String(s.sent), String(s.failed)])).join('')}</table>`);
    const rest = f.failingSeconds.slice(MAX_FAILING_SECONDS_LISTED);
    if (rest.length > 0) out.push(`<p class="muted">… and ${rest.length} more seconds with failures (${rest.reduce((n, s) => n + s.failed, 0)} failed requests); the JSON report has every second.</p>`);
  }
  return out;
}

function stepsSection(title: string, run: RunView): string[] {
  const out = [`<h2>${esc(title)}</h2>`, `<p>Runbook <span class="mono">${esc(run.runbook)}</span> on <span class="mono">${esc(run.target)}</span>, run <span class="mono">${esc(run.id)}</span>: ${esc(run.status)}.</p>`, '<ol>'];
  for (const s of run.steps) {
    out.push(
      `<li>${esc(s.title)}: ${esc(s.status)}${s.durationMs === null ? '' : ` in ${s.durationMs} ms`}${s.error ? `; <span class="fail">error: ${esc(s.error)}</span>` : ''}${s.output.trim() === '' ? '' : `<pre>${esc(s.output)}</pre>`}</li>`,
    );
  }
  out.push('</ol>');
  return out;
}

function historySection(history: DrillHistory, current: string): string[] {
  const r = history.rule;
  const out = [
    '<h2>History</h2>',
    `<p>A run is flagged when a measure is worse than the median of the previous ${r.baselineRuns} judged runs by more than ${r.marginPct} % (plus ${r.slackSeconds} s, or ${r.slackRequests} request).</p>`,
  ];
  const entries = history.entries;
  if (entries.length > 1) {
    const point = (metric: 'detectSeconds' | 'mitigateSeconds' | 'recoverSeconds' | 'failedRequests') => entries.map((e, i) => ({ x: i + 1, y: e[metric] }));
    const rings = (metrics: readonly string[]) =>
      entries.flatMap((e, i) => e.regressions.filter((g) => metrics.includes(g.metric)).map((g) => ({ x: i + 1, y: g.value, label: `run ${i + 1}: ${describeRegression(g)}` })));
    out.push(
      `<figure data-section="trend">${svgPlot({
        title: `Drill ${history.drill}: times and failed requests across runs`,
        xLabel: 'run (oldest first)',
        xMin: 1,
        xMax: entries.length,
        formatX: (x) => (Number.isInteger(x) ? `#${x}` : ''),
        panelHeight: 120,
        panels: [
          {
            title: 'time to detect / mitigate / recover',
            unit: 's',
            series: [
              { key: 'detect', label: 'time to detect', color: '#b06000', points: point('detectSeconds') },
              { key: 'mitigate', label: 'time to mitigate', color: '#1967d2', points: point('mitigateSeconds') },
              { key: 'recover', label: 'time to recover', color: '#188038', points: point('recoverSeconds') },
            ],
            rings: rings(['detectSeconds', 'mitigateSeconds', 'recoverSeconds']),
          },
          { title: 'failed requests', unit: 'requests', series: [{ key: 'failed', label: 'failed requests', color: '#c5221f', points: point('failedRequests') }], rings: rings(['failedRequests']) },
        ],
      })}<figcaption class="muted">Orange: detect; blue: mitigate; green: recover. A red ring: worse than the median of the previous runs.</figcaption></figure>`,
    );
  }
  const cell = (v: number | null, seconds: boolean) => (v === null ? '—' : seconds ? esc(formatSeconds(v)) : String(v));
  out.push(
    `<table data-section="history">${row(['#', 'started (UTC)', 'run', 'status', 'detect', 'mitigate', 'recover', 'failed requests', 'worse than the median'], true)}${entries
      .map((e, i) =>
        row([
          String(i + 1),
          esc(isoTime(e.startedAt)),
          `<span class="mono">${esc(e.runId)}</span>${e.runId === current ? ' (this run)' : ''}`,
          esc(e.status),
          cell(e.detectSeconds, true),
          cell(e.mitigateSeconds, true),
          cell(e.recoverSeconds, true),
          cell(e.failedRequests, false),
          e.regressions.length === 0 ? '' : `<span class="flag" data-regression>${esc(e.regressions.map(describeRegression).join('; '))}</span>`,
        ]),
      )
      .join('')}</table>`,
  );
  return out;
}
