/**
 * Notifications, in Node with a fake clock: which changes of the fleet are news (detect.ts),
 * how they are grouped and rate-limited (planner.ts), and the wiring from the query cache to a
 * sink (controller.ts) — transitions only, the level setting, the permission, a click opening
 * the subject. The browser side (Notification API, the setting's control) is driven in
 * Chromium by test/e2e/notifications.test.ts.
 */
import { QueryClient } from '@tanstack/query-core';
import { describe, expect, it } from 'vitest';
import type { FleetSnapshot } from '../../../shared/contract';
import type { NodeStatus } from '../../../shared/status';
import { mergeLoadBalancers, mergeNodeStatuses, mergeReplicas, replaceServices } from '../../../renderer/src/api/cache-updates';
import { fleetQueries } from '../../../renderer/src/api/queries/fleet';
import type { NotifyChoice } from '../../../renderer/src/model/preferences';
import { parseNotify } from '../../../renderer/src/model/preferences';
import { startNotifications, type NotificationSink, type NotifyPermission } from '../../../renderer/src/notifications/controller';
import { TransitionDetector, type Transition } from '../../../renderer/src/notifications/detect';
import { GROUP_WINDOW_MS, groupNotification, NotificationPlanner, PER_MINUTE, summaryNotification, type PlannedNotification, type PlannerTimers } from '../../../renderer/src/notifications/planner';
import { FAST_BURN } from '../../../renderer/src/views/overview/attention';
import { loadBalancer, node, replica, service, snapshot } from './builders';

/** Timers on a clock the test moves by hand. */
function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  let nextId = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: PlannerTimers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      pending.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout: (h) => void pending.delete(h as number),
  };
  /** Moves the clock, firing due timers in time order (each at its own time). */
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = [...pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      pending.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = until;
  };
  return { timers, advance, pending, now: () => now };
}

const fleet = (nodes: NodeStatus[], over: Partial<FleetSnapshot> = {}) => snapshot({ nodes, ...over });
const n = (name: string, region: string, health: NodeStatus['health'], reason = '') =>
  node(name, { region, health, reasons: reason ? [reason] : [] });

