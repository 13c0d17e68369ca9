import { TimelineFilter } from '../../../../shared/timeline';

/** A timeline filter from the name of its route (filter-params.ts makes it): a value that does not pass the contract is dropped, the rest kept. */

const LISTS = ['subjects', 'severities', 'kinds'] as const;
const TEXTS = ['region', 'cluster', 'text', 'incident'] as const;
const NUMBERS = ['from', 'to'] as const;

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
