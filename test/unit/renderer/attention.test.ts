import { describe, expect, it } from 'vitest';
import { attentionItems, attentionRows, FAST_BURN, fleetCounts, SCORES, severityOf } from '../../../renderer/src/views/overview/attention';
import { lbServer, loadBalancer, node, replica, service, snapshot } from './builders';
import { runView } from './run-builders';

const T0 = 1_700_000_000_000;
const healthy = () => ({
  nodes: [node('n1'), node('n2'), node('n3')],
  replicas: [replica('r1'), replica('r2')],
  services: [service('llama')],
  loadBalancers: [loadBalancer('lb1')],
  runs: [runView('done', { status: 'succeeded', endedAt: T0 })],
});
const order = (input: Parameters<typeof attentionItems>[0]) => attentionItems(input).map((i) => `${i.kind} ${i.subject} ${i.state}`);

describe('attentionItems', () => {
  it('is empty for a healthy fleet (finished runs are not listed)', () => {
    expect(attentionItems(healthy())).toEqual([]);
  });

  it('lists the worst first: fast SLO burn, failed rollback, nodes and replicas down, load balancers, slow burn, runs waiting, degraded, disagreements, throttling, runs going on, not probed yet', () => {
    const input = {
      nodes: [
        node('n-degraded', { health: 'degraded', reasons: ['GPU 3 at 91 °C'] }),
        node('n-unknown', { health: 'unknown', reasons: [] }),
        node('n-unreachable', { health: 'unreachable', reasons: ['connection refused'] }),
        node('n-unhealthy', { health: 'unhealthy', reasons: ['GPU 0 is lost'] }),
        node('n-ok'),
      ],
      replicas: [
        replica('r-throttled', { health: 'throttled' }),
        replica('r-unhealthy', { health: 'unhealthy' }),
        replica('r-degraded', { health: 'degraded' }),
        replica('r-unreachable', { health: 'unreachable' }),
        replica('r-ok'),
      ],
      services: [service('slow', { burnRate1h: 2.5, burnRate24h: 0.4 }), service('fast', { burnRate1h: 20, burnRate24h: 3 }), service('ok')],
      loadBalancers: [
        loadBalancer('lb-down', { health: 'unhealthy', reasons: ['no server takes traffic'] }),
        loadBalancer('lb-deg', { health: 'degraded', servers: [lbServer('llama', 'r-x', { disagreement: 'HAProxy says UP, the probes say unreachable' })] }),
      ],
      runs: [
        runView('run-a', { status: 'running', runbook: 'drain-replica', target: 'r-a' }),
        runView('run-b', { status: 'rollback-failed', runbook: 'region-failover', target: 'us-west-2' }),
        runView('run-c', { status: 'stopped', runbook: 'drain-replica', target: 'r-c' }),
        runView('run-d', { status: 'rolling-back', runbook: 'drain-replica', target: 'r-d' }),
        runView('run-e', { status: 'rolled-back', runbook: 'drain-replica', target: 'r-e' }),
      ],
    };
    expect(order(input)).toEqual([
      'service fast burning 20.0×',
      'run region-failover on us-west-2 rollback-failed',
      'node n-unreachable unreachable',
      'node n-unhealthy unhealthy',
      'replica r-unreachable unreachable',
      'replica r-unhealthy unhealthy',
      'load balancer lb-down unhealthy',
      'service slow burning 2.50×',
      'run drain-replica on r-c stopped',
      'node n-degraded degraded',
      'replica r-degraded degraded',
      'lb server lb-deg/llama/r-x HAProxy UP',
      'load balancer lb-deg degraded',
      'replica r-throttled throttled',
      'run drain-replica on r-d rolling-back',
      'run drain-replica on r-a running',
      'node n-unknown unknown',
    ]);
    const items = attentionItems(input);
    expect(items.map((i) => i.score)).toEqual([...items.map((i) => i.score)].sort((a, b) => b - a));
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
  });

  it('links each item to its subject: a node or replica drawer, a service, a load balancer, a run', () => {
    const items = attentionItems({
      ...healthy(),
      nodes: [node('n1', { health: 'unhealthy' })],
      replicas: [replica('r 1', { health: 'unreachable' })],
      services: [service('llama', { burnRate1h: 3 })],
      loadBalancers: [loadBalancer('lb1', { servers: [lbServer('llama', 'other', { replica: null, disagreement: 'x' }), lbServer('llama', 'r1', { disagreement: 'y' })] })],
      runs: [runView('abc-1', { status: 'interrupted' })],
    });
    expect(Object.fromEntries(items.map((i) => [i.subject, i.href]))).toEqual({
      llama: '#/service/llama',
      'drain-replica on r1': '#/run/abc-1',
      n1: '#/node/n1',
      'r 1': '#/replica/r%201',
      'lb1/llama/other': '#/lb/lb1',
      'lb1/llama/r1': '#/replica/r1',
    });
  });

  it('within one kind of problem, the longest-standing first, then by name (numbers as numbers)', () => {
    const items = attentionItems({
      ...healthy(),
      nodes: [
        node('gpu-10', { health: 'unhealthy', since: T0 }),
        node('gpu-2', { health: 'unhealthy', since: T0 }),
        node('gpu-9', { health: 'unhealthy', since: T0 - 60_000 }),
      ],
    });
    expect(items.map((i) => i.subject)).toEqual(['gpu-9', 'gpu-2', 'gpu-10']);
  });

  it('burn rates: above 1× is a warning, from the fast-burn threshold on (or ∞) it is critical; 1× or less is not listed unless the SLO is missed', () => {
    const burn = (b1: number | 'infinite' | null, b24: number | 'infinite' | null, over = {}) =>
      attentionItems({ ...healthy(), services: [service('s', { burnRate1h: b1, burnRate24h: b24, ...over })] });
    expect(burn(1, 1)).toEqual([]);
    expect(burn(null, null)).toEqual([]);
    expect(burn(1.01, 0)[0]).toMatchObject({ severity: 'warning', score: SCORES.serviceBurning });
    expect(burn(0.2, 1.5)[0]).toMatchObject({ severity: 'warning', state: 'burning 1.50×' });
    expect(burn(FAST_BURN, 0)[0]).toMatchObject({ severity: 'critical', score: SCORES.serviceFastBurn });
    expect(burn('infinite', null)[0]).toMatchObject({ severity: 'critical', state: 'burning ∞' });
    const missed = burn(0.5, 0.5, { month: { successRatio: 0.99, requests: 1000, failed: 10 } });
    expect(missed[0]).toMatchObject({ state: 'missing its SLO', severity: 'warning' });
  });

  it('severities follow the score bands', () => {
    expect([SCORES.nodeUnhealthy, SCORES.lbDown, SCORES.runWaiting, SCORES.serviceMissing, SCORES.replicaThrottled, SCORES.notProbedYet].map(severityOf)).toEqual([
      'critical',
      'critical',
      'warning',
      'warning',
      'notice',
      'notice',
    ]);
  });
});

