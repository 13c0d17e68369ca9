import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunbookPlan } from '../../../shared/runbook';
import { parseInventory } from '../../../electron/core/inventory/load-inventory';
import { names, percent, percentRange, perSecond } from '../../../electron/core/runbooks/capacity-text';
import { BUILTIN_RUNBOOK_DIR, parseRunbook } from '../../../electron/core/runbooks/load-runbooks';
import { planRunbook, type PlanOptions } from '../../../electron/core/runbooks/plan-runbook';
import type { RunbookFile } from '../../../electron/core/runbooks/runbook-schema';

/**
 * llama on lb1: r1, r2, r3 serving, spare held out; every one declares 30 req/s. batch: b1 (no
 * capacity declared) and b2, no SLO. lb2 also has a backend called llama, which the SLO (measured
 * through lb1's frontend) does not cover.
 */
const replica = (name: string, node: string, port: number, capacity?: number) =>
  `  - { name: ${name}, node: ${node}, url: "http://10.0.0.${node.slice(1)}:${port}", model: m, health: { path: /health, intervalSeconds: 5 }${capacity ? `, capacity: { requestsPerSecond: ${capacity} }` : ''} }\n`;
const INVENTORY = `version: 1
regions:
  - name: west
    clusters:
      - name: infer
        role: inference
        nodes:
          - { name: n1, host: 10.0.0.1, gpus: { count: 8 } }
          - { name: n2, host: 10.0.0.2, gpus: { count: 8 } }
          - { name: n3, host: 10.0.0.3, gpus: { count: 8 } }
          - { name: n4, host: 10.0.0.4, gpus: { count: 8 } }
replicas:
${replica('r1', 'n1', 8000, 30)}${replica('r2', 'n2', 8000, 30)}${replica('r3', 'n3', 8000, 30)}${replica('spare', 'n4', 8000, 30)}${replica('b1', 'n1', 8001)}${replica('b2', 'n2', 8001, 10)}loadBalancers:
  - name: lb1
    kind: haproxy
    runtime: { tcp: "10.0.0.9:9999" }
    frontend: { url: "http://10.0.0.9:8080" }
    backends:
      llama: [r1, r2, r3, spare]
      batch: [b1, b2]
  - name: lb2
    kind: haproxy
    runtime: { tcp: "10.0.0.8:9999" }
    frontend: { url: "http://10.0.0.8:8080" }
    backends:
      llama: [r3, b2]
slo:
  - { service: llama, target: 99.9, probe: frontend }
`;
const inventory = parseInventory(INVENTORY, '/srv/fleet.yaml', { homeDir: '/home/me', defaultUser: 'me' });

const builtin = (name: string) => parseRunbook(readFileSync(join(BUILTIN_RUNBOOK_DIR, `${name}.yaml`), 'utf8'), `${name}.yaml`);
const local = (name: string, steps: string) => parseRunbook(`name: ${name}\ndescription: test\ntarget: replica\nonFailure: rollback\nsteps:\n${steps}`, `${name}.yaml`);
const set = (server: string, state: string, undo: string) => `  - lb.set-state: { server: "${server}", state: ${state} }\n    undo: { lb.set-state: { server: "${server}", state: ${undo} } }\n`;

/** The spare's service is stopped (its probes are refused) and HAProxy holds it in maintenance; everyone else serves. */
const health = (name: string) => (name === 'spare' ? 'unreachable' : 'healthy');
const lbServer = (_lb: string, _backend: string, server: string) => (server === 'spare' ? { ready: false, weight: 1, up: true } : null);
const ratios = (r: Record<string, number | null>) => (name: string) => r[name] ?? null;

function capacity(runbook: RunbookFile, target: string, extra: Partial<PlanOptions> = {}) {
  const plan = planRunbook(runbook, { inventory, target, readOnly: { global: false, clusters: [] }, lockHolder: () => null, replicaHealth: health, lbServer, ...extra });
  expect(RunbookPlan.parse(plan)).toEqual(plan);
  // The capacity preconditions come last, one per backend the plan changes, all overridable.
  const checks = plan.preconditions.slice(3);
  expect(checks.every((c) => c.overridable)).toBe(true);
  return checks;
}

const MEASURED = ratios({ r1: 0.97, r2: 0.988, r3: 0.98, spare: null });
const RATE_42 = () => 42;
const OVERRIDE_HINT = ': run with an override and a reason to go ahead anyway';

