import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MethodInput } from '../../../../shared/contract';
import type { LabInfo } from '../../../../shared/status';
import { applyLab } from '../cache-updates';
import { call } from '../client';
import { fleetQueries } from '../queries/fleet';

function useStoreLab() {
  const client = useQueryClient();
  return (lab: LabInfo) => client.setQueryData(fleetQueries.snapshot().queryKey, (s) => s && applyLab(s, lab));
}

export function useInjectFault() {
  const storeLab = useStoreLab();
  return useMutation({
    mutationFn: (input: MethodInput<'lab.injectFault'>) => call('lab.injectFault', input),
    onSuccess: storeLab,
  });
}

export function useClearFault() {
  const storeLab = useStoreLab();
  return useMutation({
    mutationFn: (input: MethodInput<'lab.clearFault'>) => call('lab.clearFault', input),
    onSuccess: storeLab,
  });
}

/** A lab training job's checkpoint writer fault on or off. */
export function useJobFault() {
  const storeLab = useStoreLab();
  return useMutation({
    mutationFn: (input: MethodInput<'lab.jobFault'>) => call('lab.jobFault', input),
    onSuccess: storeLab,
  });
}