describe('fleetCounts', () => {
  it('says what a healthy fleet is made of, singular where it is one', () => {
    expect(fleetCounts(snapshot({ replicas: [replica('r1')], services: [service('a'), service('b')] }))).toBe('3 nodes, 1 replica, 2 services');
    expect(fleetCounts(snapshot({ nodes: [node('n1')] }))).toBe('1 node, 0 replicas, 0 services');
  });
});

describe('attentionRows', () => {
  it('shows subjects not probed yet as one row per kind past three, where the first was; the rest one row each', () => {
    const input = {
      ...healthy(),
      nodes: [node('bad', { health: 'unhealthy' }), ...['u1', 'u2', 'u3', 'u4'].map((n) => node(n, { health: 'unknown' }))],
      replicas: [replica('r-unknown', { health: 'unknown' })],
    };
    const rows = attentionRows(attentionItems(input));
    expect(rows.map((r) => ('item' in r ? r.item.subject : `${r.group.items.length} ${r.group.kind}s ${r.group.state}`))).toEqual([
      'bad',
      'r-unknown',
      '4 nodes unknown',
    ]);
  });

  it('keeps up to three of a kind as rows of their own', () => {
    const input = { ...healthy(), nodes: ['u1', 'u2', 'u3'].map((n) => node(n, { health: 'unknown' })) };
    expect(attentionRows(attentionItems(input)).every((r) => 'item' in r)).toBe(true);
  });
});

describe('attentionItems: drills', () => {
  const drillRun = (id: string, drill: string, status: string, startedAt: number, extra: Record<string, unknown> = {}) =>
    ({ id, drill, status, startedAt, endedAt: startedAt + 1000, reason: `${status} because`, faultRunId: `fault-${id}`, ...extra }) as unknown as import('../../../shared/drill-run').DrillRunView;

  it('a restore that failed is an alarm above a failed rollback, an aborted drill a warning; each drill by its latest run only', () => {
    const input = {
      ...healthy(),
      runs: [runView('rb', { status: 'rollback-failed', endedAt: T0 })],
      drills: [
        drillRun('a1', 'maint', 'restore-failed', T0),
        drillRun('b1', 'stop', 'aborted', T0),
        // Dealt with: a later run of the same drill passed.
        drillRun('c1', 'freeze', 'restore-failed', T0),
        drillRun('c2', 'freeze', 'passed', T0 + 5000),
      ],
    };
    const items = attentionItems(input);
    expect(items.map((i) => `${i.kind} ${i.subject} ${i.state} ${i.severity}`)).toEqual([
      'drill drill maint restore failed critical',
      `run ${items[1]!.subject} rollback-failed critical`,
      'drill drill stop aborted warning',
    ]);
    expect(items[0]).toMatchObject({ score: SCORES.drillRestoreFailed, href: expect.stringContaining('fault-a1'), reason: 'restore-failed because', tone: 'unhealthy' });
  });
});

describe('spares standing by (issue 13)', () => {
  it('lists no spare standing by, cold or warm-unverified: a spare is never a problem in itself', () => {
    const input = { ...healthy(), replicas: [replica('r1'), replica('spare-cold', { health: 'standby', reasons: ['unit vllm inactive'] })] };
    expect(attentionItems(input)).toEqual([]);
  });
});
