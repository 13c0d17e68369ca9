import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { HISTORY_RANGE_MS, type HistoryQuery, type HistoryRange, type ReplicaMetric } from '../../../shared/history';
import type { ReplicaStatus } from '../../../shared/services';
import { eventQueries } from '../api/queries/events';
import { ErrorNote } from '../components/ErrorNote';
import { quantileValues, replicaPoint } from './live-series';
import { RangeSwitch } from './RangeSwitch';
import { failureMarkers, replicaHealthMarkers, withLiveFailure, type PlotMarker } from './markers';
import { TimeSeriesPlot, type PlotLine } from './TimeSeriesPlot';
import { useLiveHistory } from './use-live-history';
import { historyQueries } from '../api/queries/history';

const METRICS: ReplicaMetric[] = ['healthLatencyMs', 'completionLatencyMs', 'healthOutcome', 'completionOutcome'];
/**
 * The last hour in 30 s intervals, each its readings' p50 and p95 (a health probe every few
 * seconds puts several in each); the day and month per rollup (1 min, 30 min).
 */
const STEP_MS: Partial<Record<HistoryRange, number>> = { '1h': 30_000 };
/** Latency from 0: a plot starting at 12 ms makes 13 ms look like a doubling. */
const fromZero = (_min: number | null, max: number | null): [number, number] => [0, Math.max(1, (max ?? 1) * 1.15)];
/** p95 first and wider, p50 over it: where they are equal (one reading) both still show. */
const quantileLines = (metric: ReplicaMetric): PlotLine[] => [
  { key: `${metric}.p95`, label: 'p95', unit: 'ms', color: '--unreachable', width: 4.5 },
  { key: `${metric}.p50`, label: 'p50', unit: 'ms', color: '--accent', width: 2 },
];
const HEALTH = quantileLines('healthLatencyMs');
const COMPLETION = quantileLines('completionLatencyMs');

/**
 * A replica's probe latencies, p50 and p95, over the last hour, day or month (health probe and
 * completion plotted apart: they differ by orders of magnitude), failed probes marked, health
 * changes too. Live from `replicas.updated`: readings extend the last interval, failures are
 * marked as they come.
 */
export function ReplicaHistory({ replica }: { replica: ReplicaStatus }) {
  const [range, setRange] = useState<HistoryRange>('1h');
  const query = useMemo((): HistoryQuery => ({ kind: 'replica', subject: replica.name, metrics: METRICS, range, ...(STEP_MS[range] ? { stepMs: STEP_MS[range] } : {}) }), [replica.name, range]);
  const live = useMemo(() => replicaPoint(replica), [replica]);
  const { data, error } = useLiveHistory(query, live);
  const fetched = useQuery(historyQueries.series(query));
  const events = useQuery(eventQueries.list(replica.name));
  const liveFailures = useLiveFailures(replica, fetched.data?.to ?? null);
  const health = useMemo(() => replicaHealthMarkers(events.data ?? []), [events.data]);
  const healthMarks = useMemo(() => [...health, ...failureMarkers(fetched.data, 'healthOutcome', 'health probe'), ...liveFailures.health], [health, fetched.data, liveFailures.health]);
  const completionMarks = useMemo(() => [...health, ...failureMarkers(fetched.data, 'completionOutcome', 'completion'), ...liveFailures.completion], [health, fetched.data, liveFailures.completion]);
  const healthValues = useMemo(() => (data ? quantileValues(data, 'healthLatencyMs') : {}), [data]);
  const completionValues = useMemo(() => (data ? quantileValues(data, 'completionLatencyMs') : {}), [data]);
  return (
    <section className="plots" aria-label={`${replica.name} probe latency over time`} data-testid="replica-history">
      <div className="plot-controls">
        <span className="muted">probe latency, p50 and p95</span>
        <RangeSwitch value={range} onChange={setRange} name={replica.name} />
      </div>
      {error ? <ErrorNote error={error} context="history.series" /> : null}
      {data ? (
        <>
          <TimeSeriesPlot title={`${replica.name} health probe latency p50 and p95, last ${range}`} ts={data.ts} values={healthValues} lines={HEALTH} markers={healthMarks} testid="replica-plot-health" height={110} windowMs={HISTORY_RANGE_MS[range]} yRange={fromZero} />
          <TimeSeriesPlot title={`${replica.name} completion latency p50 and p95, last ${range}`} ts={data.ts} values={completionValues} lines={COMPLETION} markers={completionMarks} testid="replica-plot-completion" height={110} windowMs={HISTORY_RANGE_MS[range]} yRange={fromZero} />
        </>
      ) : null}
    </section>
  );
}

/** Failed probes pushed since the series was read (`since`: its `to`), per plot; emptied when it is read again. */
function useLiveFailures(replica: ReplicaStatus, since: number | null): { health: readonly PlotMarker[]; completion: readonly PlotMarker[] } {
  const [marks, setMarks] = useState<{ health: readonly PlotMarker[]; completion: readonly PlotMarker[] }>({ health: [], completion: [] });
  useEffect(() => setMarks({ health: [], completion: [] }), [since]);
  const { lastHealth, lastCompletion } = replica;
  useEffect(() => {
    if (since === null) return;
    setMarks((m) => {
      const health = withLiveFailure(m.health, lastHealth, 'health probe', since);
      const completion = withLiveFailure(m.completion, lastCompletion, 'completion', since);
      return health === m.health && completion === m.completion ? m : { health, completion };
    });
  }, [lastHealth?.at, lastCompletion?.at, since]);
  return marks;
}
