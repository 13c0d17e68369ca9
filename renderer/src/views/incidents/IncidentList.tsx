import type { IncidentSummary } from '../../../../shared/incident';
import { incidentHref } from './routes';

const STATUS_TONE = { open: 'unhealthy', resolved: 'healthy', closed: 'unknown' } as const;

/** Every incident, open ones first, newest first within. */
export function IncidentList({ incidents, selected }: { incidents: readonly IncidentSummary[]; selected: string | null }) {
  if (incidents.length === 0) return <p className="empty" data-testid="incidents-empty">No incidents: nothing has turned unhealthy or unreachable.</p>;
  const sorted = [...incidents].sort((a, b) => Number(b.status === 'open') - Number(a.status === 'open') || b.startedAt - a.startedAt);
  return (
    <table className="incident-list" data-testid="incident-list">
      <thead>
        <tr>
          <th scope="col">incident</th>
          <th scope="col">status</th>
          <th scope="col">severity</th>
          <th scope="col">started</th>
          <th scope="col">subjects</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((i) => (
          <tr key={i.id} data-testid="incident-row" data-incident={i.id} data-status={i.status} aria-current={i.id === selected ? 'true' : undefined}>
            <td>
              <a href={incidentHref(i.id)}>{i.title}</a>
            </td>
            <td>
              <span className={`pill h-${STATUS_TONE[i.status]}`}>{i.status}</span>
            </td>
            <td>{i.severity}</td>
            <td>{new Date(i.startedAt).toLocaleString()}</td>
            <td>{i.subjects}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
