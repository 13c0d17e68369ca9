import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { FleetSnapshot } from '../../../../shared/contract';
import { EXPECTATION_LABELS, MILESTONE_LABELS } from '../../../../shared/drill-words';
import type { DrillRunView } from '../../../../shared/drill-run';
import { useAbortDrill } from '../../api/mutations/drills';
import { drillQueries } from '../../api/queries/drills';
import { ErrorNote } from '../../components/ErrorNote';
import { useNow, useRevealSubject } from '../../hooks';
import { drillClock, drillPlotColumns, drillPlotWindowMs, drillStatusTone, isDrillRunActive, liveDerived, milestoneMarkers } from '../../model/drill-format';
import { runHref } from '../../model/route';
import { TimeSeriesPlot, type PlotLine } from '../../plots/TimeSeriesPlot';
import { GameDayResponse } from './GameDayResponse';
import { ReportButtons } from './ReportButtons';
import { drillHref } from './routes';

const SUCCESS: readonly PlotLine[] = [{ key: 'success', label: 'success', unit: '%', color: '--accent', width: 2 }];
const LATENCY: readonly PlotLine[] = [{ key: 'p95', label: 'p95 latency', unit: 'ms', color: '--degraded' }];

const seconds = (v: number | null) => (v === null ? '–' : `${Number.isInteger(v) ? v : v.toFixed(1)} s`);

/** The DOM id of a run's page, where `#/drill-run/ID` scrolls to. */
export const drillRunAnchorId = (id: string): string => `subject:drill-run:${id}`;

/**
 * One drill run, live while it runs (every `drill.updated` push): its phase and clock, the
 * milestones as they happen, success rate and p95 latency per second with the milestones marked,
 * Abort; on a game day a prominent clock and the way to start the linked runbook. Once ended:
 * expectations measured against expected, the derived times, and the report to export.
 */
export function DrillRunPage({ runId, snapshot }: { runId: string; snapshot: Pick<FleetSnapshot, 'replicas' | 'topology'> }) {
  const query = useQuery(drillQueries.run(runId));
  if (query.error) return <ErrorNote error={query.error} context="drills.run" />;
  if (!query.data) return <p className="empty loading">Loading drill run {runId}…</p>;
  return <DrillRunDetail run={query.data} snapshot={snapshot} />;
}

