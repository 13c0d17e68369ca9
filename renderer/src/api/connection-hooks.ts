import { useCallback, useSyncExternalStore } from 'react';
import { activeTransport } from './client';
import type { ConnectionState } from './transport';

/** The live connection state of the installed transport. */
export function useConnectionState(): ConnectionState {
  const transport = activeTransport();
  return useSyncExternalStore(
    useCallback((notify) => transport.onConnection(notify), [transport]),
    () => transport.connection(),
  );
}
