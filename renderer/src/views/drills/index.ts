import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { FleetSnapshot } from '../../../../shared/contract';
import { drillQueries } from '../../api/queries/drills';
import { describeSchedule } from '../../model/drill-format';
import type { PaletteItem } from '../../model/palette';
import { lazyComponent } from '../lazy-component';
import type { ViewDefinition } from '../types';
import { drillHref, drillRunHref } from './routes';

function useSearchItems(_snapshot: FleetSnapshot): readonly PaletteItem[] {
  const list = useQuery(drillQueries.list());
  const runs = useQuery(drillQueries.runs(null));
  return useMemo(
    () => [
      ...(list.data?.drills ?? []).map((d) => ({
        kind: 'drill',
        label: d.name,
        detail: `${d.faultKind} · ${d.schedule ? describeSchedule(d.schedule.cron, d.schedule.timeZone) : 'by hand'} · ${d.description}`,
        href: drillHref(d.name),
      })),
      ...(runs.data ?? []).map((r) => ({
        kind: 'drill run',
        label: `${r.drill} ${r.status}`,
        detail: `${new Date(r.startedAt).toLocaleString()} · ${r.id}`,
        href: drillRunHref(r.id),
      })),
    ],
    [list.data, runs.data],
  );
}

export const drillsView: ViewDefinition = {
  id: 'drills',
  label: 'Drills',
  glyph: '⚡',
  key: 'd',
  Component: lazyComponent(() => import('./DrillsView').then((m) => m.DrillsView)),
  subjects: [{ kind: 'drill' }, { kind: 'drill-run' }],
  useSearchItems,
};