describe('detecting what got worse', () => {
  it('says nothing about the first snapshot: a subject already down at load is not news', () => {
    const d = new TransitionDetector();
    const changes = d.update(fleet([n('a', 'eu', 'unreachable'), n('b', 'eu', 'degraded'), n('c', 'eu', 'healthy')]));
    expect(changes).toEqual({ worse: [], better: [] });
    expect(d.levelOf('node', 'a')).toBe('critical');
    expect(d.levelOf('node', 'b')).toBe('warning');
    expect(d.levelOf('node', 'c')).toBe('ok');
  });

  it('reports a node turning unhealthy, unreachable or degraded, with its region, reason and link', () => {
    const d = new TransitionDetector();
    const s0 = fleet([n('a', 'us-west-2', 'healthy'), n('b', 'us-west-2', 'healthy'), n('c', 'eu', 'healthy')]);
    d.update(s0);
    const s1 = mergeNodeStatuses(s0, [n('a', 'us-west-2', 'unhealthy', 'GPU 0 lost'), n('c', 'eu', 'degraded', 'thermal slowdown')]);
    const { worse, better } = d.update(s1);
    expect(better).toEqual([]);
    expect(worse).toEqual([
      { key: 'node/a', kind: 'node', name: 'a', region: 'us-west-2', from: 'ok', to: 'critical', state: 'unhealthy', reason: 'GPU 0 lost', href: '#/node/a' },
      { key: 'node/c', kind: 'node', name: 'c', region: 'eu', from: 'ok', to: 'warning', state: 'degraded', reason: 'thermal slowdown', href: '#/node/c' },
    ]);
    // Worse still within "critical" (unhealthy → unreachable) is not a new transition; degraded → unhealthy is.
    const s2 = mergeNodeStatuses(s1, [n('a', 'us-west-2', 'unreachable'), n('c', 'eu', 'unhealthy')]);
    expect(d.update(s2).worse.map((t) => [t.name, t.from, t.to])).toEqual([['c', 'warning', 'critical']]);
  });

  it('reports getting better, so a pending notification can be dropped', () => {
    const d = new TransitionDetector();
    const s0 = fleet([n('a', 'eu', 'unhealthy')]);
    d.update(s0);
    expect(d.update(mergeNodeStatuses(s0, [n('a', 'eu', 'degraded')])).better).toEqual([{ key: 'node/a', to: 'warning' }]);
  });

  it('treats "unknown" as no verdict: the first verdict after it is a baseline, and a later unknown keeps the last level', () => {
    const d = new TransitionDetector();
    const s0 = fleet([n('a', 'eu', 'unknown'), n('b', 'eu', 'healthy')]);
    d.update(s0);
    // Probed for the first time, already down: was down at load as far as the operator is concerned.
    const s1 = mergeNodeStatuses(s0, [n('a', 'eu', 'unreachable')]);
    expect(d.update(s1).worse).toEqual([]);
    // b loses its verdict, then gets a bad one: compared with "healthy", its last real level.
    const s2 = mergeNodeStatuses(s1, [n('b', 'eu', 'unknown')]);
    expect(d.update(s2)).toEqual({ worse: [], better: [] });
    const s3 = mergeNodeStatuses(s2, [n('b', 'eu', 'unhealthy')]);
    expect(d.update(s3).worse.map((t) => t.name)).toEqual(['b']);
  });

  it('only looks at the statuses a push replaced (the cache keeps the others’ objects)', () => {
    let reads = 0;
    const counted = (status: NodeStatus) =>
      new Proxy(status, {
        get: (target, prop, receiver) => {
          if (prop === 'health') reads++;
          return Reflect.get(target, prop, receiver);
        },
      });
    const d = new TransitionDetector();
    const s0 = fleet(Array.from({ length: 1000 }, (_, i) => counted(n(`n${i}`, 'eu', 'healthy'))));
    d.update(s0);
    expect(reads).toBeGreaterThanOrEqual(1000);
    reads = 0;
    const s1 = mergeNodeStatuses(s0, [counted(n('n500', 'eu', 'unhealthy'))]);
    expect(d.update(s1).worse.map((t) => t.name)).toEqual(['n500']);
    // The one pushed status was read; the 999 others were not.
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThanOrEqual(3);
    reads = 0;
    // Same arrays again (another query's update): nothing to look at.
    expect(d.update({ ...s1 })).toEqual({ worse: [], better: [] });
    expect(reads).toBe(0);
  });

  it('forgets subjects that leave the inventory: coming back, their first verdict is a baseline again', () => {
    const d = new TransitionDetector();
    d.update(fleet([n('a', 'eu', 'healthy'), n('b', 'eu', 'healthy')]));
    d.update(fleet([n('a', 'eu', 'healthy')]));
    expect(d.levelOf('node', 'b')).toBeNull();
    expect(d.update(fleet([n('a', 'eu', 'healthy'), n('b', 'eu', 'unreachable')])).worse).toEqual([]);
  });

  it('covers replicas (throttled is a warning), load balancers and services burning fast', () => {
    const d = new TransitionDetector();
    const s0 = fleet([], {
      replicas: [replica('r1', { region: 'eu' }), replica('r2', { region: null })],
      loadBalancers: [loadBalancer('lb1')],
      services: [service('llama', { burnRate1h: 2 }), service('mistral', { burnRate1h: null })],
    });
    d.update(s0);
    let s = mergeReplicas(s0, [replica('r1', { region: 'eu', health: 'throttled', reasons: ['429: retry after 30 s'] }), replica('r2', { region: null, health: 'unreachable' })]);
    s = mergeLoadBalancers(s, [loadBalancer('lb1', { health: 'unhealthy', reasons: [], lastError: { code: 'HOST_UNREACHABLE', message: 'connect ECONNREFUSED' } })]);
    s = replaceServices(s, [service('llama', { burnRate1h: FAST_BURN }), service('mistral', { burnRate1h: 'infinite' })]);
    const worse = d.update(s).worse;
    expect(worse.map((t) => [t.key, t.region, t.to, t.state])).toEqual([
      ['replica/r1', 'eu', 'warning', 'throttled'],
      ['replica/r2', null, 'critical', 'unreachable'],
      ['load balancer/lb1', null, 'critical', 'unhealthy'],
      // mistral had no traffic (no verdict): its first burn rate is a baseline.
      ['service/llama', null, 'critical', 'burning 14.4×'],
    ]);
    expect(worse.find((t) => t.kind === 'load balancer')?.reason).toBe('connect ECONNREFUSED');
    expect(worse.find((t) => t.kind === 'service')?.href).toBe('#/service/llama');
    expect(worse.find((t) => t.kind === 'service')?.reason).toMatch(/fast burn from 14\.4×/);
    // Just under the threshold is not a fast burn.
    const d2 = new TransitionDetector();
    const t0 = fleet([], { services: [service('llama', { burnRate1h: 1 })] });
    d2.update(t0);
    expect(d2.update(replaceServices(t0, [service('llama', { burnRate1h: FAST_BURN - 0.01 })])).worse).toEqual([]);
  });

  it('never notifies a spare standing by (issue 13): cold, or a warm spare failing its checks, is not a turn for the worse', () => {
    const d = new TransitionDetector();
    const s0 = fleet([], { replicas: [replica('spare', { region: 'eu' }), replica('cold', { region: 'eu', health: 'standby' })] });
    d.update(s0);
    const s1 = mergeReplicas(s0, [replica('spare', { region: 'eu', health: 'standby', reasons: ['health probe failed: HTTP 503'] })]);
    expect(d.update(s1).worse).toEqual([]);
    expect(d.levelOf('replica', 'spare')).toBe('ok');
    // Promoted, then failing in rotation: that is news.
    const s2 = mergeReplicas(s1, [replica('cold', { region: 'eu', health: 'unhealthy' })]);
    expect(d.update(s2).worse.map((w) => [w.key, w.to])).toEqual([['replica/cold', 'critical']]);
  });
});

