import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { HISTORY_RANGE_MS, type HistoryRange, type ReplicaMetric } from '../../../shared/history';
import type { ReplicaStatus } from '../../../shared/services';
import { eventQueries } from '../api/queries/events';
import { ErrorNote } from '../components/ErrorNote';
import { replicaPoint } from './live-series';
import { RangeSwitch } from './RangeSwitch';
import { failureMarkers, replicaHealthMarkers } from './markers';
import { TimeSeriesPlot, type PlotLine } from './TimeSeriesPlot';
import { useLiveHistory } from './use-live-history';
import { historyQueries } from '../api/queries/history';

const METRICS: ReplicaMetric[] = ['healthLatencyMs', 'completionLatencyMs', 'healthOutcome', 'completionOutcome'];
const HEALTH: PlotLine[] = [{ key: 'healthLatencyMs', label: 'health probe', unit: 'ms', color: '--accent' }];
/** Latency from 0: a plot starting at 12 ms makes 13 ms look like a doubling. */
const fromZero = (_min: number | null, max: number | null): [number, number] => [0, Math.max(1, (max ?? 1) * 1.15)];
const COMPLETION: PlotLine[] = [{ key: 'completionLatencyMs', label: 'completion', unit: 'ms', color: '--healthy' }];

/**
 * A replica's probe latencies over the last hour, day or month (health probe and completion
 * plotted apart: they differ by orders of magnitude), failures marked, health changes too.
 * Live from `replicas.updated`.
 */
export function ReplicaHistory({ replica }: { replica: ReplicaStatus }) {
  const [range, setRange] = useState<HistoryRange>('1h');
  const query = useMemo(() => ({ kind: 'replica' as const, subject: replica.name, metrics: METRICS, range }), [replica.name, range]);
  const live = useMemo(() => replicaPoint(replica), [replica]);
  const { data, error } = useLiveHistory(query, live);
  const fetched = useQuery(historyQueries.series(query));
  const events = useQuery(eventQueries.list(replica.name));
  const health = useMemo(() => replicaHealthMarkers(events.data ?? []), [events.data]);
  const healthMarks = useMemo(() => [...health, ...failureMarkers(fetched.data, 'healthOutcome', 'health probe')], [health, fetched.data]);
  const completionMarks = useMemo(() => [...health, ...failureMarkers(fetched.data, 'completionOutcome', 'completion')], [health, fetched.data]);
  return (
    <section className="plots" aria-label={`${replica.name} probe latency over time`} data-testid="replica-history">
      <div className="plot-controls">
        <span className="muted">probe latency</span>
        <RangeSwitch value={range} onChange={setRange} name={replica.name} />
      </div>
      {error ? <ErrorNote error={error} context="history.series" /> : null}
      {data ? (
        <>
          <TimeSeriesPlot title={`${replica.name} health probe latency, last ${range}`} ts={data.ts} values={data.series} lines={HEALTH} markers={healthMarks} testid="replica-plot-health" height={110} windowMs={HISTORY_RANGE_MS[range]} yRange={fromZero} />
          <TimeSeriesPlot title={`${replica.name} completion latency, last ${range}`} ts={data.ts} values={data.series} lines={COMPLETION} markers={completionMarks} testid="replica-plot-completion" height={110} windowMs={HISTORY_RANGE_MS[range]} yRange={fromZero} />
        </>
      ) : null}
    </section>
  );
}
