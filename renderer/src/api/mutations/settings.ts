import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MethodInput } from '../../../../shared/contract';
import { applyReadOnly } from '../cache-updates';
import { call } from '../client';
import { fleetQueries } from '../queries/fleet';

/** The read-only switch; the reply is the engine's setting, shown at once (no push carries it). */
export function useSetReadOnly() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: MethodInput<'settings.setReadOnly'>) => call('settings.setReadOnly', input),
    onSuccess: (readOnly) => client.setQueryData(fleetQueries.snapshot().queryKey, (s) => s && applyReadOnly(s, readOnly)),
  });
}