const t = (name: string, over: Partial<Transition> = {}): Transition => ({
  key: `node/${name}`,
  kind: 'node',
  name,
  region: 'us-west-2',
  from: 'ok',
  to: 'critical',
  state: 'unhealthy',
  reason: `${name} lost a GPU`,
  href: `#/node/${name}`,
  ...over,
});

function planner(opts: { perMinute?: number; windowMs?: number } = {}) {
  const clock = fakeClock();
  const sent: Array<PlannedNotification & { at: number }> = [];
  const p = new NotificationPlanner({ timers: clock.timers, deliver: (x) => sent.push({ ...x, at: clock.now() }), ...opts });
  return { p, clock, sent };
}

describe('grouping', () => {
  it('coalesces changes of one kind and region within 5 s into one notification, sent when the window ends', () => {
    const { p, clock, sent } = planner();
    expect(GROUP_WINDOW_MS).toBe(5_000);
    const start = clock.now();
    p.add([t('usw2-inf-01')]);
    clock.advance(2_000);
    p.add([t('usw2-trn-01', { state: 'unreachable', reason: 'ssh: connect timeout' })]);
    clock.advance(2_000);
    p.add([t('usw2-inf-02')]);
    expect(sent).toEqual([]);
    clock.advance(999);
    expect(sent).toEqual([]);
    clock.advance(1);
    expect(sent).toHaveLength(1);
    expect(sent[0].at - start).toBe(5_000);
    expect(sent[0]).toMatchObject({
      title: '3 nodes in us-west-2 unhealthy or unreachable',
      href: '#/node/usw2-inf-01',
      subjects: ['usw2-inf-01', 'usw2-inf-02', 'usw2-trn-01'],
      level: 'critical',
      summary: false,
    });
    expect(sent[0].body.split('\n')).toEqual(['usw2-inf-01: usw2-inf-01 lost a GPU', 'usw2-inf-02: usw2-inf-02 lost a GPU', 'usw2-trn-01: ssh: connect timeout']);
    // A change after the window starts a new group.
    p.add([t('usw2-inf-03')]);
    clock.advance(5_000);
    expect(sent.map((s) => s.title)).toEqual(['3 nodes in us-west-2 unhealthy or unreachable', 'usw2-inf-03 unhealthy']);
  });

  it('keeps kinds and regions apart, and names the count and region', () => {
    const { p, clock, sent } = planner();
    p.add([t('usw2-inf-01'), t('usw2-trn-01'), t('euc1-inf-01', { region: 'eu-central-1' }), t('r1', { kind: 'replica', key: 'replica/r1', region: 'us-west-2', href: '#/replica/r1' })]);
    clock.advance(GROUP_WINDOW_MS);
    expect(sent.map((s) => [s.title, s.href]).sort()).toEqual([
      ['2 nodes in us-west-2 unhealthy', '#/node/usw2-inf-01'],
      ['euc1-inf-01 unhealthy', '#/node/euc1-inf-01'],
      ['r1 unhealthy', '#/replica/r1'],
    ]);
    expect(sent.find((s) => s.title.startsWith('euc1'))?.body).toBe('node in eu-central-1: euc1-inf-01 lost a GPU');
  });

  it('opens the worst subject of a group first, and counts a subject that changed twice once', () => {
    const { p, clock, sent } = planner();
    p.add([t('b', { to: 'warning', state: 'degraded' }), t('a', { to: 'warning', state: 'degraded' })]);
    p.add([t('c', { to: 'critical', state: 'unreachable' }), t('a', { to: 'critical', state: 'unhealthy', from: 'warning' })]);
    clock.advance(GROUP_WINDOW_MS);
    expect(sent).toHaveLength(1);
    expect(sent[0].subjects).toEqual(['a', 'c', 'b']);
    expect(sent[0].href).toBe('#/node/a');
    expect(sent[0].title).toBe('3 nodes in us-west-2 unhealthy or unreachable or degraded');
  });

  it('drops a subject that got better before its group went out; an emptied group sends nothing', () => {
    const { p, clock, sent } = planner();
    p.add([t('a'), t('b')]);
    clock.advance(1_000);
    p.recover('node/a');
    clock.advance(GROUP_WINDOW_MS);
    expect(sent.map((s) => s.title)).toEqual(['b unhealthy']);
    p.add([t('c')]);
    p.recover('node/c');
    clock.advance(GROUP_WINDOW_MS);
    expect(sent).toHaveLength(1);
  });

  it('lists five subjects in a body, then how many more', () => {
    const many = Array.from({ length: 8 }, (_, i) => t(`n${i + 1}`));
    const g = groupNotification('node', 'us-west-2', many);
    expect(g.title).toBe('8 nodes in us-west-2 unhealthy');
    expect(g.body.split('\n')).toHaveLength(6);
    expect(g.body.split('\n')[5]).toBe('and 3 more');
    // The tag is the same whatever the order: two tabs showing the same news show it once.
    expect(groupNotification('node', 'us-west-2', [...many].reverse()).tag).toBe(g.tag);
  });

  it('writes services as burning their budget', () => {
    const s = (name: string) => t(name, { kind: 'service', key: `service/${name}`, region: null, state: 'burning 20.00×', reason: 'burn 20×', href: `#/service/${name}` });
    expect(groupNotification('service', null, [s('llama')])).toMatchObject({ title: 'llama is burning its error budget fast', body: 'service: burn 20×', href: '#/service/llama' });
    expect(groupNotification('service', null, [s('llama'), s('mistral')]).title).toBe('2 services are burning their error budget fast');
  });
});

