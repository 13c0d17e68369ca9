import { useQuery } from '@tanstack/react-query';
import { drillQueries } from '../../api/queries/drills';
import { ErrorNote } from '../../components/ErrorNote';
import type { ViewProps } from '../types';
import { DrillList } from './DrillList';
import { DrillPage } from './DrillPage';
import { DrillRunList } from './DrillRunList';
import { DrillRunPage } from './DrillRunPage';
import { StopAllSwitch } from './StopAllSwitch';

/**
 * Failover drills: the stop-all switch, every drill with its schedule and last result, then
 * what the route names — a drill's page (`#/drill/NAME`) or a run's (`#/drill-run/ID`) — or the
 * latest runs of all drills.
 */
export function DrillsView({ snapshot, subject }: ViewProps) {
  const list = useQuery(drillQueries.list());
  const runs = useQuery(drillQueries.runs(null));
  const drillName = subject?.kind === 'drill' ? subject.name : null;
  const runId = subject?.kind === 'drill-run' ? subject.name : null;
  const drill = drillName === null ? undefined : list.data?.drills.find((d) => d.name === drillName);
  const runDrill = runId === null ? null : (runs.data?.find((r) => r.id === runId)?.drill ?? null);
  return (
    <div className="view-body">
      <header className="view-header">
        <h1>Drills</h1>
        <StopAllSwitch />
      </header>
      {list.error ? <ErrorNote error={list.error} context="drills.list" /> : null}
      {list.data ? <DrillList data={list.data} selected={drillName ?? runDrill} /> : list.error ? null : <p className="empty loading">Loading drills…</p>}
      {drillName !== null && list.data !== undefined && drill === undefined ? (
        <p className="note" role="status" data-testid="subject-missing">
          No drill named {drillName} is loaded.
        </p>
      ) : null}
      {drill ? <DrillPage key={drill.name} drill={drill} /> : null}
      {runId !== null ? <DrillRunPage key={runId} runId={runId} snapshot={snapshot} /> : null}
      {subject === null ? (
        <section className="panel">
          {runs.error ? <ErrorNote error={runs.error} context="drills.runs" /> : null}
          <DrillRunList runs={runs.data ?? []} selected={null} title="Latest drill runs" />
        </section>
      ) : null}
    </div>
  );
}
