import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DrillTargets } from '../../../shared/drill';
import { FleetError } from '../../../shared/errors';
import type { LbReader } from '../../../electron/core/drills/drill-inputs';
import { pickTargets } from '../../../electron/core/drills/pick-targets';
import { drawWithoutReplacement, newSeed, seededRandom } from '../../../electron/core/drills/seeded-random';
import { parseInventory } from '../../../electron/core/inventory/load-inventory';
import { fleetView } from '../../../electron/core/runbooks/plan-context';

const inventoryPath = join(__dirname, '../../fixtures/drills/fleet.yaml');
const fleet = fleetView(parseInventory(readFileSync(inventoryPath, 'utf8'), inventoryPath, { homeDir: '/home/me', defaultUser: 'me' }));
const LLAMA = ['euc1-inf-01-llm', 'euc1-inf-02-llm', 'use1-inf-01-llm', 'use1-inf-02-llm', 'usw2-inf-01-llm', 'usw2-inf-02-llm'];

const llama = (extra: Partial<DrillTargets> = {}): DrillTargets => ({ replicasOf: 'llama', count: 2, maxTargets: 3, allowProtected: true, ...extra });
const names = (spec: DrillTargets, opts: Parameters<typeof pickTargets>[2] = {}) => pickTargets(spec, fleet, opts).targets.map((t) => t.name);

function refusal(fn: () => unknown): FleetError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FleetError) return err;
    throw err;
  }
  throw new Error('expected a FleetError');
}