describe('rate limit', () => {
  it(`sends at most ${PER_MINUTE} a minute and summarises the rest as soon as a slot frees`, () => {
    const { p, clock, sent } = planner();
    const start = clock.now();
    const regions = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'];
    // Seven regions fail one after the other, 1 s apart: seven groups.
    for (const [i, region] of regions.entries()) {
      p.add([t(`${region}-node`, { region })]);
      if (i === 5) p.add([t(`${region}-replica`, { kind: 'replica', key: `replica/${region}-replica`, region, href: `#/replica/${region}-replica` })]);
      clock.advance(1_000);
    }
    clock.advance(10_000);
    expect(sent.map((s) => s.title)).toEqual(['r1-node unhealthy', 'r2-node unhealthy', 'r3-node unhealthy', 'r4-node unhealthy']);
    // The first went out at start + 5 s; its minute ends at start + 65 s: then one summary of the rest.
    clock.advance(start + 65_000 - clock.now() - 1);
    expect(sent).toHaveLength(4);
    clock.advance(1);
    expect(sent).toHaveLength(5);
    expect(sent[4]).toMatchObject({ title: '4 more problems: 3 nodes, 1 replica', href: '#/overview', summary: true, level: 'critical' });
    expect(sent[4].subjects).toEqual(['r5-node', 'r6-node', 'r6-replica', 'r7-node']);
    // Never more than PER_MINUTE in any 60 s.
    for (const s of sent) expect(sent.filter((o) => o.at > s.at - 60_000 && o.at <= s.at).length).toBeLessThanOrEqual(PER_MINUTE);
  });

  it('sends a single held group as itself, and forgets held subjects that recovered', () => {
    const { p, clock, sent } = planner({ perMinute: 1 });
    p.add([t('a', { region: 'x' })]);
    clock.advance(GROUP_WINDOW_MS);
    p.add([t('b', { region: 'y' })]);
    clock.advance(GROUP_WINDOW_MS);
    p.add([t('c', { region: 'z' })]);
    clock.advance(GROUP_WINDOW_MS);
    expect(sent.map((s) => s.title)).toEqual(['a unhealthy']);
    p.recover('node/c');
    clock.advance(60_000);
    expect(sent.map((s) => s.title)).toEqual(['a unhealthy', 'b unhealthy']);
    expect(summaryNotification([t('x'), t('x'), t('y', { kind: 'replica', key: 'replica/y' })], '#/overview').title).toBe('2 more problems: 1 node, 1 replica');
  });

  it('clear() drops what is pending and held', () => {
    const { p, clock, sent } = planner({ perMinute: 1 });
    p.add([t('a', { region: 'x' })]);
    clock.advance(GROUP_WINDOW_MS);
    p.add([t('b', { region: 'y' })]);
    clock.advance(GROUP_WINDOW_MS);
    p.add([t('c', { region: 'z' })]);
    p.clear();
    clock.advance(120_000);
    expect(sent.map((s) => s.title)).toEqual(['a unhealthy']);
    expect(clock.pending.size).toBe(0);
  });
});

