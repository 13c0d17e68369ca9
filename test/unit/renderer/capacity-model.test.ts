/**
 * The Capacity view's pure logic (renderer/src/views/capacity/capacity-model.ts and routes.ts):
 * verdict words and tones, the numbers beside the engine's, where "Promote…" leads, the sidebar
 * badge and the Overview's warning, and the `capacity.updated` push replacing the cached overview.
 */
import { QueryClient } from '@tanstack/query-core';
import { describe, expect, it } from 'vitest';
import { CapacityOverview, type DomainCapacity, type ServiceCapacity, type ServingCheck } from '../../../shared/capacity';
import { applyPushEvent } from '../../../renderer/src/api/push-sync';
import { capacityQueries } from '../../../renderer/src/api/queries/capacity';
import { parseRoute, routeTableOf } from '../../../renderer/src/model/route';
import { parseRunbookLink } from '../../../renderer/src/views/runbooks/runbook-link';
import {
  adviceRows,
  capacityBadge,
  capacityWarnings,
  checkRows,
  domainRows,
  formatPoints,
  formatRps,
  formatSeconds,
  headroom,
  memberLabel,
  nkText,
  promoteTarget,
  ratioText,
  tallyText,
} from '../../../renderer/src/views/capacity/capacity-model';
import { capacityServiceHref, promoteNodeHref, promoteReplicaHref } from '../../../renderer/src/views/capacity/routes';

const check = (over: Partial<ServingCheck> = {}): ServingCheck => ({ serving: 3, capacityRps: 30, availability: 0.9999, loadOk: true, sloOk: true, ok: true, text: '3 serving', ...over });
const tally = { active: 3, warm: 1, cold: 1, failed: 0 };

function service(name: string, over: Partial<ServiceCapacity> = {}): ServiceCapacity {
  return {
    service: name,
    loadBalancer: 'lab-lb',
    sloTarget: 99.9,
    peakRps: 20,
    members: [
      { replica: 'r1', region: 'eu', cluster: 'inf-a', state: 'active', reason: null, availability: 0.999, capacityRps: 10, startupSeconds: 30 },
      { replica: 'r2', region: 'us', cluster: 'inf-b', state: 'active', reason: null, availability: 0.999, capacityRps: 10, startupSeconds: 30 },
      { replica: 's1', region: 'us', cluster: 'inf-b', state: 'cold', reason: 'unit vllm inactive', availability: null, capacityRps: 10, startupSeconds: 40 },
    ],
    tally,
    now: check(),
    needed: 2,
    k: 1,
    ratio: { actual: 1.5, domains: 3, needed: 1.5 },
    loss: {
      domain: { kind: 'region', name: 'us' },
      lost: ['r2'],
      left: check({ serving: 1, capacityRps: 10, loadOk: false, ok: false }),
      withWarm: check({ serving: 1, capacityRps: 10, loadOk: false, ok: false }),
      withCold: check({ serving: 2, capacityRps: 20 }),
      coldAfterSeconds: 40,
      verdict: 'cold-only',
      text: 'losing region us leaves 10 req/s for a peak of 20 req/s; the cold spare carries it after 40 s',
    },
    advice: [
      { added: 1, availability: 0.99999, gainPoints: 0.009, little: false },
      { added: 2, availability: 0.9999999, gainPoints: 0.0000099, little: true },
    ],
    recovery: { warmSeconds: 12, coldSeconds: 55, source: 'measured', runs: 3, text: 'from 3 drills' },
    ...over,
  };
}

const domain = (kind: DomainCapacity['kind'], name: string, region: string | null): DomainCapacity => ({
  kind,
  name,
  region,
  role: 'inference',
  nodes: tally,
  gpus: tally,
  replicas: tally,
});

function overview(services: ServiceCapacity[], worst: CapacityOverview['worst']): CapacityOverview {
  return CapacityOverview.parse({ at: 1_700_000_000_000, domains: [], services, spareNodes: [], worst });
}

