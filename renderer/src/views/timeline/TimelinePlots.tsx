import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { HistoryQuery, HistoryRange, HistorySeries } from '../../../../shared/history';
import { HISTORY_RANGE_MS } from '../../../../shared/history';
import { FleetApiError } from '../../api/errors';
import { historyQueries } from '../../api/queries/history';
import { incidentHistoryQuery } from '../../api/queries/incidents';
import { ErrorNote } from '../../components/ErrorNote';
import { fromHistory, quantileValues } from '../../plots/live-series';
import type { PlotMarker } from '../../plots/markers';
import { TimeSeriesPlot, type PlotLine } from '../../plots/TimeSeriesPlot';

/** What the plots read of a series: `history.series`'s answer, or one series of an incident's history (incidents.history). */
type SeriesLike = Pick<HistorySeries, 'ts' | 'samples' | 'columns' | 'stepMs' | 'source'>;

const isNotFound = (e: unknown) => e instanceof FleetApiError && e.code === 'NOT_FOUND';

export interface PlottedSubject {
  subject: string;
  kind: 'node' | 'replica';
  /** A node's GPUs, when known (the live fleet); else the first eight are asked for. */
  gpus?: readonly number[];
}

/** At most this many subjects get plots: more would push the list off the screen. */
export const MAX_PLOTTED = 4;
/** GPU lines: distinct hues that read on both themes. */
const GPU_COLORS = ['#e5534b', '#f0883e', '#c69026', '#57ab5a', '#39c5cf', '#539bf5', '#b083f0', '#e275ad'];

/**
 * The history kept for a window [from, to] that may end long before now: raw readings exist for
 * the last hour only, minutes for a day, half hours for 30 days (the views issue's retention).
 */
export function rangeFor(from: number, now: number): HistoryRange {
  if (from >= now - HISTORY_RANGE_MS['1h']) return '1h';
  if (from >= now - HISTORY_RANGE_MS['24h']) return '24h';
  return '30d';
}

/**
 * The subjects' history on the timeline's own time axis ([from, to], the histogram's), so a spike
 * in a GPU's temperature sits right under the burst of events it caused: each node's GPUs'
 * temperature and power (one line per GPU), each replica's health probe latency p50/p95.
 */
export function TimelinePlots({ subjects, from, to, markers, incident }: { subjects: readonly PlottedSubject[]; from: number; to: number; markers: readonly PlotMarker[]; incident?: string }) {
  const shown = subjects.slice(0, MAX_PLOTTED);
  const range = rangeFor(from, Date.now());
  return (
    <section className="plots timeline-plots" aria-label="history of the subjects on the timeline's axis" data-testid="timeline-plots">
      {incident !== undefined ? (
        <IncidentPlots id={incident} subjects={shown} from={from} to={to} markers={markers} />
      ) : (
        shown.map((s) => (s.kind === 'node' ? <NodePlots key={s.subject} s={s} range={range} from={from} to={to} markers={markers} /> : <ReplicaPlot key={s.subject} s={s} range={range} from={from} to={to} markers={markers} />))
      )}
      {subjects.length > shown.length ? <p className="muted">{subjects.length - shown.length} more subjects not plotted: filter by subject to see theirs.</p> : null}
    </section>
  );
}

interface PlotProps {
  s: PlottedSubject;
  range: HistoryRange;
  from: number;
  to: number;
  markers: readonly PlotMarker[];
}

function NodePlots({ s, range, from, to, markers }: PlotProps) {
  const gpus = s.gpus && s.gpus.length > 0 ? s.gpus : [0, 1, 2, 3, 4, 5, 6, 7];
  const queries = useQueries({
    queries: gpus.map((gpu) => historyQueries.series({ kind: 'gpu', subject: s.subject, gpu, metrics: ['temperatureC', 'powerW'], range, end: to } satisfies HistoryQuery)),
  });
  // A GPU the history never saw answers NOT_FOUND: no line, not an error.
  const error = queries.find((q) => q.error && !isNotFound(q.error))?.error;
  const done = queries.every((q) => !q.isPending);
  const merged = useMemo(() => mergeGpus(gpus, queries.map((q) => q.data)), [queries.map((q) => q.dataUpdatedAt).join(',')]);
  if (error) return <ErrorNote error={error} context="history.series" />;
  if (!done) return <p className="empty loading">Loading {s.subject}’s GPUs…</p>;
  return <GpuPlots subject={s.subject} merged={merged} from={from} to={to} markers={markers} />;
}

function GpuPlots({ subject, merged, from, to, markers }: { subject: string; merged: ReturnType<typeof mergeGpus>; from: number; to: number; markers: readonly PlotMarker[] }) {
  const s = { subject };
  if (merged.lines.length === 0) return <p className="muted" data-testid="timeline-plot-empty">No GPU history kept for {s.subject} in this window.</p>;
  return (
    <>
      <p className="plot-title">{s.subject}: GPU temperature (°C)</p>
      <TimeSeriesPlot title={`${s.subject} GPU temperature`} ts={merged.ts} values={merged.temperature} lines={merged.temperatureLines} markers={markers} xRange={[from, to]} windowMs={to - from} height={110} testid="timeline-plot-temperature" />
      <p className="plot-title">{s.subject}: GPU power (W)</p>
      <TimeSeriesPlot title={`${s.subject} GPU power`} ts={merged.ts} values={merged.power} lines={merged.powerLines} markers={markers} xRange={[from, to]} windowMs={to - from} height={110} testid="timeline-plot-power" />
    </>
  );
}