/** A sink that records what it was asked to show, with the click it was given. */
function recordingSink(permission: NotifyPermission = 'granted') {
  const shown: Array<{ n: PlannedNotification; click: () => void }> = [];
  const sink: NotificationSink & { permissionIs: (p: NotifyPermission) => void } = {
    permission: () => permission,
    show: (n, click) => void shown.push({ n, click }),
    permissionIs: (p) => void (permission = p),
  };
  return { sink, shown };
}

function memorySetting(initial: NotifyChoice) {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    subscribe: (l: () => void) => (listeners.add(l), () => void listeners.delete(l)),
    set: (v: NotifyChoice) => {
      value = v;
      for (const l of listeners) l();
    },
  };
}

function wired(choice: NotifyChoice = 'critical', permission: NotifyPermission = 'granted') {
  const client = new QueryClient();
  const clock = fakeClock();
  const setting = memorySetting(choice);
  const { sink, shown } = recordingSink(permission);
  const calls: string[] = [];
  const stop = startNotifications({ client, setting, sink, timers: clock.timers, focus: () => calls.push('focus'), open: (href) => calls.push(`open ${href}`) });
  const key = fleetQueries.snapshot().queryKey;
  const push = (nodes: NodeStatus[]) => client.setQueryData<FleetSnapshot>(key, (s) => s && mergeNodeStatuses(s, nodes));
  return { client, clock, setting, sink, shown, calls, stop, key, push };
}

