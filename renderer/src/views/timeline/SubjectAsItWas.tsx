import { useQuery } from '@tanstack/react-query';
import { incidentSubjectQuery } from '../../api/queries/incidents';
import { ErrorNote } from '../../components/ErrorNote';

/**
 * An event's subject as the fleet had it when the incident opened — its inventory entry, region
 * and cluster, from the snapshot the incident carries (the bundle's, in review): what a reviewer
 * on another machine, months later, can still open.
 */
export function SubjectAsItWas({ incident, subject }: { incident: string; subject: string }) {
  const q = useQuery(incidentSubjectQuery(incident, subject));
  if (q.error) return <ErrorNote error={q.error} context="incidents.subject" />;
  if (!q.data) return null;
  const s = q.data;
  return (
    <div className="subject-as-it-was" data-testid="timeline-subject-then" data-kind={s.kind ?? 'unknown'}>
      <p className="muted">
        {subject} as it was ({s.note}
        {s.recordedAt !== null ? `, ${new Date(s.recordedAt).toLocaleString()}` : ''}):{' '}
        {s.kind === null ? 'not in that inventory' : `${s.kind}${s.region ? ` in ${s.region}` : ''}${s.cluster ? ` / ${s.cluster}` : ''}`}
      </p>
      {s.entry !== null && s.entry !== undefined ? (
        <pre className="timeline-data" tabIndex={0}>
          {JSON.stringify(s.entry, null, 2)}
        </pre>
      ) : null}
    </div>
  );
}