describe('capacity: availability against the SLO', () => {
  it('estimates 1 − Π(1 − a_i) over the servers still serving, with the numbers', () => {
    expect(capacity(builtin('drain-replica'), 'r1', { replicaAvailability: MEASURED, backendRate: RATE_42 })).toEqual([
      {
        ok: true,
        overridable: true,
        text: 'after step 2, lb1 backend llama keeps 2 serving servers: estimated availability 99.976% >= SLO 99.9% (2 replicas measured 98.0-98.8% over 24 h); load 42 req/s <= capacity 60 req/s',
      },
    ]);
  });

  it('weighs each server by its own measurement: taking out the best one can miss the SLO where a worse one does not', () => {
    const uneven = { replicaAvailability: ratios({ r1: 0.999, r2: 0.95, r3: 0.97 }), backendRate: RATE_42 };
    // The mean (97.3%) over two servers would say 99.927%: enough. The two left are 95% and 97%.
    expect(capacity(builtin('drain-replica'), 'r1', uneven)).toEqual([
      {
        ok: false,
        overridable: true,
        text: `after step 2, lb1 backend llama keeps 2 serving servers: estimated availability 99.85% < SLO 99.9% (2 replicas measured 95.0-97.0% over 24 h); load 42 req/s <= capacity 60 req/s${OVERRIDE_HINT}`,
      },
    ]);
    expect(capacity(builtin('drain-replica'), 'r2', uneven)[0]).toMatchObject({ ok: true, text: expect.stringContaining('estimated availability 99.9970% >= SLO 99.9% (2 replicas measured 97.0-99.90% over 24 h)') });
    const overridden = capacity(builtin('drain-replica'), 'r1', { ...uneven, override: { reason: 'r2 and r3 were just patched' } });
    expect(overridden[0]).toMatchObject({ ok: true, text: expect.stringMatching(/99\.85% < SLO 99\.9% .*: overridden by the operator \(r2 and r3 were just patched\)$/) });
  });

  it('counts a server the runbook brings into service at the mean of those serving now, not at its own history', () => {
    // The spare's service was stopped: every probe of the last 24 h failed. Its own 0% would say 99.976%.
    const checks = capacity(builtin('replace-replica'), 'r1', { params: { spare: 'spare' }, replicaAvailability: ratios({ r1: 0.97, r2: 0.988, r3: 0.98, spare: 0 }), backendRate: RATE_42 });
    expect(checks).toEqual([
      {
        ok: true,
        overridable: true,
        text:
          "after step 6, lb1 backend llama keeps 3 serving servers: estimated availability 99.99950% >= SLO 99.9% (2 replicas measured 98.0-98.8% over 24 h; spare brought into service by this runbook, counted at the serving replicas' mean 97.9%); load 42 req/s <= capacity 90 req/s",
      },
    ]);
  });

  it('counts a serving server without a measurement at the mean of the measured ones, and says so', () => {
    const checks = capacity(builtin('drain-replica'), 'r1', { replicaAvailability: ratios({ r1: 0.97, r2: 0.988, r3: null }), backendRate: RATE_42 });
    expect(checks[0]!.text).toBe(
      "after step 2, lb1 backend llama keeps 2 serving servers: estimated availability 99.975% >= SLO 99.9% (1 replica measured 98.8% over 24 h; r3 not probed in 24 h, counted at the serving replicas' mean 97.9%); load 42 req/s <= capacity 60 req/s",
    );
  });

  it('without any measurement, keeps only the one-server floor and says availability was not checked', () => {
    for (const replicaAvailability of [undefined, ratios({})]) {
      expect(capacity(builtin('drain-replica'), 'r1', { replicaAvailability, backendRate: RATE_42 })[0]).toEqual({
        ok: true,
        overridable: true,
        text: 'after step 2, lb1 backend llama keeps 2 serving servers: at least one serves (availability not checked: its serving replicas have no measured availability over 24 h); load 42 req/s <= capacity 60 req/s',
      });
    }
  });

  it('a backend without an SLO gets the floor only — including one named like an SLO service on another load balancer', () => {
    expect(capacity(builtin('drain-replica'), 'b1', { replicaAvailability: MEASURED, backendRate: RATE_42 })).toEqual([
      { ok: true, overridable: true, text: 'after step 2, lb1 backend batch keeps 1 serving server: at least one serves (availability not checked: no SLO on this backend); load not checked: no capacity declared for b1' },
    ]);
    const r3 = capacity(builtin('drain-replica'), 'r3', { replicaAvailability: MEASURED, backendRate: RATE_42 });
    expect(r3.map((c) => c.text.split(':')[0])).toEqual(['after step 2, lb1 backend llama keeps 2 serving servers', 'after step 3, lb2 backend llama keeps 1 serving server']);
    expect(r3[1]!.text).toContain('at least one serves (availability not checked: no SLO on this backend)');
  });

  it('the floor still fails when no server would serve, naming the SLO at risk', () => {
    const batch = capacity(builtin('drain-replica'), 'b2', { replicaAvailability: MEASURED, replicaHealth: (n) => (n === 'b1' ? 'unhealthy' : health(n)) });
    expect(batch.find((c) => c.text.includes('lb1 backend batch'))).toEqual({ ok: false, overridable: true, text: `after step 2 no server of lb1 backend batch serves${OVERRIDE_HINT}` });
    const alone = capacity(builtin('drain-replica'), 'r1', { replicaAvailability: MEASURED, replicaHealth: (n) => (n === 'r1' ? 'healthy' : 'unhealthy') });
    expect(alone).toEqual([{ ok: false, overridable: true, text: `after step 2 no server of lb1 backend llama serves (SLO 99.9% on llama)${OVERRIDE_HINT}` }]);
  });
});

