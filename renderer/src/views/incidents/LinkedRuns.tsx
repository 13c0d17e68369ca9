import { useQuery } from '@tanstack/react-query';
import { incidentRunsQuery } from '../../api/queries/incidents';
import { ErrorNote } from '../../components/ErrorNote';
import { runHref } from '../../model/route';
import { drillRunHref } from '../drills/routes';

/**
 * What was done about it: the runbook and drill runs that overlapped the incident and touched its
 * subjects or region, each a link to its run (an imported incident's are the other console's:
 * listed, not linked).
 */
export function LinkedRuns({ id, imported }: { id: string; imported: boolean }) {
  const q = useQuery(incidentRunsQuery(id));
  if (q.error) return <ErrorNote error={q.error} context="incidents.runs" />;
  if (!q.data) return <p className="empty loading">Loading runs…</p>;
  if (q.data.length === 0) return <p className="muted" data-testid="incident-runs-empty">No runbook or drill ran on its subjects during it.</p>;
  return (
    <ul className="incident-runs" data-testid="incident-runs">
      {q.data.map((r) => {
        const label = `${r.kind === 'runbook' ? 'runbook' : 'drill'} ${r.name} on ${r.target}`;
        return (
          <li key={`${r.kind}/${r.id}`} data-testid="incident-run" data-kind={r.kind} data-status={r.status}>
            {imported ? label : <a href={r.kind === 'runbook' ? runHref(r.id) : drillRunHref(r.id)}>{label}</a>} <span className="pill">{r.status}</span>{' '}
            <span className="muted">{new Date(r.startedAt).toLocaleString()}</span>
          </li>
        );
      })}
    </ul>
  );
}
