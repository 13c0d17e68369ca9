import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { IncidentView } from '../../../../shared/incident';
import { call } from '../client';
import { applyIncident } from '../incident-cache';

/** Acknowledge, resolve, close, annotate: the answer is the incident as it is now. */
export function useIncidentAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (a: { id: string; action: 'ack' | 'resolve' | 'close' } | { id: string; action: 'note'; text: string }): Promise<IncidentView> =>
      a.action === 'note' ? call('incidents.note', { id: a.id, text: a.text }) : call(`incidents.${a.action}`, { id: a.id }),
    // The answer may overtake its push, or the push it: either way the same view lands in the cache.
    onSuccess: (view) => applyIncident(client, view),
  });
}
