import { useQuery } from '@tanstack/react-query';
import { incidentQueries } from '../../api/queries/incidents';
import { ErrorNote } from '../../components/ErrorNote';
import type { ViewProps } from '../types';
import { IncidentList } from './IncidentList';
import { IncidentPage } from './IncidentPage';
import { OpenBundle } from './OpenBundle';

/** Incidents: the list (open first), and the one the route names (`#/incident/ID`). */
export function IncidentsView({ subject }: ViewProps) {
  const list = useQuery(incidentQueries.list());
  const id = subject?.kind === 'incident' ? subject.name : null;
  return (
    <div className="view-body">
      <header className="view-header">
        <h1>Incidents</h1>
      </header>
      <OpenBundle />
      {list.error ? <ErrorNote error={list.error} context="incidents.list" /> : null}
      {list.data ? <IncidentList incidents={list.data} selected={id} /> : list.error ? null : <p className="empty loading">Loading incidents…</p>}
      {id !== null ? <IncidentPage key={id} id={id} /> : null}
    </div>
  );
}
