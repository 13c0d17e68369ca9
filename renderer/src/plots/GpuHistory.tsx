import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { HISTORY_RANGE_MS, type GpuMetric, type HistoryRange } from '../../../shared/history';
import type { NodeStatus } from '../../../shared/status';
import { eventQueries } from '../api/queries/events';
import { ErrorNote } from '../components/ErrorNote';
import { gpuPoint } from './live-series';
import { RangeSwitch } from './RangeSwitch';
import { nodeMarkers } from './markers';
import { TimeSeriesPlot, type PlotLine } from './TimeSeriesPlot';
import { useLiveHistory } from './use-live-history';

const METRICS: GpuMetric[] = ['temperatureC', 'memoryTemperatureC', 'powerW', 'utilizationPct', 'clockEventReasons'];
const PANELS: Array<{ title: string; lines: PlotLine[] }> = [
  {
    title: 'temperature',
    lines: [
      { key: 'temperatureC', label: 'GPU', unit: '°C', color: '--unhealthy' },
      { key: 'memoryTemperatureC', label: 'memory', unit: '°C', color: '--degraded' },
    ],
  },
  { title: 'power', lines: [{ key: 'powerW', label: 'power', unit: 'W', color: '--accent' }] },
  { title: 'utilisation', lines: [{ key: 'utilizationPct', label: 'utilisation', unit: '%', color: '--healthy' }] },
];

/**
 * One GPU of a node over the last hour, day or month: temperature, power and utilisation,
 * with the node's health changes and XIDs marked. Live from `nodes.updated` (the node's status).
 */
export function GpuHistory({ node }: { node: NodeStatus }) {
  const [range, setRange] = useState<HistoryRange>('1h');
  const [gpu, setGpu] = useState(node.gpus[0]?.index ?? 0);
  const query = useMemo(() => ({ kind: 'gpu' as const, subject: node.name, gpu, metrics: METRICS, range }), [node.name, gpu, range]);
  const live = useMemo(() => gpuPoint(node, gpu), [node, gpu]);
  const { data, error } = useLiveHistory(query, live);
  const events = useQuery(eventQueries.list(node.name));
  const markers = useMemo(() => nodeMarkers(events.data ?? []), [events.data]);
  return (
    <section className="plots" aria-label={`GPU ${gpu} of ${node.name} over time`} data-testid="gpu-history">
      <div className="plot-controls">
        <label>
          GPU{' '}
          <select value={gpu} onChange={(e) => setGpu(Number(e.target.value))} data-testid="gpu-history-gpu">
            {node.gpus.map((g) => (
              <option key={g.index} value={g.index}>
                {g.index}
              </option>
            ))}
          </select>
        </label>
        <RangeSwitch value={range} onChange={setRange} name={`GPU ${gpu}`} />
      </div>
      {error ? <ErrorNote error={error} context="history.series" /> : null}
      {data
        ? PANELS.map((p) => (
            <TimeSeriesPlot key={p.title} title={`GPU ${gpu} ${p.title}, last ${range}`} ts={data.ts} values={data.series} lines={p.lines} markers={markers} testid={`gpu-plot-${p.title}`} height={120} windowMs={HISTORY_RANGE_MS[range]} />
          ))
        : null}
    </section>
  );
}