describe('numbers and words', () => {
  it('writes request rates, durations and small gains so a step is visible', () => {
    expect(formatRps(null)).toBe('unknown');
    expect(formatRps(2.345)).toBe('2.3 req/s');
    expect(formatRps(1240.4)).toBe('1,240 req/s');
    expect(formatSeconds(null)).toBe('–');
    expect(formatSeconds(45)).toBe('45 s');
    expect(formatSeconds(600)).toBe('10 min');
    expect(formatSeconds(3900)).toBe('65 min');
    expect(formatSeconds(7500)).toBe('2 h 5 min');
    expect(formatPoints(0.0000099)).toBe('0.0000099');
    expect(formatPoints(0.009)).toBe('0.0090');
    expect(formatPoints(1.5)).toBe('1.50');
  });

  it('counts members in words', () => {
    expect(tallyText({ active: 3, warm: 1, cold: 2, failed: 0 })).toBe('3 active · 1 warm spare · 2 cold spares · 0 failed');
  });

  it('tells a warm spare failing its checks from a cold one, though both count as cold', () => {
    expect(memberLabel('cold', 'warm-unverified').text).toBe('warm (unverified)');
    expect(memberLabel('cold', 'cold')).toEqual({ text: 'spare (cold)', tone: 'standby' });
    expect(memberLabel('cold', null).text).toBe('spare (cold)');
    expect(memberLabel('warm', 'warm').text).toBe('spare (warm)');
    expect(memberLabel('failed', null).tone).toBe('unhealthy');
  });

  it('puts the real ratio beside k/(k−1), and says when a single domain leaves no such ratio', () => {
    expect(ratioText({ actual: 1.8, domains: 3, needed: 1.5 })).toEqual({ actual: '180 % of peak', needed: 'needs 150 % (k/(k−1), 3 domains)', ok: true });
    expect(ratioText({ actual: 1.2, domains: 2, needed: 2 }).ok).toBe(false);
    expect(ratioText({ actual: 3, domains: 1, needed: null })).toMatchObject({ needed: 'one failure domain: losing it loses everything', ok: null });
    expect(ratioText({ actual: null, domains: 3, needed: 1.5 }).ok).toBeNull();
  });

  it('writes N+k, short when fewer serve than the peak needs', () => {
    expect(nkText({ needed: 2, k: 1 })).toBe('N+1 (2 replicas carry the peak, 1 beyond)');
    expect(nkText({ needed: 1, k: 0 })).toBe('N+0 (1 replica carries the peak, 0 beyond)');
    expect(nkText({ needed: 3, k: -1 })).toBe('N−1 (3 replicas carry the peak; 1 short)');
    expect(nkText({ needed: null, k: null })).toMatch(/unknown/);
  });

  it('measures headroom against the peak and against the SLO', () => {
    const h = headroom(service('chat'));
    expect(h).toMatchObject({ loadOk: true, sloOk: true });
    expect(h.load).toBe('against load: 10 req/s (+50 % of peak) — 30 req/s for a peak of 20 req/s');
    expect(h.slo).toMatch(/^against the SLO: 99\.99\d*% for 99\.9% \(\+0\.09\d* points\)$/);
    const short = headroom({ now: check({ capacityRps: 15, availability: 0.99 }), peakRps: 20, sloTarget: 99.9 });
    expect(short).toMatchObject({ loadOk: false, sloOk: false });
    expect(short.load).toMatch(/^against load: −5\.0 req\/s \(−25 % of peak\)/);
    expect(headroom({ now: check({ capacityRps: null }), peakRps: null, sloTarget: null })).toMatchObject({ loadOk: null, sloOk: null, slo: 'against the SLO: no SLO' });
  });

  it('lists now, what is left, plus warm, plus cold after their start-up', () => {
    expect(checkRows(service('chat')).map((r) => [r.key, r.label, r.check.serving])).toEqual([
      ['now', 'now', 3],
      ['left', 'without region us', 1],
      ['warm', '+ warm spares', 1],
      ['cold', '+ cold spares, after 40 s', 2],
    ]);
  });

  it('marks the spare that buys little', () => {
    expect(adviceRows(service('chat').advice).map((a) => [a.label, a.gainText, a.little])).toEqual([
      ['+1 spare', '+0.0090 points', false],
      ['+2 spares', '+0.0000099 points', true],
    ]);
  });

  it('orders failure domains as a tree: each region, then its clusters', () => {
    const rows = domainRows([domain('cluster', 'b-2', 'us'), domain('region', 'us', null), domain('cluster', 'a-1', 'eu'), domain('region', 'eu', null), domain('cluster', 'x', 'gone')]);
    expect(rows.map((d) => d.name)).toEqual(['eu', 'a-1', 'us', 'b-2', 'x']);
  });
});

