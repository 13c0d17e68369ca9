import { describe, expect, it } from 'vitest';
import { CapacityOverview, capacityExitCode } from '../../../shared/capacity';
import { capacityOverview } from '../../../electron/core/capacity/capacity-model';
import { factsFor, fleetInventory, type FleetState, type SpareSpec } from './fleet-fixture';

function llama(opts: Parameters<typeof fleetInventory>[0], state: FleetState = {}) {
  const overview = capacityOverview(factsFor(fleetInventory(opts), state));
  expect(CapacityOverview.parse(overview)).toEqual(overview);
  const s = overview.services.find((x) => x.service === 'llama');
  if (!s) throw new Error('no llama');
  return { overview, s };
}

const warmC: SpareSpec = { name: 'sw', region: 'c', mode: 'warm', startup: '40s' };
const coldB: SpareSpec = { name: 'sc', region: 'b', mode: 'cold', startup: '90s' };

describe('largest-domain loss: the k/(k−1) rule', () => {
  it('three equal regions at exactly 150 % of peak survive losing one', () => {
    const { s, overview } = llama({}, { rate: 60 });
    expect(s.ratio).toEqual({ actual: 1.5, domains: 3, needed: 1.5 });
    expect(s.loss.domain).toEqual({ kind: 'region', name: 'a' });
    expect(s.loss.lost).toEqual(['ra']);
    expect(s.loss.left).toMatchObject({ serving: 2, capacityRps: 60, loadOk: true, ok: true });
    expect(s.loss.verdict).toBe('survives');
    expect(capacityExitCode(overview.worst)).toBe(0);
  });

  it('one request per second more than 150 % allows, and it does not', () => {
    const { s, overview } = llama({}, { rate: 61 });
    expect(s.ratio.actual).toBeCloseTo(90 / 61, 9);
    expect(s.ratio.actual!).toBeLessThan(s.ratio.needed!);
    expect(s.loss.left).toMatchObject({ capacityRps: 60, loadOk: false, ok: false });
    expect(s.loss.verdict).toBe('fails');
    expect(s.loss.text).toBe('does not survive losing region a (1 serving replica): what is left cannot carry it');
    expect(capacityExitCode(overview.worst)).toBe(2);
  });

  it('a warm spare outside the lost region makes up the difference; a cold one only after its start-up', () => {
    const warm = llama({ spares: [warmC] }, { rate: 61 }).s;
    expect(warm.members.find((m) => m.replica === 'sw')).toMatchObject({ state: 'warm', startupSeconds: 40 });
    expect(warm.loss.withWarm).toMatchObject({ serving: 3, capacityRps: 90, ok: true });
    expect(warm.loss.verdict).toBe('survives');
    expect(warm.loss.text).toBe('survives losing region a (1 serving replica) once 1 warm spare is brought in');

    const cold = llama({ spares: [coldB] }, { rate: 61 });
    expect(cold.s.loss.withWarm.ok).toBe(false);
    expect(cold.s.loss.withCold).toMatchObject({ serving: 3, ok: true });
    expect(cold.s.loss.coldAfterSeconds).toBe(90);
    expect(cold.s.loss.verdict).toBe('cold-only');
    expect(cold.s.loss.text).toBe('survives losing region a (1 serving replica) only with 1 cold spare, after about 90 s; until then it is short');
    expect(capacityExitCode(cold.overview.worst)).toBe(1);
  });

  it('a warm spare that fails its probes counts as cold', () => {
    const { s } = llama({ spares: [warmC] }, { rate: 61, readiness: { sw: 'warm-unverified' } });
    expect(s.members.find((m) => m.replica === 'sw')).toMatchObject({ state: 'cold', reason: 'http-5xx: model failed to load' });
    expect(s.tally).toEqual({ active: 3, warm: 0, cold: 1, failed: 0 });
    expect(s.loss.verdict).toBe('cold-only');
    expect(s.loss.coldAfterSeconds).toBe(40);
  });

  it('a spare whose node is broken is failed, and counts for nothing', () => {
    const { s } = llama({ spares: [coldB] }, { rate: 61, nodeHealth: { nsc: 'unreachable' } });
    expect(s.members.find((m) => m.replica === 'sc')).toMatchObject({ state: 'failed', reason: 'its node nsc is unreachable: XID 79 on GPU 3' });
    expect(s.loss.verdict).toBe('fails');
  });

  it('a spare inside the lost region is lost with it', () => {
    const { s } = llama({ spares: [{ ...warmC, region: 'a' }] }, { rate: 61 });
    expect(s.loss.domain).toEqual({ kind: 'region', name: 'a' });
    expect(s.loss.withWarm.serving).toBe(2);
    expect(s.loss.verdict).toBe('fails');
  });

  it('the largest domain is the one with the most capacity', () => {
    const { s } = llama({ capacities: { rb: 50 } }, { rate: 40 });
    expect(s.loss.domain).toEqual({ kind: 'region', name: 'b' });
    expect(s.loss.left.capacityRps).toBe(60);
  });
});

