import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { LoadBalancerStatus } from '../../../../shared/services';
import type { LbChangeCall } from '../../model/lb-change';
import { mergeLoadBalancers } from '../cache-updates';
import { call } from '../client';
import { fleetQueries } from '../queries/fleet';

/** The engine answers with the load balancer as HAProxy shows it after the command: show that at once. */
function useStoreLoadBalancer() {
  const client = useQueryClient();
  return (lb: LoadBalancerStatus) => client.setQueryData(fleetQueries.snapshot().queryKey, (s) => s && mergeLoadBalancers(s, [lb]));
}

/**
 * One load balancer change through the engine's change gate: HAProxy `set server B/S state …`
 * or `set weight B/S N`, with what the operator typed and, for "put it back", the change it
 * undoes. Refusals come back as errors (READ_ONLY, CONFIRMATION_REQUIRED, RUNBOOK_LOCKED,
 * LB_COMMAND_REJECTED with HAProxy's words); the change itself arrives as an `lb.change` event.
 */
export function useApplyLbChange() {
  const store = useStoreLoadBalancer();
  return useMutation({
    mutationFn: (c: LbChangeCall) => (c.method === 'lb.setServerState' ? call(c.method, c.input) : call(c.method, c.input)),
    onSuccess: store,
  });
}
