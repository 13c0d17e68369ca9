import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { FleetSnapshot } from '../../../../shared/contract';
import { capacityQueries } from '../../api/queries/capacity';
import type { PaletteItem } from '../../model/palette';
import { lazyComponent } from '../lazy-component';
import type { ViewBadge, ViewDefinition } from '../types';
import { capacityBadge, VERDICT_LABEL } from './capacity-model';
import { CAPACITY_SUBJECT, capacityServiceHref } from './routes';

function useSearchItems(_snapshot: FleetSnapshot): readonly PaletteItem[] {
  const q = useQuery(capacityQueries.overview());
  return useMemo(
    // Not labelled with the bare service name: "llama" should find the service itself first.
    () => (q.data?.services ?? []).map((s) => ({ kind: 'capacity', label: `capacity of ${s.service}`, detail: `largest-domain loss: ${VERDICT_LABEL[s.loss.verdict]} · ${s.loss.text}`, href: capacityServiceHref(s.service) })),
    [q.data?.services],
  );
}

/** Services that would not come through the loss of their largest failure domain (the overview is pushed, not polled). */
function useBadge(): ViewBadge | null {
  const q = useQuery(capacityQueries.overview());
  return useMemo(() => (q.data ? capacityBadge(q.data) : null), [q.data]);
}

/** Spare capacity: what the fleet can lose and still serve (issue 13). */
export const capacityView: ViewDefinition = {
  id: 'capacity',
  label: 'Capacity',
  glyph: '▥',
  key: 'c',
  Component: lazyComponent(() => import('./CapacityView').then((m) => m.CapacityView)),
  subjects: [{ kind: CAPACITY_SUBJECT }],
  useSearchItems,
  useBadge,
};