function DrillRunDetail({ run, snapshot }: { run: DrillRunView; snapshot: Pick<FleetSnapshot, 'replicas' | 'topology'> }) {
  const active = isDrillRunActive(run.status);
  const now = useNow(active ? 1_000 : 3_600_000);
  const abort = useAbortDrill();
  const columns = useMemo(() => drillPlotColumns(run), [run.seconds]);
  const markers = useMemo(() => milestoneMarkers(run), [run.milestones]);
  const windowMs = drillPlotWindowMs(run, now);
  const gameDay = run.plan.response.kind === 'operator';
  const derived = useMemo(() => liveDerived(run), [run]);
  // A link to the run (`#/drill-run/ID`, the palette, a history row) brings it into view once it is there.
  useRevealSubject(drillRunAnchorId(run.id), true);
  const h = run.plan.hypothesis;
  return (
    <section className="run-view drill-run" id={drillRunAnchorId(run.id)} tabIndex={-1} data-testid="drill-run" data-run-id={run.id} data-status={run.status} aria-labelledby="drill-run-title">
      <header className="panel-header">
        <h2 id="drill-run-title">
          Drill <a href={drillHref(run.drill)} className="mono">{run.drill}</a> <span className="muted mono">{run.id}</span>
        </h2>
        <span className={`pill h-${drillStatusTone(run.status)}`} data-testid="drill-run-status">
          {run.status}
        </span>
        {run.phase !== run.status ? <span className="muted">(ended in {run.phase})</span> : null}
        <span className="muted">{run.trigger.kind === 'manual' ? `by hand, ${run.trigger.user}@${run.trigger.host}` : `scheduled for ${run.trigger.localTime}`}</span>
        {active ? (
          <button type="button" data-testid="drill-abort" disabled={abort.isPending || run.abortRequested} onClick={() => abort.mutate(run.id)}>
            {run.abortRequested ? 'Aborting…' : 'Abort'}
          </button>
        ) : null}
      </header>
      <p className={`drill-clock${gameDay && active ? ' drill-clock-prominent' : ''}`} data-testid="drill-clock" aria-live="off">
        {drillClock(run, now)}
        {gameDay && active && run.injectedAt !== null && run.responseRunId === null ? <span className="drill-clock-note"> waiting for the operator's response</span> : null}
      </p>
      {run.reason ? (
        <p className={run.status === 'restore-failed' ? 'error-note' : 'note'} data-testid="drill-run-reason" data-code={run.reasonCode ?? ''}>
          {run.reason}
        </p>
      ) : null}
      {abort.error ? <ErrorNote error={abort.error} context="drills.abort" /> : null}
      {gameDay && active && run.injectedAt !== null && run.responseRunId === null ? <GameDayResponse run={run} snapshot={snapshot} /> : null}
      {run.responseRunId ? (
        <p data-testid="drill-response-run">
          Response: runbook run <a href={runHref(run.responseRunId)} className="mono">{run.responseRunId}</a>
          {derived.responseSeconds !== null ? <> started {seconds(derived.responseSeconds)} after the fault</> : null}
        </p>
      ) : null}
      <h3>Milestones</h3>
      <ol className="drill-milestones" data-testid="drill-milestones">
        {run.milestones.map((m, i) => (
          <li key={`${m.name}-${i}`} data-testid="drill-milestone" data-name={m.name} data-flagged={String(m.flagged)}>
            <span className="mono">{m.sinceInjectSeconds === null ? new Date(m.at).toLocaleTimeString() : `T+${m.sinceInjectSeconds.toFixed(1)} s`}</span> {MILESTONE_LABELS[m.name]}
            {m.subject ? <span className="mono"> {m.subject}</span> : null}
            {m.flagged ? <span className="pill h-unhealthy"> flagged</span> : null} <span className="muted">{m.text}</span>
          </li>
        ))}
      </ol>
      <div className="plots">
        <TimeSeriesPlot ts={columns.ts} values={columns.values} lines={SUCCESS} markers={markers} windowMs={windowMs} threshold={{ value: h.minSuccessPct, label: 'hypothesis', color: '--degraded' }} yRange={() => [0, 100]} title={`Drill ${run.drill}: success of its probes per second (%)`} testid="drill-plot-success" />
        <TimeSeriesPlot ts={columns.ts} values={columns.values} lines={LATENCY} markers={markers} windowMs={windowMs} threshold={{ value: h.maxP95LatencyMs, label: 'hypothesis', color: '--degraded' }} yRange={(_min, max) => [0, Math.max(h.maxP95LatencyMs, max ?? 0) * 1.1]} height={110} title={`Drill ${run.drill}: p95 latency of its probes per second (ms)`} testid="drill-plot-p95" />
      </div>
      {run.expectations.length > 0 ? (
        <table data-testid="drill-expectations">
          <thead>
            <tr>
              <th scope="col">expectation</th>
              <th scope="col">expected</th>
              <th scope="col">measured</th>
              <th scope="col">result</th>
            </tr>
          </thead>
          <tbody>
            {run.expectations.map((e) => {
              const fmt = (v: number | null) => (e.name === 'maxFailedRequests' ? (v ?? '–') : seconds(v));
              return (
                <tr key={e.name} data-testid={`drill-expectation-${e.name}`} data-passed={String(e.passed)}>
                  <td>{EXPECTATION_LABELS[e.name]}</td>
                  <td>{fmt(e.limit)}</td>
                  <td>{fmt(e.measured)}</td>
                  <td>
                    <span className={`pill h-${e.passed ? 'healthy' : 'unhealthy'}`}>{e.passed ? 'pass' : 'FAIL'}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <dl className="facts" data-testid="drill-derived">
        <dt>time to detect</dt>
        <dd>{seconds(derived.detectSeconds)}</dd>
        <dt>HAProxy DOWN after</dt>
        <dd>
          {seconds(derived.lbDetectSeconds)} <span className="muted">(promised inter × fall: {seconds(derived.lbPromisedSeconds)})</span>
        </dd>
        <dt>response after</dt>
        <dd data-testid="drill-response-seconds">{seconds(derived.responseSeconds)}</dd>
        <dt>time to mitigate</dt>
        <dd>{seconds(derived.mitigateSeconds)}</dd>
        <dt>time to recover</dt>
        <dd>{seconds(derived.recoverSeconds)}</dd>
        {derived.spareModelLoadSeconds !== null ? (
          <>
            <dt>spare model load</dt>
            <dd data-testid="drill-spare-load">
              {seconds(derived.spareModelLoadSeconds)}{' '}
              <span className="muted">(start → first healthy answer; HAProxy’s rise × inter: {seconds(derived.riseTimesInterSeconds)})</span>
            </dd>
          </>
        ) : null}
        <dt>requests sent / failed</dt>
        <dd data-testid="drill-requests">
          {derived.requestsSent} / {derived.requestsFailed}
        </dd>
        <dt>seed · targets</dt>
        <dd>
          <span className="mono">{run.seed}</span> · {run.plan.targets.map((t) => t.name).join(', ')}
        </dd>
        {run.faultRunId ? (
          <>
            <dt>fault run</dt>
            <dd>
              <a href={runHref(run.faultRunId)} className="mono">
                {run.faultRunId}
              </a>
            </dd>
          </>
        ) : null}
      </dl>
      <ReportButtons runId={run.id} />
    </section>
  );
}
