import { useQuery } from '@tanstack/react-query';
import { incidentQueries } from '../../api/queries/incidents';
import { incidentHref } from '../incidents/routes';

/**
 * This fleet's open incidents, worst first, each a link to its page — where the people working on
 * it acknowledge it and take notes. Beside "Needs attention", not in it: an incident lists the
 * subjects that are (or were) bad, which are there on their own while they are, and it stays open
 * after they recover until it is resolved. Nothing when none is open; imported ones are evidence
 * under review, not work.
 */
export function OpenIncidents() {
  const list = useQuery(incidentQueries.list());
  const open = (list.data ?? []).filter((i) => i.status === 'open' && i.imported === undefined).sort((a, b) => a.severity.localeCompare(b.severity) || a.startedAt - b.startedAt);
  if (open.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="open-incidents-title" data-testid="overview-incidents" data-count={open.length}>
      <h2 id="open-incidents-title">
        Open incidents <span className="heading-count">({open.length})</span>
      </h2>
      <ul className="incident-summary-list">
        {open.map((i) => (
          <li key={i.id} data-testid="overview-incident" data-severity={i.severity}>
            <span className={`pill h-${i.severity === 'sev1' ? 'unhealthy' : 'degraded'}`}>{i.severity}</span> <a href={incidentHref(i.id)}>{i.title}</a>{' '}
            <span className="muted">
              {i.subjects} subject{i.subjects === 1 ? '' : 's'} · since {new Date(i.startedAt).toLocaleString()}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
