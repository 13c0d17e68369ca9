import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { IncidentLinkedRun } from '../../../../shared/incident';
import { call } from '../../api/client';
import { drillQueries } from '../../api/queries/drills';
import { runQueries } from '../../api/queries/runbooks';
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
  return (
    <>
      {q.data.length === 0 ? <p className="muted" data-testid="incident-runs-empty">No runbook or drill ran on its subjects during it.</p> : <RunList runs={q.data} imported={imported} />}
      {imported ? null : <LinkRunForm id={id} listed={q.data} />}
    </>
  );
}

function RunList({ runs, imported }: { runs: readonly IncidentLinkedRun[]; imported: boolean }) {
  return (
    <ul className="incident-runs" data-testid="incident-runs">
      {runs.map((r) => {
        const label = `${r.kind === 'runbook' ? 'runbook' : 'drill'} ${r.name} on ${r.target}`;
        return (
          <li key={`${r.kind}/${r.id}`} data-testid="incident-run" data-kind={r.kind} data-status={r.status}>
            {imported ? label : <a href={r.kind === 'runbook' ? runHref(r.id) : drillRunHref(r.id)}>{label}</a>} <span className="pill">{r.status}</span>{' '}
            <span className="muted">
              {new Date(r.startedAt).toLocaleString()}
              {r.linkedBy ? ` · linked by ${r.linkedBy}` : ''}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** Link a run the rule could not tie to its subjects (a runbook on another replica of the region, a drill that reproduced it). */
function LinkRunForm({ id, listed }: { id: string; listed: readonly IncidentLinkedRun[] }) {
  const client = useQueryClient();
  const runbookRuns = useQuery(runQueries.list()).data ?? [];
  const drillRuns = useQuery(drillQueries.runs(null)).data ?? [];
  const [choice, setChoice] = useState('');
  const link = useMutation({
    mutationFn: ({ kind, runId }: { kind: 'runbook' | 'drill'; runId: string }) => call('incidents.link', { id, kind, runId }),
    onSuccess: (runs) => {
      client.setQueryData(incidentRunsQuery(id).queryKey, runs);
      setChoice('');
    },
  });
  const taken = new Set(listed.map((r) => `${r.kind}/${r.id}`));
  const options = [
    ...runbookRuns.map((r) => ({ key: `runbook/${r.id}`, label: `runbook ${r.runbook} on ${r.target} · ${r.status} · ${new Date(r.startedAt).toLocaleString()}`, at: r.startedAt })),
    ...drillRuns.map((r) => ({ key: `drill/${r.id}`, label: `drill ${r.drill} · ${r.status} · ${new Date(r.startedAt).toLocaleString()}`, at: r.startedAt })),
  ]
    .filter((o) => !taken.has(o.key))
    .sort((a, b) => b.at - a.at)
    .slice(0, 50);
  if (options.length === 0) return null;
  return (
    <form
      className="incident-link-form"
      onSubmit={(e) => {
        e.preventDefault();
        const [kind, ...rest] = choice.split('/');
        if (kind === 'runbook' || kind === 'drill') link.mutate({ kind, runId: rest.join('/') });
      }}
    >
      <label>
        Link a run{' '}
        <select data-testid="incident-link-run" value={choice} onChange={(e) => setChoice(e.target.value)}>
          <option value="">choose a recent run…</option>
          {options.map((o) => (
            <option key={o.key} value={o.key}>
              {o.label}
            </option>
          ))}
        </select>
      </label>{' '}
      <button type="submit" data-testid="incident-link-add" disabled={choice === '' || link.isPending}>
        Link
      </button>
      {link.error ? <ErrorNote error={link.error} context="incidents.link" /> : null}
    </form>
  );
}
