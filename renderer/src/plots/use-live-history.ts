import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { HistoryQuery } from '../../../shared/history';
import { historyQueries } from '../api/queries/history';
import { appendPoint, fromHistory, type LivePoint, type PlotData } from './live-series';

/**
 * A subject's series for a plot: read once from the engine's history, then extended by each live
 * point the caller derives from a push (a node's or replica's status as the cache holds it).
 */
export function useLiveHistory(query: HistoryQuery, live: LivePoint | null): { data: PlotData | null; error: unknown } {
  const fetched = useQuery(historyQueries.series(query));
  const [data, setData] = useState<PlotData | null>(null);
  useEffect(() => {
    if (fetched.data) setData(fromHistory(fetched.data, query.metrics));
    // query.metrics is part of the fetched query's key: fetched.data changes with it.
  }, [fetched.data]);
  const liveTs = live?.ts ?? null;
  useEffect(() => {
    if (live) setData((d) => (d ? appendPoint(d, live) : d));
    // A new point is a new timestamp; the same status pushed again appends nothing.
  }, [liveTs]);
  return { data, error: fetched.error };
}