describe('promote a spare', () => {
  const ROUTES = routeTableOf([
    { id: 'overview', subjects: [] },
    { id: 'capacity', subjects: [{ kind: 'capacity-service', drawer: false }] },
    { id: 'runbooks', subjects: [{ kind: 'run', drawer: false }, { kind: 'runbook', drawer: false }] },
  ]);
  const opened = (href: string) => {
    const route = parseRoute(href, ROUTES);
    expect(route.view).toBe('runbooks');
    return parseRunbookLink(route.subject!.name);
  };

  it('replaces the backend’s failed member if there is one, else its first active one', () => {
    const members = service('chat').members;
    expect(promoteTarget(members)).toBe('r1');
    expect(promoteTarget([...members, { ...members[1], replica: 'r9', state: 'failed' }])).toBe('r9');
    expect(promoteTarget([members[2]])).toBeNull();
    expect(opened(promoteReplicaHref(members, 's1'))).toEqual({ runbook: 'replace-replica', target: 'r1', params: { spare: 's1' } });
    expect(promoteReplicaHref(members, 's1')).toBe('#/runbook/replace-replica%3Ftarget%3Dr1%26p.spare%3Ds1');
    expect(opened(promoteReplicaHref([members[2]], 's1'))).toEqual({ runbook: 'replace-replica', target: null, params: { spare: 's1' } });
  });

  it('opens promote-spare-node on the spare node, its rollback reason saying it is a spare again', () => {
    expect(opened(promoteNodeHref({ node: 'tr-07', cluster: 'train-a' }))).toEqual({ runbook: 'promote-spare-node', target: 'tr-07', params: { reason: 'fleetops spare of train-a' } });
  });

  it('links a service’s section as a subject of the Capacity view', () => {
    expect(parseRoute(capacityServiceHref('chat svc'), ROUTES)).toEqual({ view: 'capacity', subject: { kind: 'capacity-service', name: 'chat svc' } });
  });
});

describe('the badge, the Overview’s warning and the push', () => {
  it('warns of every service not surviving its largest-domain loss, worst first', () => {
    const o = overview([service('a', { loss: { ...service('a').loss, verdict: 'survives' } }), service('b'), service('c', { loss: { ...service('c').loss, verdict: 'fails' } })], 'fails');
    expect(capacityWarnings(o).map((s) => [s.service, s.loss.verdict])).toEqual([
      ['c', 'fails'],
      ['b', 'cold-only'],
    ]);
    expect(capacityBadge(o)).toMatchObject({ count: 2, tone: 'unhealthy' });
    expect(capacityBadge(overview([service('b')], 'cold-only'))).toMatchObject({ count: 1, tone: 'degraded' });
    expect(capacityBadge(overview([], 'survives'))).toBeNull();
  });

  it('takes a capacity.updated push as the whole overview, whether or not the view has fetched it', () => {
    const client = new QueryClient();
    const first = overview([service('a')], 'cold-only');
    applyPushEvent(client, { event: 'capacity.updated', payload: first });
    expect(client.getQueryData(capacityQueries.overview().queryKey)).toBe(first);
    const next = overview([], 'survives');
    applyPushEvent(client, { event: 'capacity.updated', payload: next });
    expect(client.getQueryData(capacityQueries.overview().queryKey)).toEqual(next);
  });
});
