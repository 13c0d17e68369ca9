import { queryOptions } from '@tanstack/react-query';
import type { HistoryQuery } from '../../../../shared/history';
import { call } from '../client';

/**
 * One subject's series, fetched once when its plot opens; pushes extend it from then on
 * (renderer/src/plots/live-series.ts). Dropped as soon as no plot shows it (gcTime 0), so the
 * next opening reads what the engine kept meanwhile.
 */
export const historyQueries = {
  all: () => ['history'] as const,
  series: (q: HistoryQuery) =>
    queryOptions({
      queryKey: [...historyQueries.all(), q] as const,
      queryFn: () => call('history.series', q),
      staleTime: Infinity,
      gcTime: 0,
    }),
};

/** A service's per-minute requests; `services.updated` pushes extend it (plots/live-series.ts withRecentMinutes). */
export const availabilityQueries = {
  all: () => ['availability'] as const,
  series: (service: string, range: '1h' | '24h' | '30d') =>
    queryOptions({
      queryKey: [...availabilityQueries.all(), service, range] as const,
      queryFn: () => call('availability.series', { service, range }),
      staleTime: Infinity,
      gcTime: 0,
    }),
};
