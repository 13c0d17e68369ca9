import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { FleetSnapshot } from '../../../../shared/contract';
import { runbookQueries, runQueries } from '../../api/queries/runbooks';
import type { PaletteItem } from '../../model/palette';
import { runbookHref, runHref } from '../../model/route';
import { isRunActive, sortRunsNewestFirst } from '../../model/run-format';
import { lazyComponent } from '../lazy-component';
import type { ViewBadge, ViewDefinition } from '../types';

function badge(snapshot: FleetSnapshot): ViewBadge | null {
  const failed = snapshot.runs.filter((r) => r.status === 'rollback-failed').length;
  const waiting = snapshot.runs.filter((r) => r.status === 'stopped' || r.status === 'interrupted').length;
  const active = snapshot.runs.filter((r) => isRunActive(r.status)).length;
  const count = failed + waiting + active;
  if (count === 0) return null;
  const tone = failed > 0 ? 'unhealthy' : waiting > 0 ? 'degraded' : 'accent';
  return { count, tone, title: `${count} run${count === 1 ? '' : 's'} in progress or waiting for the operator` };
}

function useSearchItems(snapshot: FleetSnapshot): readonly PaletteItem[] {
  const runbooks = useQuery(runbookQueries.list());
  const listed = useQuery(runQueries.list());
  const runs = listed.data ?? snapshot.runs;
  return useMemo(
    () => [
      ...(runbooks.data ?? []).map((r) => ({ kind: 'runbook', label: r.name, detail: `on a ${r.target} · ${r.description}`, href: runbookHref(r.name) })),
      ...sortRunsNewestFirst(runs).map((r) => ({
        kind: 'run',
        label: `${r.runbook} on ${r.target}`,
        detail: `${r.status} · ${new Date(r.startedAt).toLocaleString()} · ${r.id}`,
        href: runHref(r.id),
      })),
    ],
    [runbooks.data, runs],
  );
}

export const runbooksView: ViewDefinition = {
  id: 'runbooks',
  label: 'Runbooks',
  glyph: '▶',
  key: 'r',
  Component: lazyComponent(() => import('./RunbooksView').then((m) => m.RunbooksView)),
  subjects: [{ kind: 'run' }, { kind: 'runbook' }],
  badge,
  useSearchItems,
};
