import { TimelineFilter } from '../../../../shared/timeline';

/**
 * A timeline filter as the name of a route (`#/events/incident=ID&severity=error`): the filter a
 * person set up is a link they can paste into another console, and back/forward walks through
 * the filters tried. Lists are comma-separated; a value that does not pass the contract is
 * dropped with the rest of the filter kept (a stale link still opens the timeline).
 */

const LISTS = ['subjects', 'severities', 'kinds'] as const;
const TEXTS = ['region', 'cluster', 'text', 'incident'] as const;
const NUMBERS = ['from', 'to'] as const;
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

export function filterFromParams(name: string): TimelineFilter {
  const params = new URLSearchParams(name);
  const out: Record<string, unknown> = {};
  for (const key of LISTS) {
    const v = params.get(key);
    if (v) out[key] = v.split(',').filter((s) => s !== '');
  }
  for (const key of TEXTS) {
    const v = params.get(key);
    if (v) out[key] = v;
  }
  for (const key of NUMBERS) {
    const v = params.get(key);
    if (v && /^\d+$/.test(v)) out[key] = Number(v);
  }
  // Each field on its own: one bad value costs only itself.
  const filter: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(out)) {
    if (TimelineFilter.safeParse({ [key]: value }).success) filter[key] = value;
  }
  return filter as TimelineFilter;
}

/** The filter with `key` set (or removed when `value` is undefined or an empty list). */
export function withFilter<K extends keyof TimelineFilter>(filter: TimelineFilter, key: K, value: TimelineFilter[K] | undefined): TimelineFilter {
  const next = { ...filter };
  if (value === undefined || (Array.isArray(value) && value.length === 0) || value === '') delete next[key];
  else next[key] = value;
  return next;
}
