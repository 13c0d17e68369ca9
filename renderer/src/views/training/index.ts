import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { FleetSnapshot } from '../../../../shared/contract';
import { trainingQueries } from '../../api/queries/training';
import type { PaletteItem } from '../../model/palette';
import { lazyComponent } from '../lazy-component';
import type { ViewBadge, ViewDefinition } from '../types';
import { jobHref, jobSubjectName } from './routes';
import { trainingBadge } from './training-model';

function useSearchItems(_snapshot: FleetSnapshot): readonly PaletteItem[] {
  const q = useQuery(trainingQueries.overview());
  return useMemo(
    () => (q.data?.jobs ?? []).map((j) => ({ kind: 'job', label: j.name, detail: `${j.state} · ${jobSubjectName(j)}${j.checkpoint ? ` · checkpoint ${j.checkpoint.level}` : ''}`, href: jobHref(j) })),
    [q.data?.jobs],
  );
}

/** Jobs at risk, nodes where Slurm and the console disagree, schedulers that do not answer (the overview is pushed, not polled). */
function useBadge(): ViewBadge | null {
  const q = useQuery(trainingQueries.overview());
  return useMemo(() => (q.data ? trainingBadge(q.data) : null), [q.data]);
}

/** Training clusters: Slurm, the jobs with their checkpoints and work at risk, the nodes that put them at risk. */
export const trainingView: ViewDefinition = {
  id: 'training',
  label: 'Training',
  glyph: '◈',
  key: 'j',
  Component: lazyComponent(() => import('./TrainingView').then((m) => m.TrainingView)),
  subjects: [{ kind: 'job' }],
  useSearchItems,
  useBadge,
};
