import type { TimelineFilter } from '../../../../shared/timeline';

/**
 * A timeline filter as the name of a route (`#/events/incident=ID&severity=error`): the filter a
 * person set up is a link they can paste into another console, and back/forward walks through
 * the filters tried. Lists are comma-separated; a value that does not pass the contract is
 * dropped with the rest of the filter kept (a stale link still opens the timeline):
 * filter-from-params.ts, apart, since it checks with the contract's zod schema and links are
 * made on the first render, which does not load zod (api/parse.ts says why).
 */

/** Order of the parameters in a link, so one filter is always the same link. */
const ORDER = ['incident', 'from', 'to', 'region', 'cluster', 'subjects', 'severities', 'kinds', 'text'] as const;

export function filterToParams(filter: TimelineFilter): string {
  const params = new URLSearchParams();
  for (const key of ORDER) {
    const value = filter[key];
    if (value === undefined) continue;
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return params.toString();
}


/** The filter with `key` set (or removed when `value` is undefined or an empty list). */
export function withFilter<K extends keyof TimelineFilter>(filter: TimelineFilter, key: K, value: TimelineFilter[K] | undefined): TimelineFilter {
  const next = { ...filter };
  if (value === undefined || (Array.isArray(value) && value.length === 0) || value === '') delete next[key];
  else next[key] = value;
  return next;
}