describe('the seeded PRNG', () => {
  it('gives the same sequence for the same seed, another for another seed, always in [0, 1)', () => {
    const a = seededRandom('game-day-7');
    const b = seededRandom('game-day-7');
    const c = seededRandom('game-day-8');
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('is mulberry32 over the first 4 bytes of SHA-256(seed): pinned, so a change of generator is a decision, not an accident', () => {
    // SHA-256("42") starts 73475cb4; mulberry32 from state 0x73475cb4 (the public-domain reference, step by step).
    const r = seededRandom('42');
    let state = 0x73475cb4;
    const reference = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    for (let i = 0; i < 20; i++) expect(r()).toBe(reference());
  });

  it('draws every member equally often over many seeds (no favourite by position or name)', () => {
    const counts = new Map(LLAMA.map((n) => [n, 0]));
    const runs = 6000;
    for (let i = 0; i < runs; i++) for (const n of drawWithoutReplacement(LLAMA, 1, seededRandom(`s${i}`))) counts.set(n, counts.get(n)! + 1);
    // Each expected 1000 times; 4 standard deviations (binomial, p = 1/6) is ±115.
    for (const [, n] of counts) expect(Math.abs(n - runs / 6)).toBeLessThan(115);
  });

  it('draws without replacement, never more than there are', () => {
    const drawn = drawWithoutReplacement(LLAMA, 6, seededRandom('x'));
    expect([...drawn].sort()).toEqual(LLAMA);
    expect(drawWithoutReplacement(LLAMA, 10, seededRandom('x'))).toHaveLength(6);
  });

  it('makes fresh seeds of 12 hex digits', () => {
    const seeds = new Set(Array.from({ length: 50 }, newSeed));
    expect(seeds.size).toBe(50);
    for (const s of seeds) expect(s).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe('pickTargets: a group', () => {
  it('is deterministic for a seed, whatever order the inventory lists the group in', () => {
    const first = names(llama({ seed: 'abc' }));
    expect(names(llama({ seed: 'abc' }))).toEqual(first);
    const reversed = fleetView({ ...fleet.inventory, loadBalancers: fleet.inventory.loadBalancers.map((lb) => ({ ...lb, backends: lb.backends.map((b) => ({ ...b, servers: [...b.servers].reverse() })) })) });
    expect(pickTargets(llama({ seed: 'abc' }), reversed).targets.map((t) => t.name)).toEqual(first);
    // And it is the PRNG's draw from the sorted group, nothing else.
    expect(first).toEqual(drawWithoutReplacement(LLAMA, 2, seededRandom('abc')));
  });

  it('picks differently for different seeds', () => {
    const picks = new Set(Array.from({ length: 20 }, (_, i) => names(llama({ seed: i })).join(',')));
    expect(picks.size).toBeGreaterThan(5);
  });

  it('records the seed: the file\'s (a number as text), the operator\'s over it, or a generated one', () => {
    expect(pickTargets(llama({ seed: 7 }), fleet)).toMatchObject({ seed: '7', seedSource: 'file' });
    expect(pickTargets(llama({ seed: 7 }), fleet, { seed: 'mine' })).toMatchObject({ seed: 'mine', seedSource: 'operator' });
    const generated = pickTargets(llama(), fleet, { newSeed: () => 'f00d' });
    expect(generated).toMatchObject({ seed: 'f00d', seedSource: 'generated' });
    // Replaying the recorded seed picks the same targets.
    expect(names(llama({ seed: 'f00d' }))).toEqual(generated.targets.map((t) => t.name));
    expect(generated.selection).toBe('2 of the 6 eligible replicas of llama, drawn with seed f00d');
    expect(generated.targets[1]).toMatchObject({ kind: 'replica', protected: true, why: 'draw 2 of 2 from the 6 eligible replicas of llama (seed f00d)' });
  });

  it('rounds a percentage up (10% of 6 is 1) and refuses one over the cap rather than trimming it', () => {
    expect(names(llama({ count: undefined, percent: 10, seed: 's' }))).toHaveLength(1);
    expect(names(llama({ count: undefined, percent: 50, seed: 's' }))).toHaveLength(3);
    const err = refusal(() => pickTargets(llama({ count: undefined, percent: 60, maxTargets: 3 }), fleet));
    expect(err).toMatchObject({ code: 'BAD_REQUEST', message: '60% (4) of the 6 eligible replicas of llama is 4 targets, over maxTargets 3: refused (the cap is never trimmed to fit)' });
  });

  it('leaves protected members out without allowProtected, and says so', () => {
    const err = refusal(() => pickTargets(llama({ allowProtected: false, count: 1 }), fleet));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toBe(
      'the drill asks for 1 of the replicas of llama, and none is eligible; left out: usw2-inf-01-llm (in protected cluster usw2-inference), usw2-inf-02-llm (in protected cluster usw2-inference), use1-inf-01-llm (in protected cluster use1-inference), use1-inf-02-llm (in protected cluster use1-inference), euc1-inf-01-llm (in protected cluster euc1-inference), euc1-inf-02-llm (in protected cluster euc1-inference)',
    );
    // The unprotected edge cluster's nodes are eligible without it.
    const edge = pickTargets({ nodesOf: { region: 'us-east-1' }, count: 2, maxTargets: 2, seed: 1 }, fleet);
    expect(edge.targets.map((t) => t.name).sort()).toEqual(['use1-edge-01', 'use1-edge-02']);
    expect(edge.selection).toBe('2 of the 2 eligible nodes of region us-east-1, drawn with seed 1; left out: use1-inf-01 (in protected cluster use1-inference), use1-inf-02 (in protected cluster use1-inference)');
  });

  it('leaves out servers HAProxy holds out of rotation (a stopped spare is no member of the serving group)', () => {
    const lbServer: LbReader = (_lb, _b, server) =>
      server === 'usw2-inf-02-llm' ? { state: 'maint', weight: 100, up: false } : server === 'euc1-inf-02-llm' ? { state: 'ready', weight: 0, up: true } : { state: 'ready', weight: 100, up: true };
    const picked = pickTargets(llama({ count: 4, maxTargets: 4, seed: 'q' }), fleet, { lbServer });
    expect(picked.targets.map((t) => t.name).sort()).toEqual(['euc1-inf-01-llm', 'use1-inf-01-llm', 'use1-inf-02-llm', 'usw2-inf-01-llm']);
    expect(picked.selection).toContain('left out: usw2-inf-02-llm (in maint on lab-lb), euc1-inf-02-llm (weight 0 on lab-lb)');
  });

  it('asks for no more than there are', () => {
    expect(refusal(() => pickTargets({ replicasOf: 'edge', count: 3, maxTargets: 5 }, fleet)).message).toBe('the drill asks for 3 of the replicas of edge, and only 2 are eligible');
  });

  it('names what the inventory does not have', () => {
    expect(refusal(() => pickTargets({ replicasOf: 'lama', count: 1, maxTargets: 1 }, fleet))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'the drill names service (load-balancer backend) "lama", which the inventory does not have (llama, edge, ext)',
    });
    expect(refusal(() => pickTargets({ nodesOf: { cluster: 'nope' }, count: 1, maxTargets: 1 }, fleet)).code).toBe('NOT_FOUND');
  });
});

describe('pickTargets: a named target', () => {
  it('is the target itself, with its place in the fleet', () => {
    const p = pickTargets({ replica: 'edge-01-llm', maxTargets: 1 }, fleet, { newSeed: () => 'unused-but-recorded' });
    expect(p).toEqual({
      targets: [{ kind: 'replica', name: 'edge-01-llm', cluster: 'use1-edge', region: 'us-east-1', protected: false, why: 'named in the drill file' }],
      seed: 'unused-but-recorded',
      seedSource: 'generated',
      selection: 'replica edge-01-llm, named in the drill file',
    });
    expect(pickTargets({ region: 'us-east-1', maxTargets: 1, allowProtected: true }, fleet).targets[0]).toMatchObject({ kind: 'region', cluster: null, region: 'us-east-1', protected: true });
  });

  it('in a protected cluster is refused without allowProtected', () => {
    expect(refusal(() => pickTargets({ node: 'usw2-inf-01', maxTargets: 1 }, fleet))).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'node usw2-inf-01 is in protected cluster usw2-inference: a drill may hit it only with targets.allowProtected: true (and the typed confirmation when run by hand)',
    });
    expect(refusal(() => pickTargets({ region: 'eu-central-1', maxTargets: 1 }, fleet)).message).toMatch(/^region eu-central-1 is in protected clusters: /);
    expect(pickTargets({ node: 'usw2-inf-01', maxTargets: 1, allowProtected: true }, fleet).targets[0]!.protected).toBe(true);
  });

  it('that the inventory lacks is NOT_FOUND, listing what there is', () => {
    expect(refusal(() => pickTargets({ replica: 'nope', maxTargets: 1 }, fleet)).message).toMatch(/^the drill names replica "nope", which the inventory does not have \(usw2-inf-01-llm, /);
  });
});
