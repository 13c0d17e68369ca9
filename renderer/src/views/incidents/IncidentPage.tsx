import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import type { IncidentMilestoneName } from '../../../../shared/incident';
import { useIncidentAction } from '../../api/mutations/incidents';
import { incidentQueries } from '../../api/queries/incidents';
import { ErrorNote } from '../../components/ErrorNote';
import { ExportButtons } from './ExportButtons';
import { SeverityForm } from './SeverityForm';
import { LinkedRuns } from './LinkedRuns';
import { nodeHref, serviceHref, subjectHref } from '../../model/route';
import { timelineHref } from '../timeline/routes';

const LABELS: Record<IncidentMilestoneName, string> = {
  started: 'started (first bad signal)',
  detected: 'detected (the console’s verdict)',
  acknowledged: 'acknowledged',
  mitigated: 'mitigated (every subject healthy again)',
  resolved: 'resolved',
  closed: 'closed (after review)',
};

const seconds = (s: number | null) => (s === null ? '–' : `${s} s`);

/** One incident: what it is, its milestones (corrections beside the original), derived times, subjects, notes, and the actions. */
export function IncidentPage({ id }: { id: string }) {
  const q = useQuery(incidentQueries.one(id));
  const action = useIncidentAction();
  const [note, setNote] = useState('');
  if (q.error) return <ErrorNote error={q.error} context="incidents.get" />;
  const v = q.data;
  if (!v) return <p className="empty loading">Loading the incident…</p>;
  const has = (n: IncidentMilestoneName) => v.milestones.some((m) => m.name === n);
  return (
    <section className="panel incident-page" data-testid="incident-page" data-incident={v.id} data-status={v.status} aria-labelledby="incident-title">
      <h2 id="incident-title">{v.title}</h2>
      <p className="muted">
        {v.status} · {v.severity} ({v.severityReason}) · {v.scope} · opened by {v.openedBy}
      </p>
      <div className="incident-actions">
        <button type="button" data-testid="incident-ack" disabled={has('acknowledged') || action.isPending || v.imported !== undefined} onClick={() => action.mutate({ id, action: 'ack' })}>
          Acknowledge
        </button>
        <button type="button" data-testid="incident-resolve" disabled={v.status !== 'open' || action.isPending || v.imported !== undefined} onClick={() => action.mutate({ id, action: 'resolve' })}>
          Resolve
        </button>
        <button type="button" data-testid="incident-close" disabled={v.status === 'closed' || action.isPending || v.imported !== undefined} onClick={() => action.mutate({ id, action: 'close' })}>
          Close after review
        </button>
        <a className="button-link" data-testid="incident-timeline" href={timelineHref({ incident: v.id })}>
          Timeline
        </a>
      </div>
      {action.error ? <ErrorNote error={action.error} context="incident" /> : null}
      <SeverityForm id={v.id} severity={v.severity} disabled={v.imported !== undefined} />
      <ExportButtons id={v.id} />
      {v.imported ? (
        <p className="imported-note" data-testid="incident-imported" data-trust={v.imported.signerTrust}>
          Imported from a bundle signed by <code>{v.imported.signer}</code> ({v.imported.signerTrust === 'accepted' ? 'a key you accepted for this import' : v.imported.signerTrust === 'own' ? 'this console’s own key' : 'a trusted key'}), exported by {v.imported.exportedBy} at {new Date(v.imported.exportedAt).toLocaleString()}: evidence from another console, read-only.
        </p>
      ) : null}
      <h3>Milestones</h3>
      <ol className="incident-milestones" data-testid="incident-milestones">
        {v.milestones.map((m) => (
          <li key={m.name} data-testid="incident-milestone" data-name={m.name} data-source={m.source}>
            <strong>{LABELS[m.name]}</strong> {new Date(m.at).toLocaleString()} <span className="muted">{m.source === 'rule' ? 'by the rule' : `by ${m.by ?? 'a person'}`}</span>
            {m.original ? <span className="muted"> · corrected; was {new Date(m.original.at).toLocaleString()}</span> : null}
          </li>
        ))}
      </ol>
      <dl className="facts" data-testid="incident-derived">
        <dt>time to detect</dt>
        <dd>{seconds(v.derived.detectSeconds)}</dd>
        <dt>time to acknowledge</dt>
        <dd data-testid="incident-ack-seconds">{seconds(v.derived.acknowledgeSeconds)}</dd>
        <dt>time to mitigate</dt>
        <dd>{seconds(v.derived.mitigateSeconds)}</dd>
        <dt>time to resolve</dt>
        <dd>{seconds(v.derived.resolveSeconds)}</dd>
        {(v.budgetSpent ?? []).map((b) => (
          <Fragment key={b.service}>
            <dt>{b.service}: SLO budget spent</dt>
            <dd data-testid="incident-budget" data-service={b.service}>
              {b.minutes} min of {b.budgetMinutes} min (30 days) · {b.budgetMinutes > 0 ? `${((100 * b.minutes) / b.budgetMinutes).toFixed(1)} %` : '–'}
            </dd>
          </Fragment>
        ))}
      </dl>
      <h3>Affected</h3>
      <ul className="incident-affected" data-testid="incident-affected">
        {v.affected.map((a) => (
          <li key={a.subject} data-testid="incident-subject" data-subject={a.subject} data-health={a.health}>
            <a href={a.kind === 'node' ? nodeHref(a.subject) : a.kind === 'service' ? serviceHref(a.subject) : subjectHref({ kind: 'replica', name: a.subject })}>{a.subject}</a> <span className={`pill h-${a.health}`}>{a.health}</span>{' '}
            <span className="muted">bad since {new Date(a.firstBadAt).toLocaleString()}</span>
          </li>
        ))}
      </ul>
      <h3>Runs and drills during it</h3>
      <LinkedRuns id={v.id} imported={v.imported !== undefined} />
      <h3>Notes</h3>
      <ul className="incident-notes" data-testid="incident-notes">
        {v.notes.map((n, i) => (
          <li key={i}>
            <span className="muted">
              {new Date(n.at).toLocaleString()} {n.by}:
            </span>{' '}
            {n.text}
          </li>
        ))}
      </ul>
      <form
        className="incident-note-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (note.trim() === '') return;
          action.mutate({ id, action: 'note', text: note.trim() }, { onSuccess: () => setNote('') });
        }}
      >
        <label>
          Add a note
          <textarea data-testid="incident-note-input" value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={10_000} />
        </label>
        <button type="submit" data-testid="incident-note-add" disabled={note.trim() === '' || action.isPending}>
          Add note
        </button>
      </form>
    </section>
  );
}
