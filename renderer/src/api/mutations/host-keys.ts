import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MethodInput } from '../../../../shared/contract';
import { withoutPendingHostKey } from '../cache-updates';
import { call } from '../client';
import { fleetQueries } from '../queries/fleet';

/** Trusts exactly the fingerprint the operator saw; the server refuses if the key changed meanwhile. */
export function useTrustHostKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: MethodInput<'hostKeys.trust'>) => call('hostKeys.trust', input),
    onSuccess: (_result, input) => {
      client.setQueryData(fleetQueries.snapshot().queryKey, (s) => s && withoutPendingHostKey(s, input.node, input.fingerprint));
    },
  });
}
