import { useMutation } from '@tanstack/react-query';
import type { MethodInput } from '../../../../shared/contract';
import { call } from '../client';

/**
 * Hands a replica secret to the engine's secret store. No cache update: the replicas using it
 * are re-probed and their new statuses arrive as pushes.
 */
export function useSetSecret() {
  return useMutation({
    mutationFn: (input: MethodInput<'secrets.set'>) => call('secrets.set', input),
    // The mutation's variables hold the secret: drop them as soon as no form shows the call.
    gcTime: 0,
  });
}
