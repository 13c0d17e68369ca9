import type { DrillList as DrillListData, DrillSummary } from '../../../../shared/drill-run';
import { describeSchedule, drillStatusTone, formatZoned } from '../../model/drill-format';
import { drillHref, drillRunHref } from './routes';

/** The next run times, each in the drill's zone and in the viewer's; one a blackout keeps from starting says so. */
export function UpcomingTimes({ drill, testid }: { drill: DrillSummary; testid: string }) {
  const schedule = drill.schedule;
  if (schedule === null) return <span className="muted">–</span>;
  return (
    <ol className="drill-upcoming" data-testid={testid}>
      {schedule.upcoming.map((u) => (
        <li key={u.at} data-testid="drill-upcoming-time" data-at={u.at} data-blackout={String(u.blackout !== null)}>
          <span>{formatZoned(u.at, schedule.timeZone)}</span> <span className="muted">· local {formatZoned(u.at)}</span>
          {u.blackout ? <span className="pill h-degraded"> blackout: will not start</span> : null}
        </li>
      ))}
    </ol>
  );
}

/**
 * Every drill the console loaded: what it injects, how it responds, when it runs (in words, the
 * next five times in its zone and here), paused or not, and how its last run went. Files that do
 * not load are listed with their file:line:column errors.
 */
export function DrillList({ data, selected }: { data: DrillListData; selected: string | null }) {
  return (
    <section className="panel" aria-labelledby="drill-list-title" data-testid="drill-list">
      <h2 id="drill-list-title">Drills</h2>
      {data.errors.length > 0 ? (
        <ul className="inventory-errors" data-testid="drill-file-errors">
          {data.errors.map((e) => (
            <li key={e.file} className="field-error">
              <span className="mono">{e.message}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {data.drills.length === 0 ? <p className="empty">No drill is loaded.</p> : null}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">drill</th>
              <th scope="col">fault / response</th>
              <th scope="col">schedule</th>
              <th scope="col">next runs (drill's zone · local)</th>
              <th scope="col">last run</th>
            </tr>
          </thead>
          <tbody>
            {data.drills.map((d) => (
              <tr key={d.name} data-testid={`drill-row-${d.name}`} className={d.name === selected ? 'selected' : undefined} data-paused={String(d.schedule?.paused ?? false)}>
                <td>
                  <a href={drillHref(d.name)} className="mono" data-testid={`drill-link-${d.name}`} aria-current={d.name === selected ? 'page' : undefined}>
                    {d.name}
                  </a>
                  {d.source === 'builtin' ? <span className="muted"> built-in</span> : null}
                </td>
                <td>
                  <span className="mono">{d.faultKind}</span> / {d.response}
                </td>
                <td data-testid={`drill-schedule-${d.name}`}>
                  {d.schedule ? describeSchedule(d.schedule.cron, d.schedule.timeZone) : 'by hand only'}
                  {d.schedule?.paused ? <span className="pill h-degraded"> paused</span> : null}
                </td>
                <td>
                  <UpcomingTimes drill={d} testid={`drill-upcoming-${d.name}`} />
                </td>
                <td>
                  {d.lastRun ? (
                    <a href={drillRunHref(d.lastRun.id)} data-testid={`drill-last-${d.name}`} data-status={d.lastRun.status}>
                      <span className={`pill h-${drillStatusTone(d.lastRun.status)}`}>{d.lastRun.status}</span>
                    </a>
                  ) : (
                    <span className="muted">never run</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
