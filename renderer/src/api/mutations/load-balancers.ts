import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MethodInput } from '../../../../shared/contract';
import type { LoadBalancerStatus } from '../../../../shared/services';
import { mergeLoadBalancers } from '../cache-updates';
import { call } from '../client';
import { fleetQueries } from '../queries/fleet';

/** The engine answers with the load balancer as HAProxy shows it after the command: show that at once. */
function useStoreLoadBalancer() {
  const client = useQueryClient();
  return (lb: LoadBalancerStatus) => client.setQueryData(fleetQueries.snapshot().queryKey, (s) => s && mergeLoadBalancers(s, [lb]));
}

/** HAProxy `set server B/S state ready|drain|maint`; a refusal comes back as LB_COMMAND_REJECTED with HAProxy's words. */
export function useSetServerState() {
  const store = useStoreLoadBalancer();
  return useMutation({
    mutationFn: (input: MethodInput<'lb.setServerState'>) => call('lb.setServerState', input),
    onSuccess: store,
  });
}

/** HAProxy `set weight B/S N`. */
export function useSetWeight() {
  const store = useStoreLoadBalancer();
  return useMutation({
    mutationFn: (input: MethodInput<'lb.setWeight'>) => call('lb.setWeight', input),
    onSuccess: store,
  });
}
