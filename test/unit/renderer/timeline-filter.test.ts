/**
 * A timeline filter is a link (`#/events/<params>`): the same filter is always the same link,
 * a link gives the filter back, and a mangled or hostile link keeps whatever of it is valid.
 */
import { describe, expect, it } from 'vitest';
import { filterFromParams } from '../../../renderer/src/views/timeline/filter-from-params';
import { filterToParams, withFilter } from '../../../renderer/src/views/timeline/filter-params';
import { timelineHref } from '../../../renderer/src/views/timeline/routes';
import { parseRoute, routeTableOf } from '../../../renderer/src/model/route';

// As renderer/src/views/index.ts registers the view (its .tsx components stay out of Node's typecheck).
const ROUTES = routeTableOf([{ id: 'overview', subjects: [] }, { id: 'timeline', subjects: [{ kind: 'events', drawer: false }] }]);

const ID = '0b9c6a4e-1f7d-4c8e-9a51-2f1d3c4b5a69';

describe('timeline filter links', () => {
  it('round-trips every field, in one canonical order', () => {
    const filter = { text: 'xid 79*', kinds: ['node.', 'audit.runbook.step'], severities: ['error', 'warning'] as const, subjects: ['gpu-a-01', 'r1'], region: 'us-west-2', cluster: 'inf-a', from: 1_700_000_000_000, to: 1_700_000_600_000, incident: ID };
    const params = filterToParams({ ...filter, severities: [...filter.severities] });
    expect(params).toBe(`incident=${ID}&from=1700000000000&to=1700000600000&region=us-west-2&cluster=inf-a&subjects=gpu-a-01%2Cr1&severities=error%2Cwarning&kinds=node.%2Caudit.runbook.step&text=xid+79*`);
    expect(filterFromParams(params)).toEqual({ ...filter, severities: ['error', 'warning'] });
    expect(filterToParams({ text: 'x', region: 'eu' })).toBe(filterToParams({ region: 'eu', text: 'x' }));
  });

  it('opens the timeline view through the route table, with the filter in the link', () => {
    const href = timelineHref({ incident: ID, severities: ['error'] });
    const route = parseRoute(href, ROUTES);
    expect(route.view).toBe('timeline');
    expect(route.subject?.kind).toBe('events');
    expect(filterFromParams(route.subject!.name)).toEqual({ incident: ID, severities: ['error'] });
    expect(timelineHref({})).toBe('#/timeline');
  });

  it('drops what does not pass the contract and keeps the rest', () => {
    expect(filterFromParams('severities=error,fatal&from=-5&to=12abc&incident=../../etc&text=ok&kinds=')).toEqual({ text: 'ok' });
    expect(filterFromParams(`text=${'a'.repeat(201)}&region=eu`)).toEqual({ region: 'eu' });
    expect(filterFromParams('%E0%A4%A&&&=')).toEqual({});
  });

  it('removes a field set to nothing', () => {
    expect(withFilter({ text: 'x', kinds: ['a'] }, 'kinds', [])).toEqual({ text: 'x' });
    expect(withFilter({ text: 'x' }, 'text', undefined)).toEqual({});
    expect(withFilter({}, 'region', 'eu')).toEqual({ region: 'eu' });
  });
});
