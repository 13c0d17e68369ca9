import { describe, expect, it } from 'vitest';
import {
  formatRoute,
  lbHref,
  nodeHref,
  openedFromFor,
  parseRoute,
  replicaHref,
  routeTableOf,
  runbookHref,
  runHref,
  screenOf,
  serviceHref,
  subjectHref,
  viewHref,
  type Route,
} from '../../../renderer/src/model/route';

/** The console's table as renderer/src/views/index.ts builds it (views, the subjects each owns, drawers). */
const TABLE = routeTableOf([
  { id: 'overview', subjects: [] },
  { id: 'topology', subjects: [{ kind: 'node', drawer: true }] },
  {
    id: 'services',
    subjects: [
      { kind: 'replica', drawer: true },
      { kind: 'service', drawer: false },
      { kind: 'lb', drawer: false },
    ],
  },
  {
    id: 'runbooks',
    subjects: [
      { kind: 'run', drawer: false },
      { kind: 'runbook', drawer: false },
    ],
  },
]);

const OVERVIEW: Route = { view: 'overview', subject: null };

describe('routes of the views', () => {
  it('parses every view from its link, and the link back', () => {
    for (const view of ['overview', 'topology', 'services', 'runbooks']) {
      expect(parseRoute(viewHref(view), TABLE)).toEqual({ view, subject: null });
      expect(formatRoute({ view, subject: null })).toBe(`#/${view}`);
    }
  });

  it('opens the first view for no hash, `#` and `#/` (the printed URL, an old bookmark)', () => {
    for (const hash of ['', '#', '#/']) expect(parseRoute(hash, TABLE)).toEqual(OVERVIEW);
  });
});

describe('routes of the subjects', () => {
  const cases: Array<[string, (name: string) => string, string]> = [
    ['node', nodeHref, 'topology'],
    ['replica', replicaHref, 'services'],
    ['service', serviceHref, 'services'],
    ['lb', lbHref, 'services'],
    ['run', runHref, 'runbooks'],
    ['runbook', runbookHref, 'runbooks'],
  ];

  it.each(cases)('a %s opens in its home view and round-trips, including names that need escaping', (kind, href, view) => {
    for (const name of ['gpu-01', 'a.b_c', 'weird name/x', 'ü-ñ%', '0f8e2c1a-7f3b-4c2e-9f1a-2b3c4d5e6f70']) {
      const route = parseRoute(href(name), TABLE);
      expect(route).toEqual({ view, subject: { kind, name } });
      expect(formatRoute(route)).toBe(href(name));
      expect(href(name)).toBe(subjectHref({ kind, name }));
    }
  });

  it('keeps each kind apart: the same name is a node in one link and a replica in another', () => {
    expect(parseRoute('#/node/llama-1', TABLE)).toEqual({ view: 'topology', subject: { kind: 'node', name: 'llama-1' } });
    expect(parseRoute('#/replica/llama-1', TABLE)).toEqual({ view: 'services', subject: { kind: 'replica', name: 'llama-1' } });
  });

  it('reads a raw slash as part of the name (a hand-written link)', () => {
    expect(parseRoute('#/lb/lb-west/llama', TABLE)).toEqual({ view: 'services', subject: { kind: 'lb', name: 'lb-west/llama' } });
  });
});

describe('garbage', () => {
  it('is the first view: unknown views and kinds, empty names, malformed escapes, case changes, absurd lengths', () => {
    for (const hash of [
      '#/nodes/x',
      '#/node/',
      '#/node',
      '#/replica/',
      '#/replicas/x',
      '#/node/%E0%A4%A',
      '#/replica/%',
      '#/Topology',
      '#/drills',
      '#/drills/x',
      '#/constructor',
      '#/__proto__/x',
      '#/toString/x',
      '#//node/x',
      '##/node/x',
      `#/node/${'x'.repeat(1001)}`,
      'node/x',
    ]) {
      expect(parseRoute(hash, TABLE), hash).toEqual(hash === 'node/x' ? { view: 'topology', subject: { kind: 'node', name: 'x' } } : OVERVIEW);
    }
  });
});

describe('routeTableOf', () => {
  it('lists the views in order, each subject kind with its home view, and the drawers', () => {
    expect(TABLE).toEqual({
      views: ['overview', 'topology', 'services', 'runbooks'],
      homeOf: { node: 'topology', replica: 'services', service: 'services', lb: 'services', run: 'runbooks', runbook: 'runbooks' },
      drawers: ['node', 'replica'],
    });
  });

  it('refuses what would make links ambiguous: a repeated view or kind, a kind named like a view, a bad id, no view', () => {
    expect(() => routeTableOf([])).toThrow();
    expect(() => routeTableOf([{ id: 'a', subjects: [] }, { id: 'a', subjects: [] }])).toThrow(/"a"/);
    expect(() => routeTableOf([{ id: 'a', subjects: [{ kind: 'x', drawer: false }] }, { id: 'b', subjects: [{ kind: 'x', drawer: false }] }])).toThrow(/"x"/);
    expect(() => routeTableOf([{ id: 'a', subjects: [] }, { id: 'b', subjects: [{ kind: 'a', drawer: false }] }])).toThrow(/"a"/);
    expect(() => routeTableOf([{ id: 'b', subjects: [{ kind: 'a', drawer: false }] }, { id: 'a', subjects: [] }])).toThrow(/"a"/);
    expect(() => routeTableOf([{ id: 'Has Space', subjects: [] }])).toThrow();
  });

  it('lets a new view bring its own routes without touching the parser', () => {
    const grown = routeTableOf([{ id: 'overview', subjects: [] }, { id: 'drills', subjects: [{ kind: 'drill', drawer: false }] }]);
    expect(parseRoute('#/drills', grown)).toEqual({ view: 'drills', subject: null });
    expect(parseRoute('#/drill/d-7', grown)).toEqual({ view: 'drills', subject: { kind: 'drill', name: 'd-7' } });
  });
});

describe('screenOf and openedFromFor', () => {
  const node = parseRoute(nodeHref('gpu-1'), TABLE);
  const service = parseRoute(serviceHref('llama'), TABLE);

  it('draws a drawer subject over the view it was opened from, and over its home view when opened from nowhere', () => {
    expect(screenOf(node, 'overview', TABLE)).toEqual({ route: node, view: 'overview' });
    expect(screenOf(node, null, TABLE)).toEqual({ route: node, view: 'topology' });
    // A stamp naming a view this console does not have (an older or newer console) is ignored.
    expect(screenOf(node, 'drills', TABLE).view).toBe('topology');
  });

  it('always shows a subject shown in place (a service, a run) in its home view, and a view as itself', () => {
    expect(screenOf(service, 'overview', TABLE).view).toBe('services');
    expect(screenOf(OVERVIEW, 'runbooks', TABLE).view).toBe('overview');
  });

  it('records, for a new drawer entry, the view shown before; subject to subject keeps the view underneath', () => {
    const onOverview = screenOf(OVERVIEW, null, TABLE);
    expect(openedFromFor(node, onOverview, TABLE)).toBe('overview');
    const nodeOverOverview = screenOf(node, 'overview', TABLE);
    const replica = parseRoute(replicaHref('r1'), TABLE);
    expect(openedFromFor(replica, nodeOverOverview, TABLE)).toBe('overview');
    expect(openedFromFor(node, null, TABLE)).toBeNull();
    expect(openedFromFor(service, onOverview, TABLE)).toBeNull();
    expect(openedFromFor(OVERVIEW, onOverview, TABLE)).toBeNull();
  });
});
