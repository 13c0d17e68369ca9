import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { HISTORY_RANGE_MS, type HistoryRange } from '../../../shared/history';
import type { AvailabilitySeries, ServiceAvailability } from '../../../shared/services';
import { availabilityQueries } from '../api/queries/history';
import { ErrorNote } from '../components/ErrorNote';
import { availabilityPoints, withRecentMinutes } from './live-series';
import { RangeSwitch } from './RangeSwitch';
import { TimeSeriesPlot, type PlotLine } from './TimeSeriesPlot';

const AVAILABILITY: PlotLine[] = [{ key: 'availabilityPct', label: 'availability', unit: '%', color: '--healthy' }];
const BURN: PlotLine[] = [{ key: 'burn', label: 'error budget burn', unit: '×', color: '--unhealthy' }];

/**
 * A service's availability per minute with its SLO target as a line, and how fast each minute
 * burned the error budget (1× spends exactly the budget over the SLO's window). Live from
 * `services.updated` (its last two minutes' counts).
 */
export function AvailabilityHistory({ service }: { service: ServiceAvailability }) {
  const [range, setRange] = useState<HistoryRange>('1h');
  const fetched = useQuery(availabilityQueries.series(service.service, range));
  const [series, setSeries] = useState<AvailabilitySeries | null>(null);
  useEffect(() => setSeries(fetched.data ?? null), [fetched.data]);
  useEffect(() => setSeries((s) => (s ? withRecentMinutes(s, service.recentMinutes) : s)), [service.recentMinutes]);
  const points = useMemo(() => (series ? availabilityPoints(series) : null), [series]);
  const values = useMemo((): Record<string, (number | null)[]> => (points ? { availabilityPct: points.availabilityPct, burn: points.burn } : { availabilityPct: [], burn: [] }), [points]);
  return (
    <section className="plots" aria-label={`${service.service} availability over time`} data-testid="availability-history">
      <div className="plot-controls">
        <span className="muted">availability per {range === '30d' ? '30 minutes' : 'minute'}</span>
        <RangeSwitch value={range} onChange={setRange} name={service.service} />
      </div>
      {fetched.error ? <ErrorNote error={fetched.error} context="availability.series" /> : null}
      {points ? (
        <>
          <TimeSeriesPlot
            title={`${service.service} availability, last ${range}, SLO ${service.target} %`}
            ts={points.ts}
            values={values}
            lines={AVAILABILITY}
            threshold={{ value: service.target, label: `SLO ${service.target} %`, color: '--degraded' }}
            testid="availability-plot"
            height={120}
            windowMs={HISTORY_RANGE_MS[range]}
            yRange={(min) => [Math.max(0, Math.min(min ?? 100, service.target) - 0.5), 100.2]}
          />
          <TimeSeriesPlot title={`${service.service} error budget burn rate, last ${range}`} ts={points.ts} values={values} lines={BURN} threshold={{ value: 1, label: '1×', color: '--degraded' }} testid="burn-plot" height={100} windowMs={HISTORY_RANGE_MS[range]} yRange={(_min, max) => [0, Math.max(2, (max ?? 0) * 1.15)]} />
        </>
      ) : null}
    </section>
  );
}
