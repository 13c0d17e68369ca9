import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MethodInput } from '../../../../shared/contract';
import type { LabServicesInfo } from '../../../../shared/services';
import { applyLabServices } from '../cache-updates';
import { call } from '../client';
import { fleetQueries } from '../queries/fleet';

function useStoreLabServices() {
  const client = useQueryClient();
  return (info: LabServicesInfo) => client.setQueryData(fleetQueries.snapshot().queryKey, (s) => s && applyLabServices(s, info));
}

/** Sets (or, with `kind: null`, clears) one lab replica's fault. */
export function useReplicaFault() {
  const store = useStoreLabServices();
  return useMutation({
    mutationFn: (input: MethodInput<'lab.replicaFault'>) => call('lab.replicaFault', input),
    onSuccess: store,
  });
}

/** Sets the traffic generator's rate; 0 stops it. */
export function useLabTraffic() {
  const store = useStoreLabServices();
  return useMutation({
    mutationFn: (input: MethodInput<'lab.traffic'>) => call('lab.traffic', input),
    onSuccess: store,
  });
}
