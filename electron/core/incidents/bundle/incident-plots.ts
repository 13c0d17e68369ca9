/**
 * The plots of an incident's HTML report, as inline SVG (drills/report/svg-plot.ts: no script,
 * nothing fetched) drawn from history.json: the GPUs' temperature and the replicas' health-probe
 * latency over the window, with every milestone a dashed line.
 */
import type { IncidentMilestoneName } from '../../../../shared/incident';
import { svgPlot, type SvgMarker, type SvgPanel, type SvgSeries } from '../../drills/report/svg-plot';
import type { IncidentHistorySeries } from './history-window';
import type { IncidentData } from './incident-parts';
import { isoTime } from './report-facts';

/** Lines per panel at most: past it the plot is a smear; the rest are in history.json. */
export const MAX_LINES_PER_PANEL = 16;

const PALETTE = ['#1967d2', '#c5221f', '#188038', '#e37400', '#8430ce', '#007b83', '#b06000', '#5f6368', '#d01884', '#12b5cb'];

export const MILESTONE_COLORS: Readonly<Record<IncidentMilestoneName, string>> = {
  started: '#c5221f',
  detected: '#e37400',
  acknowledged: '#1967d2',
  mitigated: '#188038',
  resolved: '#007b83',
  closed: '#5f6368',
};

function numericPoints(s: IncidentHistorySeries, metric: string, pick: 'values' | 'p95'): SvgSeries['points'] | null {
  const c = s.columns[metric];
  if (!c || c.type !== 'numeric') return null;
  const ys = pick === 'p95' && c.p95 && c.p95.some((y) => y !== null) ? c.p95 : c.values;
  return s.ts.map((t, i) => ({ x: t, y: ys[i] ?? null }));
}

function panel(title: string, unit: string, series: readonly IncidentHistorySeries[], label: (s: IncidentHistorySeries) => string, metric: string, pick: 'values' | 'p95'): SvgPanel | null {
  const lines: SvgSeries[] = [];
  for (const s of series) {
    const points = numericPoints(s, metric, pick);
    if (!points || !points.some((p) => p.y !== null)) continue;
    if (lines.length >= MAX_LINES_PER_PANEL) break;
    const key = `${s.kind}:${s.subject}${s.gpu === null ? '' : `:${s.gpu}`}`;
    lines.push({ key, label: label(s), color: PALETTE[lines.length % PALETTE.length]!, points });
  }
  return lines.length ? { title, unit, series: lines } : null;
}

/** The SVG, or null when the history holds nothing to draw. */
export function incidentPlot(data: IncidentData): string | null {
  const { history } = data;
  const gpus = history.series.filter((s) => s.kind === 'gpu');
  const replicas = history.series.filter((s) => s.kind === 'replica');
  const panels = [
    panel('GPU temperature', '°C', gpus, (s) => `${s.subject} GPU ${s.gpu}`, 'temperatureC', 'values'),
    panel(`replica health-probe latency (${history.source === 'raw' ? 'each probe' : 'p95 of each point'})`, 'ms', replicas, (s) => s.subject, 'healthLatencyMs', 'p95'),
  ].filter((p): p is SvgPanel => p !== null);
  if (panels.length === 0) return null;
  const markers: SvgMarker[] = data.incident.incident.milestones.map((m, i) => ({
    x: m.at,
    tag: String(i + 1),
    key: m.name,
    color: MILESTONE_COLORS[m.name],
    label: `${i + 1}. ${m.name} at ${isoTime(m.at)}`,
  }));
  return svgPlot({
    title: `Incident ${data.incident.incident.title}: GPU temperature and replica latency, milestones marked`,
    xLabel: 'time (UTC)',
    xMin: history.from,
    xMax: history.to,
    formatX: (x) => isoTime(x).slice(11, 19),
    markers,
    panels,
  });
}