describe('from the query cache to a notification', () => {
  const west = (name: string, health: NodeStatus['health'], reason = '') => n(name, 'us-west-2', health, reason);

  it('two nodes of one region turning unhealthy: one notification naming the count and region; its click focuses and opens the subject', () => {
    const w = wired();
    w.client.setQueryData(w.key, fleet([west('usw2-inf-01', 'healthy'), west('usw2-trn-01', 'healthy'), n('euc1-inf-01', 'eu-central-1', 'healthy')]));
    w.push([west('usw2-inf-01', 'unhealthy', 'GPU 0 lost')]);
    w.clock.advance(2_500);
    w.push([west('usw2-trn-01', 'unhealthy', 'GPU 0 lost')]);
    w.clock.advance(GROUP_WINDOW_MS);
    expect(w.shown.map((s) => s.n.title)).toEqual(['2 nodes in us-west-2 unhealthy']);
    expect(w.shown[0].n.body).toContain('usw2-trn-01: GPU 0 lost');
    w.shown[0].click();
    expect(w.calls).toEqual(['focus', 'open #/node/usw2-inf-01']);
    w.stop();
  });

  it('a subject already unhealthy in the first snapshot notifies nothing, nor does a refetch that says the same', () => {
    const w = wired();
    w.client.setQueryData(w.key, fleet([west('a', 'unreachable'), west('b', 'healthy')]));
    w.push([west('a', 'unreachable', 'still')]);
    w.client.setQueryData(w.key, fleet([west('a', 'unreachable'), west('b', 'healthy')]));
    w.clock.advance(60_000);
    expect(w.shown).toEqual([]);
    w.stop();
  });

  it('the snapshot already cached when it starts is the baseline', () => {
    const client = new QueryClient();
    const key = fleetQueries.snapshot().queryKey;
    client.setQueryData(key, fleet([west('a', 'healthy')]));
    const clock = fakeClock();
    const { sink, shown } = recordingSink();
    const stop = startNotifications({ client, setting: memorySetting('critical'), sink, timers: clock.timers, focus: () => undefined, open: () => undefined });
    client.setQueryData<FleetSnapshot>(key, (s) => s && mergeNodeStatuses(s, [west('a', 'unhealthy')]));
    clock.advance(GROUP_WINDOW_MS);
    expect(shown.map((s) => s.n.title)).toEqual(['a unhealthy']);
    stop();
  });

  it('"off" sends nothing, and turning it on later reports changes from then on, not a backlog', () => {
    const w = wired('off');
    w.client.setQueryData(w.key, fleet([west('a', 'healthy'), west('b', 'healthy')]));
    w.push([west('a', 'unhealthy')]);
    w.clock.advance(60_000);
    expect(w.shown).toEqual([]);
    w.setting.set('critical');
    w.push([west('a', 'unhealthy', 'still'), west('b', 'unreachable')]);
    w.clock.advance(GROUP_WINDOW_MS);
    expect(w.shown.map((s) => s.n.title)).toEqual(['b unreachable']);
    // Turned off while a group waits: it is dropped.
    w.push([west('a', 'healthy'), west('b', 'healthy')]);
    w.push([west('a', 'unhealthy')]);
    w.setting.set('off');
    w.clock.advance(GROUP_WINDOW_MS);
    expect(w.shown).toHaveLength(1);
    w.stop();
  });

  it('the level sets the floor: "critical" skips degraded and throttled, "warning" includes them', () => {
    for (const [choice, expected] of [
      ['critical', ['c unhealthy']],
      ['warning', ['2 nodes in us-west-2 unhealthy or degraded']],
    ] as const) {
      const w = wired(choice);
      w.client.setQueryData(w.key, fleet([west('b', 'healthy'), west('c', 'healthy')]));
      w.push([west('b', 'degraded'), west('c', 'unhealthy')]);
      w.clock.advance(GROUP_WINDOW_MS);
      expect(w.shown.map((s) => s.n.title), choice).toEqual(expected);
      w.stop();
    }
    expect(parseNotify('critical')).toBe('critical');
    expect(parseNotify('warning')).toBe('warning');
    for (const v of [null, '', 'off', 'on', 'all', 'Critical']) expect(parseNotify(v)).toBe('off');
  });

  it('without the permission nothing is planned or shown (it is asked for by the setting, never here)', () => {
    const w = wired('critical', 'default');
    w.client.setQueryData(w.key, fleet([west('a', 'healthy')]));
    w.push([west('a', 'unhealthy')]);
    w.clock.advance(GROUP_WINDOW_MS);
    expect(w.shown).toEqual([]);
    // Granted later: the next change is shown.
    w.sink.permissionIs('granted');
    w.push([west('a', 'healthy')]);
    w.push([west('a', 'unreachable')]);
    w.clock.advance(GROUP_WINDOW_MS);
    expect(w.shown.map((s) => s.n.title)).toEqual(['a unreachable']);
    w.stop();
  });

  it('a node that flaps back within the window is not news', () => {
    const w = wired();
    w.client.setQueryData(w.key, fleet([west('a', 'healthy')]));
    w.push([west('a', 'unhealthy')]);
    w.clock.advance(2_000);
    w.push([west('a', 'healthy')]);
    w.clock.advance(GROUP_WINDOW_MS);
    expect(w.shown).toEqual([]);
    w.stop();
  });

  it('stops following the cache when stopped', () => {
    const w = wired();
    w.client.setQueryData(w.key, fleet([west('a', 'healthy')]));
    w.stop();
    w.push([west('a', 'unhealthy')]);
    w.clock.advance(GROUP_WINDOW_MS);
    expect(w.shown).toEqual([]);
    expect(w.clock.pending.size).toBe(0);
  });
});