describe('capacity: load against declared capacity', () => {
  it('fails when the servers left cannot take the backend\'s current rate', () => {
    const checks = capacity(builtin('drain-replica'), 'r1', { replicaAvailability: MEASURED, backendRate: (lb, b) => (lb === 'lb1' && b === 'llama' ? 70 : null) });
    expect(checks[0]).toEqual({
      ok: false,
      overridable: true,
      text: `after step 2, lb1 backend llama keeps 2 serving servers: estimated availability 99.976% >= SLO 99.9% (2 replicas measured 98.0-98.8% over 24 h); load 70 req/s > capacity 60 req/s${OVERRIDE_HINT}`,
    });
  });

  it('shares the load by HAProxy weight: enough capacity in sum still fails when one server would get more than its own', () => {
    // r2 at weight 3, r3 at weight 1: of 42 req/s, r2 gets 31.5 — more than its 30.
    const weighted = (_lb: string, _b: string, s: string) => (s === 'r2' ? { ready: true, weight: 3, up: true } : s === 'spare' ? { ready: false, weight: 1, up: true } : null);
    const checks = capacity(builtin('drain-replica'), 'r1', { replicaAvailability: MEASURED, backendRate: RATE_42, lbServer: weighted });
    expect(checks[0]).toMatchObject({ ok: false, text: expect.stringContaining('load 42 req/s <= capacity 60 req/s, but by weight r2 gets 31.5 req/s > its 30 req/s') });
    // Even weights: 21 each, within 30.
    expect(capacity(builtin('drain-replica'), 'r1', { replicaAvailability: MEASURED, backendRate: RATE_42 })[0]!.ok).toBe(true);
  });

  it('says the load was not checked when the rate is not known', () => {
    for (const backendRate of [undefined, () => null]) {
      expect(capacity(builtin('drain-replica'), 'r1', { replicaAvailability: MEASURED, backendRate })[0]!.text).toMatch(/; load not checked: HAProxy's request rate into llama is not known$/);
    }
  });

  it('says the load was not checked when a server declares no capacity, whatever the rate', () => {
    const checks = capacity(builtin('drain-replica'), 'b2', { backendRate: () => 1000 });
    expect(checks[0]!.text).toBe('after step 2, lb1 backend batch keeps 1 serving server: at least one serves (availability not checked: no SLO on this backend); load not checked: no capacity declared for b1');
    expect(checks[0]!.ok).toBe(true);
  });
});

describe('capacity: every step counts, the tightest is shown', () => {
  const bounce = local('bounce', set('{target}', 'drain', 'ready') + set('{target}', 'ready', 'drain') + set('{target}', 'drain', 'ready') + set('{target}', 'ready', 'drain'));

  it('a transient dip fails even though the runbook ends with every server back, and each short step is named', () => {
    const checks = capacity(bounce, 'r1', { replicaAvailability: ratios({ r1: 0.999, r2: 0.95, r3: 0.97 }), backendRate: RATE_42 });
    expect(checks).toEqual([
      {
        ok: false,
        overridable: true,
        text: `after step 1, lb1 backend llama keeps 2 serving servers: estimated availability 99.85% < SLO 99.9% (2 replicas measured 95.0-97.0% over 24 h); load 42 req/s <= capacity 60 req/s; also short after step 3${OVERRIDE_HINT}`,
      },
    ]);
  });

  it('reports the step that leaves the fewest servers', () => {
    const twoOut = local('two-out', set('{target}', 'drain', 'ready') + set('r2', 'drain', 'ready'));
    expect(capacity(twoOut, 'r1', { replicaAvailability: ratios({ r1: 0.999, r2: 0.999, r3: 0.9999 }), backendRate: () => 20 })).toEqual([
      { ok: true, overridable: true, text: 'after step 2, lb1 backend llama keeps 1 serving server: estimated availability 99.990% >= SLO 99.9% (1 replica measured 99.990% over 24 h); load 20 req/s <= capacity 30 req/s' },
    ]);
  });

  it('a backend the runbook only adds to has nothing to check; a runbook without LB steps neither', () => {
    expect(capacity(local('add-spare', set('spare', 'ready', 'maint')), 'r1', { replicaAvailability: MEASURED })).toEqual([
      { ok: true, overridable: true, text: 'lb1 backend llama loses no serving server (3 serving now, 4 after the runbook)' },
    ]);
    const noLb = parseRunbook('name: note-only\ndescription: test\ntarget: replica\nonFailure: rollback\nsteps:\n  - note: { text: "nothing to change" }\n', 'note-only.yaml');
    const plan = planRunbook(noLb, { inventory, target: 'r1', readOnly: { global: false, clusters: [] }, lockHolder: () => null });
    expect(plan.preconditions.at(-1)).toEqual({ ok: true, overridable: true, text: 'no step changes a load-balancer server: serving capacity stays as it is' });
  });
});

describe('capacity text', () => {
  it('prints percentages with two significant digits of what is missing', () => {
    expect([0.97, 0.988, 0.999, 0.999973, 0.99999504, 1, 0].map(percent)).toEqual(['97.0', '98.8', '99.90', '99.9973', '99.99950', '100', '0.0']);
    expect(percentRange([0.98, 0.988])).toBe('98.0-98.8%');
    expect(percentRange([0.98, 0.98001])).toBe('98.0%');
  });

  it('prints rates and cuts long name lists', () => {
    expect([perSecond(42), perSecond(12.25)]).toEqual(['42 req/s', '12.3 req/s']);
    expect(names(['a', 'b'])).toBe('a, b');
    expect(names(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe('a, b, c, d, e and 2 more');
  });
});

describe("capacity: HAProxy's own view of each server", () => {
  const standbyAtWeight0 = (_lb: string, _backend: string, server: string) => (server === 'r2' ? { ready: true, weight: 0, up: true } : null);
  const weights = (steps: [string, number, number][]) =>
    steps.map(([server, weight, undo]) => `  - lb.set-weight: { server: "${server}", weight: ${weight} }\n    undo: { lb.set-weight: { server: "${server}", weight: ${undo} } }\n`).join('');

  it('a failover by weights alone: the standby at weight 0 brought in, the active taken to 0, keeps a server serving', () => {
    const inv = { ...inventory, loadBalancers: [{ ...inventory.loadBalancers[0]!, backends: [{ name: 'llama', servers: ['r1', 'r2'] }] }] };
    const failover = local('weights', weights([['r2', 100, 0], ['r1', 0, 100]]));
    const [check] = capacity(failover, 'r1', { inventory: inv, lbServer: standbyAtWeight0 });
    expect(check).toMatchObject({ ok: true });
    expect(check!.text).toMatch(/^after step 2, lb1 backend llama keeps 1 serving server/);
    // The other way round the active is taken out first: for a moment nothing serves.
    const reversed = local('weights', weights([['r1', 0, 100], ['r2', 100, 0]]));
    expect(capacity(reversed, 'r1', { inventory: inv, lbServer: standbyAtWeight0 })[0]).toMatchObject({ ok: false, text: expect.stringMatching(/^after step 1 no server of lb1 backend llama serves/) });
  });

  it('a server at weight 0 that is only set ready does not count as serving; a DOWN one neither', () => {
    const inv = { ...inventory, loadBalancers: [{ ...inventory.loadBalancers[0]!, backends: [{ name: 'llama', servers: ['r1', 'r2'] }] }] };
    const readyOnly = local('ready-only', set('r2', 'ready', 'maint') + set('r1', 'maint', 'ready'));
    expect(capacity(readyOnly, 'r1', { inventory: inv, lbServer: standbyAtWeight0 })[0]).toMatchObject({ ok: false });
    const down = (_l: string, _b: string, s: string) => (s === 'r2' ? { ready: true, weight: 1, up: false } : null);
    expect(capacity(local('drain', set('r1', 'drain', 'ready')), 'r1', { inventory: inv, lbServer: down })[0]).toMatchObject({ ok: false });
  });
});

