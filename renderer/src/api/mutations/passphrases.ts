import { useMutation } from '@tanstack/react-query';
import type { MethodInput } from '../../../../shared/contract';
import { call } from '../client';

/**
 * Hands a key passphrase to the engine, which checks it against the key before keeping it. No
 * cache update: the nodes it unblocks are re-probed and their new statuses arrive as pushes.
 */
export function useProvidePassphrase() {
  return useMutation({
    mutationFn: (input: MethodInput<'ssh.providePassphrase'>) => call('ssh.providePassphrase', input),
    // The mutation's variables hold the passphrase: drop them as soon as no dialog row shows the call.
    gcTime: 0,
  });
}
