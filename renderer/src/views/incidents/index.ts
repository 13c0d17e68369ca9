import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { FleetSnapshot } from '../../../../shared/contract';
import { incidentQueries } from '../../api/queries/incidents';
import type { PaletteItem } from '../../model/palette';
import type { ViewDefinition } from '../types';
import { IncidentsView } from './IncidentsView';
import { incidentHref } from './routes';

function useSearchItems(_snapshot: FleetSnapshot): readonly PaletteItem[] {
  const list = useQuery(incidentQueries.list());
  return useMemo(
    () => (list.data ?? []).map((i) => ({ kind: 'incident', label: i.title, detail: `${i.status} · ${i.severity} · ${new Date(i.startedAt).toLocaleString()}`, href: incidentHref(i.id) })),
    [list.data],
  );
}

export const incidentsView: ViewDefinition = {
  id: 'incidents',
  label: 'Incidents',
  glyph: '!',
  key: 'i',
  Component: IncidentsView,
  subjects: [{ kind: 'incident' }],
  useSearchItems,
};