describe('load: weights and declared capacity', () => {
  it('enough capacity in sum still fails when round robin gives one server more than it can take', () => {
    const { s } = llama({}, { rate: 60, weights: { ra: 1, rb: 3, rc: 1 } });
    expect(s.loss.left).toMatchObject({ capacityRps: 60, loadOk: false, ok: false });
    expect(s.loss.left.text).toContain('by weight rb gets 45 req/s > its 30 req/s');
    expect(s.loss.verdict).toBe('fails');
  });

  it('without a declared capacity on every replica the load is not checked, and says so', () => {
    const { s } = llama({ capacities: { rc: null } }, { rate: 1000 });
    expect(s.now).toMatchObject({ capacityRps: null, loadOk: null });
    expect(s.now.text).toContain('load not checked (capacity not declared for every replica)');
    expect(s.needed).toBeNull();
    expect(s.ratio.actual).toBeNull();
    expect(s.loss.verdict).toBe('survives');
  });

  it('N+k: replicas needed for the peak, and how many are beyond them', () => {
    expect(llama({}, { rate: 40 }).s).toMatchObject({ needed: 2, k: 1 });
    expect(llama({}, { rate: 90 }).s).toMatchObject({ needed: 3, k: 0 });
    // Short even with all three: one more of their size would do.
    expect(llama({}, { rate: 100 }).s).toMatchObject({ needed: 4, k: -1 });
  });
});

describe('availability against the SLO', () => {
  const measured = { ra: 0.9, rb: 0.9, rc: 0.9 };

  it('carrying the load but under the SLO is below-slo; a warm spare at the mean lifts it', () => {
    const below = llama({}, { rate: 40, availability: measured }).s;
    expect(below.loss.left.availability).toBeCloseTo(0.99, 12);
    expect(below.loss.left).toMatchObject({ loadOk: true, sloOk: false });
    expect(below.loss.verdict).toBe('below-slo');
    expect(below.loss.text).toBe('carries the load after losing region a (1 serving replica), but below its SLO');

    const lifted = llama({ spares: [warmC] }, { rate: 40, availability: measured }).s;
    expect(lifted.loss.withWarm.availability).toBeCloseTo(0.999, 12);
    expect(lifted.loss.verdict).toBe('survives');
  });

  it('advice: what each added spare buys, and where the next adds little', () => {
    const { s } = llama({}, { rate: 40, availability: measured });
    expect(s.advice.map((a) => a.added)).toEqual([1, 2, 3]);
    expect(s.advice[0]!.availability).toBeCloseTo(0.9999, 12);
    expect(s.advice[0]!.gainPoints).toBeCloseTo(0.09, 9);
    // The SLO allows 0.1 % of errors: a step adding under a tenth of that buys little.
    expect(s.advice.map((a) => a.little)).toEqual([false, true, true]);
  });

  it('no advice without a measurement to count spares at', () => {
    expect(llama({}, { rate: 40 }).s.advice).toEqual([]);
  });
});

describe('recovery: warm versus cold', () => {
  it('measured by replacement drills when there are some', () => {
    const { s } = llama({ spares: [coldB] }, { recovery: [{ spareModelLoadSeconds: 20, riseTimesInterSeconds: 4 }, { spareModelLoadSeconds: 30, riseTimesInterSeconds: 4 }, { spareModelLoadSeconds: 25, riseTimesInterSeconds: null }] });
    expect(s.recovery).toMatchObject({ source: 'measured', runs: 3, warmSeconds: 4, coldSeconds: 29 });
  });

  it('a warm replacement measures only the take-in: the cold start stays the declared one, and says so', () => {
    const { s } = llama({ spares: [coldB] }, { recovery: [{ spareModelLoadSeconds: null, riseTimesInterSeconds: 3 }] });
    expect(s.recovery).toMatchObject({ source: 'measured', runs: 1, warmSeconds: 3, coldSeconds: 93 });
    expect(s.recovery.text).toContain('no cold start measured (declared start-up 90 s)');
  });

  it("else from the spares' declared start-up", () => {
    expect(llama({ spares: [coldB, warmC] }).s.recovery).toMatchObject({ source: 'declared', warmSeconds: null, coldSeconds: 90 });
    expect(llama({}).s.recovery).toMatchObject({ source: 'none', warmSeconds: null, coldSeconds: null });
  });
});

describe('per failure domain', () => {
  it('counts nodes, GPUs and replicas as active, warm, cold or failed per region and cluster', () => {
    const { overview } = llama({ spares: [warmC, coldB] }, { health: { ra: 'unreachable' }, nodeHealth: { na: 'unhealthy' } });
    const region = (name: string) => overview.domains.find((d) => d.kind === 'region' && d.name === name)!;
    expect(region('a')).toMatchObject({ role: 'inference', nodes: { active: 0, warm: 0, cold: 0, failed: 1 }, gpus: { failed: 8 }, replicas: { active: 0, failed: 1 } });
    expect(region('b').replicas).toEqual({ active: 1, warm: 0, cold: 1, failed: 0 });
    expect(region('c').replicas).toEqual({ active: 1, warm: 1, cold: 0, failed: 0 });
    expect(overview.domains.find((d) => d.kind === 'cluster' && d.name === 'cc')).toMatchObject({ region: 'c', nodes: { active: 2 } });
  });

  it('the worst verdict over the services decides the exit status', () => {
    expect(capacityExitCode('survives')).toBe(0);
    expect(capacityExitCode('cold-only')).toBe(1);
    expect(capacityExitCode('below-slo')).toBe(1);
    expect(capacityExitCode('fails')).toBe(2);
  });
});
