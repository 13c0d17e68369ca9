import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { describeRegression } from '../../../../shared/drill-words';
import { drillQueries } from '../../api/queries/drills';
import { ErrorNote } from '../../components/ErrorNote';
import { drillStatusTone, trendColumns } from '../../model/drill-format';
import { TimeSeriesPlot, type PlotLine } from '../../plots/TimeSeriesPlot';
import { drillRunHref } from './routes';

const TIME_LINES: readonly PlotLine[] = [
  { key: 'detect', label: 'time to detect', unit: 's', color: '--degraded' },
  { key: 'mitigate', label: 'time to mitigate', unit: 's', color: '--accent' },
  { key: 'recover', label: 'time to recover', unit: 's', color: '--healthy' },
];
const FAILED_LINES: readonly PlotLine[] = [{ key: 'failed', label: 'failed requests', unit: 'requests', color: '--unhealthy' }];

/**
 * A drill's runs over time: time to detect, mitigate and recover and the failed requests of
 * each, a run worse than the median of the previous ones by more than the margin marked on the
 * plots and flagged in the table (the rule's numbers come with the history).
 */
export function DrillTrend({ drill }: { drill: string }) {
  const history = useQuery(drillQueries.history(drill));
  const columns = useMemo(() => (history.data ? trendColumns(history.data) : null), [history.data]);
  if (history.error) return <ErrorNote error={history.error} context="drills.history" />;
  if (!history.data || !columns) return <p className="empty loading">Loading the history…</p>;
  const { rule, entries } = history.data;
  const markers = columns.flagged.map((f) => ({ ts: f.ts, color: '--unhealthy', label: `worse than the median: ${f.label}` }));
  const windowMs = entries.length === 0 ? 3_600_000 : Math.max(3_600_000, Date.now() - entries[0].startedAt + 60_000);
  const flagged = entries.filter((e) => e.regressions.length > 0).length;
  return (
    <section className="drill-trend" data-testid="drill-trend" data-runs={entries.length} data-flagged={flagged} aria-labelledby="drill-trend-title">
      <h3 id="drill-trend-title">History</h3>
      <p className="muted">
        A run is flagged when a measure is worse than the median of the previous {rule.baselineRuns} judged runs by more than {rule.marginPct} % (plus {rule.slackSeconds} s, or{' '}
        {rule.slackRequests} request).
      </p>
      {entries.length === 0 ? (
        <p className="empty">No run has ended yet.</p>
      ) : (
        <>
          <div className="plots">
            <TimeSeriesPlot ts={columns.ts} values={columns.values} lines={TIME_LINES} markers={markers} windowMs={windowMs} yRange={(_min, max) => [0, Math.max(1, (max ?? 1) * 1.1)]} title={`${drill}: time to detect, mitigate and recover per run`} testid="drill-trend-times" />
            <TimeSeriesPlot ts={columns.ts} values={columns.values} lines={FAILED_LINES} markers={markers} windowMs={windowMs} height={100} yRange={(_min, max) => [0, Math.max(1, (max ?? 1) * 1.1)]} title={`${drill}: failed requests per run`} testid="drill-trend-failed" />
          </div>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">started</th>
                  <th scope="col">status</th>
                  <th scope="col">detect</th>
                  <th scope="col">mitigate</th>
                  <th scope="col">recover</th>
                  <th scope="col">failed requests</th>
                  <th scope="col">worse than the median</th>
                </tr>
              </thead>
              <tbody>
                {[...entries].reverse().map((e) => (
                  <tr key={e.runId} data-testid="drill-history-row" data-run-id={e.runId} data-flagged={String(e.regressions.length > 0)}>
                    <td>
                      <a href={drillRunHref(e.runId)}>{new Date(e.startedAt).toLocaleString()}</a>
                    </td>
                    <td>
                      <span className={`pill h-${drillStatusTone(e.status)}`}>{e.status}</span>
                    </td>
                    <td>{e.detectSeconds === null ? '–' : `${e.detectSeconds} s`}</td>
                    <td>{e.mitigateSeconds === null ? '–' : `${e.mitigateSeconds} s`}</td>
                    <td>{e.recoverSeconds === null ? '–' : `${e.recoverSeconds} s`}</td>
                    <td>{e.failedRequests ?? '–'}</td>
                    <td className={e.regressions.length > 0 ? 'field-error' : undefined}>{e.regressions.map(describeRegression).join('; ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
