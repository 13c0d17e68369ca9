import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { DrillSummary } from '../../../../shared/drill-run';
import { usePauseDrill, usePlanDrill, useResumeDrill, useStartDrill } from '../../api/mutations/drills';
import { drillQueries } from '../../api/queries/drills';
import { ErrorNote } from '../../components/ErrorNote';
import { useRevealSubject } from '../../hooks';
import { describeSchedule } from '../../model/drill-format';
import { useNavigation } from '../../navigation-context';
import { ConfirmDrillDialog } from './ConfirmDrillDialog';
import { UpcomingTimes } from './DrillList';
import { DrillPlanPreview } from './DrillPlanPreview';
import { DrillRunList } from './DrillRunList';
import { DrillTrend } from './DrillTrend';
import { drillRunHref } from './routes';

/** The DOM id of a drill's page, where `#/drill/NAME` scrolls to. */
export const drillAnchorId = (name: string): string => `subject:drill:${name}`;

/**
 * One drill: what it does, its schedule (in words, the next five times, recent occurrences,
 * pause/resume), the dry run exactly like a runbook's preview, a run by hand (with the typed
 * confirmation when a protected cluster is hit), its history and its runs.
 */
export function DrillPage({ drill }: { drill: DrillSummary }) {
  const plan = usePlanDrill();
  const start = useStartDrill();
  const pause = usePauseDrill();
  const resume = useResumeDrill();
  const runs = useQuery(drillQueries.runs(drill.name));
  const [seed, setSeed] = useState('');
  const [confirming, setConfirming] = useState(false);
  const navigation = useNavigation();
  const schedule = drill.schedule;
  // A link to the drill (`#/drill/NAME`, the palette) brings its page into view.
  useRevealSubject(drillAnchorId(drill.name), true);

  const preview = () => plan.mutate({ name: drill.name, seed: seed.trim() === '' ? undefined : seed.trim() });
  const run = (typed: string | undefined) => {
    const input = plan.variables;
    if (!input) return;
    start.mutate(
      { ...input, confirm: typed },
      {
        onSuccess: (view) => {
          setConfirming(false);
          navigation.go(drillRunHref(view.id));
        },
      },
    );
  };

  return (
    <section className="panel drill-page" id={drillAnchorId(drill.name)} tabIndex={-1} data-testid="drill-page" data-drill={drill.name} aria-labelledby="drill-page-title">
      <header className="panel-header">
        <h2 id="drill-page-title" className="mono">
          {drill.name}
        </h2>
        <span className="pill">{drill.faultKind}</span>
        <span className="muted">response: {drill.response}</span>
        <span className="muted mono">{drill.file}</span>
      </header>
      <p>{drill.description}</p>
      <h3>Schedule</h3>
      {schedule === null ? (
        <p className="muted">No schedule: this drill runs by hand only.</p>
      ) : (
        <div data-testid="drill-schedule" data-paused={String(schedule.paused)}>
          <p>
            {describeSchedule(schedule.cron, schedule.timeZone)} <span className="muted mono">({schedule.cron})</span>{' '}
            {schedule.paused ? <span className="pill h-degraded">paused</span> : null}{' '}
            {schedule.paused ? (
              <button type="button" data-testid="drill-resume" disabled={resume.isPending} onClick={() => resume.mutate(drill.name)}>
                Resume
              </button>
            ) : (
              <button type="button" data-testid="drill-pause" disabled={pause.isPending} onClick={() => pause.mutate(drill.name)}>
                Pause
              </button>
            )}
          </p>
          {pause.error ? <ErrorNote error={pause.error} context="drills.pause" /> : null}
          {resume.error ? <ErrorNote error={resume.error} context="drills.resume" /> : null}
          <p className="muted">Next {schedule.upcoming.length} runs, in {schedule.timeZone} and here:</p>
          <UpcomingTimes drill={drill} testid="drill-page-upcoming" />
          {schedule.recent.length > 0 ? (
            <>
              <p className="muted">Recent occurrences:</p>
              <ul data-testid="drill-occurrences">
                {schedule.recent.map((o) => (
                  <li key={o.scheduledAt} data-outcome={o.outcome}>
                    {o.localTime}: {o.outcome}
                    {o.reason ? ` (${o.reason})` : ''}
                    {o.runId ? (
                      <>
                        {' '}
                        <a href={drillRunHref(o.runId)} className="mono">
                          {o.runId}
                        </a>
                      </>
                    ) : null}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      )}
      <h3>Run by hand</h3>
      <form
        className="runbook-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!plan.isPending) preview();
        }}
      >
        <label>
          seed (optional)
          <input data-testid="drill-seed" value={seed} maxLength={64} onChange={(e) => {
              setSeed(e.target.value);
              plan.reset();
            }} placeholder="the file's, or a new one" />
        </label>
        <button type="submit" data-testid="drill-plan-button" disabled={plan.isPending}>
          {plan.isPending ? 'Planning…' : 'Dry run'}
        </button>
      </form>
      {plan.error ? <ErrorNote error={plan.error} context="drills.plan" /> : null}
      {plan.data ? (
        <DrillPlanPreview
          plan={plan.data}
          onRun={() => {
            start.reset();
            setConfirming(true);
          }}
        />
      ) : null}
      {confirming && plan.data ? <ConfirmDrillDialog plan={plan.data} pending={start.isPending} error={start.error} onConfirm={run} onCancel={() => setConfirming(false)} /> : null}
      <DrillTrend drill={drill.name} />
      {runs.error ? <ErrorNote error={runs.error} context="drills.runs" /> : null}
      <DrillRunList runs={runs.data ?? []} selected={null} title={`Runs of ${drill.name}`} />
    </section>
  );
}
