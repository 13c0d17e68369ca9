import { QueryClient } from '@tanstack/react-query';
import { FleetApiError } from './errors';

/** Only a lost connection or a timeout is worth retrying; NOT_FOUND, BAD_REQUEST… will say the same again. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= 3) return false;
  return error instanceof FleetApiError && (error.code === 'CONNECTION_LOST' || error.code === 'CALL_TIMEOUT');
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        // Freshness comes from pushed events and from the refetch after a reconnect, not from focus.
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        // navigator.onLine says nothing about a server on 127.0.0.1 (a jump host may have no internet).
        networkMode: 'always',
      },
      mutations: { retry: false, networkMode: 'always' },
    },
  });
}
