/**
 * Links out of the Training view: a job's page and its events on the timeline, and "Cordon
 * node…" — the cordon-gpu-node runbook on the Runbooks view with its form filled in
 * (renderer/src/views/runbooks/runbook-link.ts), always a route the console can open.
 */
import { describe, expect, it } from 'vitest';
import { MAX_NAME, parseRoute, routeTableOf } from '../../../renderer/src/model/route';
import { parseRunbookLink, runbookLinkHref } from '../../../renderer/src/views/runbooks/runbook-link';
import { filterFromParams } from '../../../renderer/src/views/timeline/filter-from-params';
import { cordonHref, jobHref, jobTimelineHref } from '../../../renderer/src/views/training/routes';

// As renderer/src/views/index.ts registers the views (their .tsx components stay out of Node's typecheck).
const ROUTES = routeTableOf([
  { id: 'overview', subjects: [] },
  { id: 'training', subjects: [{ kind: 'job', drawer: false }] },
  { id: 'runbooks', subjects: [{ kind: 'run', drawer: false }, { kind: 'runbook', drawer: false }] },
  { id: 'timeline', subjects: [{ kind: 'events', drawer: false }] },
]);

/** What the Runbooks view gets from a link: the route's runbook name, read. */
function opened(href: string) {
  const route = parseRoute(href, ROUTES);
  expect(route.view).toBe('runbooks');
  expect(route.subject?.kind).toBe('runbook');
  return parseRunbookLink(route.subject!.name);
}

describe('runbook links with the form filled in', () => {
  it('a plain runbook link stays `#/runbook/NAME`', () => {
    expect(runbookLinkHref('drain-replica')).toBe('#/runbook/drain-replica');
    expect(parseRunbookLink('drain-replica')).toEqual({ runbook: 'drain-replica', target: null, params: {} });
  });

  it('carries the target and parameters through the route, whatever characters they hold', () => {
    const params = { reason: 'XID 79 on GPU 3 & more: 50% = bad?#/', jobs: 'requeue', target: 'a param named target' };
    expect(opened(runbookLinkHref('cordon-gpu-node', { target: 'gpu-a-01', params }))).toEqual({ runbook: 'cordon-gpu-node', target: 'gpu-a-01', params });
  });

  it('cuts the longest value rather than make a link the console would not open', () => {
    const href = runbookLinkHref('cordon-gpu-node', { target: 'gpu-a-01', params: { reason: 'é&'.repeat(400), jobs: 'requeue' } });
    expect(href.length - '#/runbook/'.length).toBeLessThanOrEqual(MAX_NAME);
    const link = opened(href);
    expect(link.target).toBe('gpu-a-01');
    expect(link.params.jobs).toBe('requeue');
    expect(link.params.reason.endsWith('…')).toBe(true);
    expect('é&'.repeat(400).startsWith(link.params.reason.slice(0, -1))).toBe(true);
  });

  it('ignores what is not a parameter in a mangled link', () => {
    expect(parseRunbookLink('cordon-gpu-node?target=&p.=x&other=y&p.jobs=wait')).toEqual({ runbook: 'cordon-gpu-node', target: null, params: { jobs: 'wait' } });
  });
});

describe('the Training view’s links', () => {
  it('"Cordon node…" opens cordon-gpu-node on the node, its risk reason as the drain reason, its jobs requeued', () => {
    const link = opened(cordonHref('gpu-a-02', `XID 79 on GPU 3 (fallen off the bus)\n${'detail '.repeat(60)}`));
    expect(link.runbook).toBe('cordon-gpu-node');
    expect(link.target).toBe('gpu-a-02');
    expect(link.params.jobs).toBe('requeue');
    expect(link.params.reason.startsWith('XID 79 on GPU 3 (fallen off the bus) detail')).toBe(true);
    expect(link.params.reason.length).toBeLessThanOrEqual(200);
  });

  it('a job opens its page in the Training view; its events open the timeline filtered on `job:CLUSTER/ID`', () => {
    const job = { cluster: 'train-a', id: '4123', state: 'RUNNING' };
    expect(parseRoute(jobHref(job), ROUTES)).toEqual({ view: 'training', subject: { kind: 'job', name: 'train-a/4123' } });
    const timeline = parseRoute(jobTimelineHref(job)!, ROUTES);
    expect(timeline.view).toBe('timeline');
    expect(filterFromParams(timeline.subject!.name)).toEqual({ subjects: ['job:train-a/4123'] });
    expect(jobTimelineHref({ ...job, id: 'inventory:llama', state: 'unscheduled' })).toBeNull();
  });
});
