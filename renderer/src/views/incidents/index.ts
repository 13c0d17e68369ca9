import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { FleetSnapshot } from '../../../../shared/contract';
import { incidentQueries } from '../../api/queries/incidents';
import type { PaletteItem } from '../../model/palette';
import { lazyComponent } from '../lazy-component';
import type { ViewBadge, ViewDefinition } from '../types';
import { incidentHref } from './routes';

function useSearchItems(_snapshot: FleetSnapshot): readonly PaletteItem[] {
  const list = useQuery(incidentQueries.list());
  return useMemo(
    () => (list.data ?? []).map((i) => ({ kind: 'incident', label: i.title, detail: `${i.status} · ${i.severity} · ${new Date(i.startedAt).toLocaleString()}`, href: incidentHref(i.id) })),
    [list.data],
  );
}

/** Open incidents of this fleet (imported ones are evidence, not work): unacknowledged ones make it red. */
function useBadge(): ViewBadge | null {
  const list = useQuery(incidentQueries.list());
  const open = (list.data ?? []).filter((i) => i.status === 'open' && i.imported === undefined);
  if (open.length === 0) return null;
  return { count: open.length, tone: 'unhealthy', title: `${open.length} open incident${open.length === 1 ? '' : 's'}` };
}

export const incidentsView: ViewDefinition = {
  id: 'incidents',
  label: 'Incidents',
  glyph: '!',
  key: 'i',
  Component: lazyComponent(() => import('./IncidentsView').then((m) => m.IncidentsView)),
  subjects: [{ kind: 'incident' }],
  useSearchItems,
  useBadge,
};
