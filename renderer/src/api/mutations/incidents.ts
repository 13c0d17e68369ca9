import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { IncidentView } from '../../../../shared/incident';
import { call } from '../client';
import { incidentQueries } from '../queries/incidents';

/** Acknowledge, resolve, close, annotate: the answer is the incident as it is now; the list is asked again. */
export function useIncidentAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (a: { id: string; action: 'ack' | 'resolve' | 'close' } | { id: string; action: 'note'; text: string }): Promise<IncidentView> =>
      a.action === 'note' ? call('incidents.note', { id: a.id, text: a.text }) : call(`incidents.${a.action}`, { id: a.id }),
    onSuccess: (view) => {
      client.setQueryData(incidentQueries.one(view.id).queryKey, view);
      void client.invalidateQueries({ queryKey: incidentQueries.list().queryKey });
    },
  });
}
