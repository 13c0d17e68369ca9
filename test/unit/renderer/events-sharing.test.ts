/**
 * The events lists keep their event objects across a pushed event and a refetch, so the memoized
 * rows of EventList render only the new event (TanStack's default sharing, by position, copied
 * every shifted event: all 200 rows rendered again per pushed event).
 */
import { QueryClient } from '@tanstack/query-core';
import { describe, expect, it } from 'vitest';
import { insertEvent, shareEventsById } from '../../../renderer/src/api/cache-updates';
import { eventQueries } from '../../../renderer/src/api/queries/events';
import type { FleetEvent } from '../../../shared/status';
import { event } from './builders';

describe('shareEventsById', () => {
  it('gives back the cached object of every event a new list still holds, wherever it moved', () => {
    const old = [event(5), event(3), event(2)];
    const next = shareEventsById(old, [event(6), { ...event(5) }, { ...event(3) }]) as FleetEvent[];
    expect(next.map((e) => e.id)).toEqual([6, 5, 3]);
    expect(next[1]).toBe(old[0]);
    expect(next[2]).toBe(old[1]);
  });

  it('gives back the old list when nothing changed, and the new one when only the order or length did', () => {
    const old = [event(5), event(3)];
    expect(shareEventsById(old, old.map((e) => ({ ...e })))).toBe(old);
    expect(shareEventsById(old, [{ ...event(5) }])).not.toBe(old);
  });

  it('takes the new event when an id comes back with other content (a store started afresh)', () => {
    const old = [event(5)];
    const fresh = event(5, { message: 'another store’s event 5' });
    expect((shareEventsById(old, [fresh]) as FleetEvent[])[0]).toBe(fresh);
  });

  it('leaves what is not a list to the new data', () => {
    const next = [event(1)];
    expect(shareEventsById(undefined, next)).toBe(next);
  });
});

describe('the events list query', () => {
  it('keeps the row objects when an event is pushed to the top and when the list is fetched again', () => {
    const client = new QueryClient();
    const options = eventQueries.list();
    client.getQueryCache().build(client, { queryKey: options.queryKey, structuralSharing: options.structuralSharing });
    client.setQueryData(options.queryKey, [event(5), event(3)]);
    const before = client.getQueryData(options.queryKey)!;
    client.setQueryData(options.queryKey, (list) => insertEvent(list, { ...event(6) }, 500));
    const after = client.getQueryData(options.queryKey)!;
    expect(after.map((e) => e.id)).toEqual([6, 5, 3]);
    expect(after[1]).toBe(before[0]);
    expect(after[2]).toBe(before[1]);
    // A refetch brings equal copies: the list stays the one the page renders.
    client.setQueryData(options.queryKey, after.map((e) => ({ ...e })));
    expect(client.getQueryData(options.queryKey)).toBe(after);
    client.clear();
  });
});