/** One x axis for all of a node's GPUs (their readings share probe times), one line per GPU that has any. */
function mergeGpus(gpus: readonly number[], series: readonly (SeriesLike | undefined)[]) {
  const ts = [...new Set(series.flatMap((s) => s?.ts ?? []))].sort((a, b) => a - b);
  const at = new Map(ts.map((t, i) => [t, i]));
  const temperature: Record<string, (number | null)[]> = {};
  const power: Record<string, (number | null)[]> = {};
  const lines: PlotLine[] = [];
  series.forEach((s, k) => {
    if (!s || s.ts.length === 0) return;
    const key = `gpu${gpus[k]}`;
    const d = fromHistory(s, ['temperatureC', 'powerW']);
    temperature[key] = new Array<number | null>(ts.length).fill(null);
    power[key] = new Array<number | null>(ts.length).fill(null);
    s.ts.forEach((t, i) => {
      temperature[key]![at.get(t)!] = d.series.temperatureC?.[i] ?? null;
      power[key]![at.get(t)!] = d.series.powerW?.[i] ?? null;
    });
    lines.push({ key, label: `GPU ${gpus[k]}`, unit: '', color: GPU_COLORS[lines.length % GPU_COLORS.length]! });
  });
  const withUnit = (unit: string) => lines.map((l) => ({ ...l, unit }));
  return { ts, temperature, power, temperatureLines: withUnit('°C'), powerLines: withUnit('W'), lines };
}

const REPLICA_LINES: PlotLine[] = [
  { key: 'healthLatencyMs.p95', label: 'p95', unit: 'ms', color: '--unreachable', width: 4.5 },
  { key: 'healthLatencyMs.p50', label: 'p50', unit: 'ms', color: '--accent', width: 2 },
];

function ReplicaPlot({ s, range, from, to, markers }: PlotProps) {
  const q = useQueries({ queries: [historyQueries.series({ kind: 'replica', subject: s.subject, metrics: ['healthLatencyMs'], range, end: to })] })[0]!;
  if (q.error && isNotFound(q.error)) return <p className="muted" data-testid="timeline-plot-empty">No history kept for {s.subject} in this window.</p>;
  if (q.error) return <ErrorNote error={q.error} context="history.series" />;
  if (!q.data) return <p className="empty loading">Loading {s.subject}…</p>;
  return <LatencyPlot subject={s.subject} series={q.data} from={from} to={to} markers={markers} />;
}

function LatencyPlot({ subject, series, from, to, markers }: { subject: string; series: SeriesLike; from: number; to: number; markers: readonly PlotMarker[] }) {
  const values = useMemo(() => quantileValues(fromHistory(series, ['healthLatencyMs']), 'healthLatencyMs'), [series]);
  const s = { subject };
  const q = { data: series };
  return (
    <>
      <p className="plot-title">{s.subject}: health probe latency, p50 and p95 (ms)</p>
      <TimeSeriesPlot
      title={`${s.subject} health probe latency p50 and p95`}
      ts={q.data.ts}
      values={values}
      lines={REPLICA_LINES}
      markers={markers}
      xRange={[from, to]}
      windowMs={to - from}
      yRange={(_min, max) => [0, Math.max(1, (max ?? 1) * 1.15)]}
      height={110}
      testid="timeline-plot-replica"
      />
    </>
  );
}

/**
 * An incident's subjects from its own history (incidents.history): this fleet's for its own
 * incidents, the bundle's for an imported one — so a review console with no fleet plots the same.
 */
function IncidentPlots({ id, subjects, from, to, markers }: { id: string; subjects: readonly PlottedSubject[]; from: number; to: number; markers: readonly PlotMarker[] }) {
  const q = useQuery(incidentHistoryQuery(id));
  if (q.error) return <ErrorNote error={q.error} context="incidents.history" />;
  if (!q.data) return <p className="empty loading">Loading the incident’s history…</p>;
  const all = q.data.series;
  return (
    <>
      {subjects.map((s) => {
        if (s.kind === 'replica') {
          const series = all.find((x) => x.kind === 'replica' && x.subject === s.subject);
          return series ? <LatencyPlot key={s.subject} subject={s.subject} series={series} from={from} to={to} markers={markers} /> : <p key={s.subject} className="muted" data-testid="timeline-plot-empty">No history kept for {s.subject} in this window.</p>;
        }
        const gpus = all.filter((x) => x.kind === 'gpu' && x.subject === s.subject);
        return <GpuPlots key={s.subject} subject={s.subject} merged={mergeGpus(gpus.map((g) => g.gpu ?? 0), gpus)} from={from} to={to} markers={markers} />;
      })}
    </>
  );
}
