/**
 * "Capacity after the change still serves the SLO": the plan's load-balancer steps are simulated
 * in order, and after every step that takes a server of a backend out of service (a transient dip
 * counts: users see it), the servers still serving must
 *
 *  (a) meet the backend's SLO — estimated availability 1 − Π(1 − a_i) over them, a_i each
 *      server's own probe success ratio over 24 h — when the backend has an SLO and its replicas
 *      were measured;
 *  (b) carry the backend's load (the peak of HAProxy's `rate` on its BACKEND row over the last
 *      minutes) — in sum of their declared `capacity.requestsPerSecond`, and each its share by
 *      weight — when every server of the backend declares one and the rate is known;
 *  (c) number at least one, always; it is the only availability check without an SLO or a
 *      measurement, and the text says which checks were made and which could not be.
 *
 * One precondition per backend changed, overridable with a reason. Pure: the fleet's figures come
 * in as functions (CapacityInputs).
 */
import type { PlannedStep } from '../../../shared/runbook';
import { servingCheck } from '../capacity/serving-check';
import { names, percent, percentRange, perSecond, plural } from './capacity-text';
import type { FleetView } from './plan-context';
import type { Precondition } from './plan-preconditions';

/** The fleet as it is now, as far as the capacity check needs it; each one is optional. */
export interface CapacityInputs {
  /** The replica's current health verdict (its probes); serving means healthy or degraded. */
  replicaHealth?(name: string): string;
  /**
   * HAProxy's own view of a server now: whether its administrative state lets it take sessions
   * (not DRAIN or MAINT), the weight the operator set, and whether its checks have it up (not
   * DOWN); null when not known (then it is taken as ready, weighted and up).
   */
  lbServer?(loadBalancer: string, backend: string, server: string): LbServerNow | null;
  /** The replica's measured availability: its health probes' success ratio over 24 h (0 … 1), null when not probed. */
  replicaAvailability?(name: string): number | null;
  /** The backend's load: HAProxy's `rate` on its own row (sessions, HTTP: requests, per second), at its recent peak; null when not known. */
  backendRate?(loadBalancer: string, backend: string): number | null;
}

export interface LbServerNow {
  ready: boolean;
  weight: number;
  up: boolean;
}

interface ServerState {
  ready: boolean;
  /** HAProxy's user weight: round robin gives each serving server its share of the load by it. */
  weight: number;
  healthy: boolean;
}

/** A backend the plan changes: who serves at the start, and after each step that takes one out. */
interface BackendRun {
  lb: string;
  backend: string;
  servers: string[];
  servingAtStart: string[];
  /** Who serves after each step that takes one out, and each one's weight then. */
  dips: { step: number; serving: string[]; weights: Map<string, number> }[];
  servingAtEnd: string[];
}

/**
 * Runs the plan's LB steps on a model of each backend. A server starts as HAProxy has it (ready or
 * not, its weight, up or DOWN) and serves if also its probes say healthy or degraded. A step
 * setting it ready or giving it weight changes just that; one the runbook sets ready counts as
 * healthy, because the runbook checks that (wait.healthy / lb.wait) before relying on it.
 */
function simulate(ctx: FleetView, steps: PlannedStep[], inputs: CapacityInputs): BackendRun[] {
  const runs = new Map<string, { run: BackendRun; state: Map<string, ServerState> }>();
  const serving = (state: Map<string, ServerState>) => [...state].filter(([, s]) => s.ready && s.weight > 0 && s.healthy).map(([name]) => name);

  for (const step of steps) {
    const a = step.action;
    if (a.type !== 'lb.set-state' && a.type !== 'lb.set-weight') continue;
    const servers = ctx.inventory.loadBalancers.find((l) => l.name === a.loadBalancer)?.backends.find((b) => b.name === a.backend)?.servers ?? [];
    if (!servers.includes(a.server)) continue;
    const key = `${a.loadBalancer}\u0000${a.backend}`;
    let entry = runs.get(key);
    if (!entry) {
      const state = new Map<string, ServerState>();
      for (const s of servers) {
        const h = inputs.replicaHealth?.(s);
        const lb = inputs.lbServer?.(a.loadBalancer, a.backend, s) ?? null;
        state.set(s, {
          ready: lb?.ready ?? true,
          weight: lb?.weight ?? 1,
          healthy: (lb?.up ?? true) && (h === undefined || h === 'healthy' || h === 'degraded'),
        });
      }
      entry = { state, run: { lb: a.loadBalancer, backend: a.backend, servers, servingAtStart: serving(state), dips: [], servingAtEnd: [] } };
      runs.set(key, entry);
    }
    const server = entry.state.get(a.server)!;
    const before = serving(entry.state).length;
    if (a.type === 'lb.set-state') {
      server.ready = a.state === 'ready';
      if (server.ready) server.healthy = true;
    } else {
      server.weight = a.weight;
    }
    const after = serving(entry.state);
    if (after.length < before) entry.run.dips.push({ step: step.index, serving: after, weights: new Map(after.map((s) => [s, entry.state.get(s)!.weight])) });
    entry.run.servingAtEnd = after;
  }
  return [...runs.values()].map((e) => e.run);
}

type AvailabilityModel =
  | { kind: 'no-slo' }
  | { kind: 'unmeasured' }
  | { kind: 'measured'; target: number; own: Map<string, number>; mean: number; servingAtStart: Set<string> };

/**
 * Each server counts at its own 24 h ratio when it serves now and was measured. One the runbook
 * brings into service counts at the mean of those: its own history is of a replica out of service
 * (a spare whose service was stopped failed every probe), which says little about how it serves
 * once the runbook has waited for it to be healthy. One serving now but not probed counts at the
 * mean too. Without a single measured server serving now there is nothing to estimate from.
 */
function availabilityModel(ctx: FleetView, run: BackendRun, replicaAvailability: CapacityInputs['replicaAvailability']): AvailabilityModel {
  const slo = sloOf(ctx, run.lb, run.backend);
  if (!slo) return { kind: 'no-slo' };
  const own = new Map<string, number>();
  for (const s of run.servingAtStart) {
    const a = replicaAvailability?.(s) ?? null;
    if (a !== null) own.set(s, a);
  }
  if (own.size === 0) return { kind: 'unmeasured' };
  const mean = [...own.values()].reduce((sum, a) => sum + a, 0) / own.size;
  return { kind: 'measured', target: slo.target, own, mean, servingAtStart: new Set(run.servingAtStart) };
}

type LoadModel = { kind: 'no-capacity'; missing: string[] } | { kind: 'no-rate' } | { kind: 'known'; rate: number; capacity: Map<string, number> };

function loadModel(ctx: FleetView, run: BackendRun, backendRate: CapacityInputs['backendRate']): LoadModel {
  const capacity = new Map<string, number>();
  for (const s of run.servers) {
    const c = ctx.replica(s)?.capacity?.requestsPerSecond;
    if (c !== undefined) capacity.set(s, c);
  }
  const missing = run.servers.filter((s) => !capacity.has(s));
  if (missing.length > 0) return { kind: 'no-capacity', missing };
  const rate = backendRate?.(run.lb, run.backend) ?? null;
  return rate === null ? { kind: 'no-rate' } : { kind: 'known', rate, capacity };
}

interface Verdict {
  step: number;
  ok: boolean;
  text: string;
  /** Sort key of "tightest first": failed, fewer servers, lower estimate, less headroom, earlier. */
  rank: number[];
}

function judgeDip(ctx: FleetView, run: BackendRun, dip: BackendRun['dips'][number], avail: AvailabilityModel, load: LoadModel): Verdict {
  const n = dip.serving.length;
  if (n === 0) {
    const slo = sloOf(ctx, run.lb, run.backend);
    const note = slo ? ` (SLO ${slo.target}% on ${slo.service})` : '';
    return { step: dip.step, ok: false, text: `after step ${dip.step + 1} no server of ${run.lb} backend ${run.backend} serves${note}`, rank: [0, 0, 0, 0, dip.step] };
  }

  // The one capacity model (capacity/serving-check.ts): the capacity view asks it the same question.
  const check = servingCheck(
    dip.serving.map((s) => ({
      name: s,
      availability: avail.kind === 'measured' ? (avail.own.get(s) ?? avail.mean) : null,
      capacityRps: load.kind === 'known' ? load.capacity.get(s)! : null,
      weight: dip.weights.get(s)!,
    })),
    { sloTarget: avail.kind === 'measured' ? avail.target : null, rateRps: load.kind === 'known' ? load.rate : null },
  );
  const availabilityOk = check.availabilityOk !== false;
  const estimate = check.estimate ?? 2;
  let availabilityText: string;
  if (avail.kind === 'measured') {
    const measured = dip.serving.filter((s) => avail.own.has(s));
    const broughtIn = dip.serving.filter((s) => !avail.servingAtStart.has(s));
    const unmeasured = dip.serving.filter((s) => avail.servingAtStart.has(s) && !avail.own.has(s));
    const why: string[] = [];
    if (measured.length) why.push(`${plural(measured.length, 'replica')} measured ${percentRange(measured.map((s) => avail.own.get(s)!))} over 24 h`);
    const mean = `counted at the serving replicas' mean ${percent(avail.mean)}%`;
    if (broughtIn.length) why.push(`${names(broughtIn)} brought into service by this runbook, ${mean}`);
    if (unmeasured.length) why.push(`${names(unmeasured)} not probed in 24 h, ${mean}`);
    availabilityText = `estimated availability ${percent(estimate)}% ${availabilityOk ? '>=' : '<'} SLO ${avail.target}% (${why.join('; ')})`;
  } else {
    const why = avail.kind === 'no-slo' ? 'no SLO on this backend' : 'its serving replicas have no measured availability over 24 h';
    availabilityText = `at least one serves (availability not checked: ${why})`;
  }

  const loadOk = check.loadOk !== false;
  const headroom = check.headroomRps;
  let loadText: string;
  if (load.kind === 'known') {
    const withinSum = load.rate <= check.capacityRps!;
    loadText = `load ${perSecond(load.rate)} ${withinSum ? '<=' : '>'} capacity ${perSecond(check.capacityRps!)}`;
    // Round robin shares the load by weight: enough capacity in sum can still overload one server.
    if (withinSum && check.overByWeight.length > 0) {
      loadText += `, but by weight ${check.overByWeight.map((x) => `${x.name} gets ${perSecond(x.share)} > its ${perSecond(x.capacityRps)}`).join(', ')}`;
    }
  } else if (load.kind === 'no-capacity') {
    loadText = `load not checked: no capacity declared for ${names(load.missing)}`;
  } else {
    loadText = `load not checked: HAProxy's request rate into ${run.backend} is not known`;
  }

  const ok = availabilityOk && loadOk;
  return {
    step: dip.step,
    ok,
    text: `after step ${dip.step + 1}, ${run.lb} backend ${run.backend} keeps ${plural(n, 'serving server')}: ${availabilityText}; ${loadText}`,
    rank: [ok ? 1 : 0, n, estimate, headroom, dip.step],
  };
}

function judgeBackend(ctx: FleetView, run: BackendRun, inputs: CapacityInputs): { ok: boolean; text: string } {
  if (run.dips.length === 0) {
    return { ok: true, text: `${run.lb} backend ${run.backend} loses no serving server (${run.servingAtStart.length} serving now, ${run.servingAtEnd.length} after the runbook)` };
  }
  const avail = availabilityModel(ctx, run, inputs.replicaAvailability);
  const load = loadModel(ctx, run, inputs.backendRate);
  const verdicts = run.dips.map((d) => judgeDip(ctx, run, d, avail, load));
  const tightest = [...verdicts].sort((x, y) => compareRanks(x.rank, y.rank))[0]!;
  const alsoShort = verdicts.filter((v) => !v.ok && v !== tightest).map((v) => v.step + 1);
  return { ok: tightest.ok, text: alsoShort.length ? `${tightest.text}; also short after step${alsoShort.length === 1 ? '' : 's'} ${alsoShort.join(', ')}` : tightest.text };
}

/**
 * One precondition per backend the plan changes, saying the tightest point of the run and what
 * was checked there. A failure passes with the operator's reason, which the plan keeps.
 */
export function capacityPreconditions(ctx: FleetView, steps: PlannedStep[], inputs: CapacityInputs, override: { reason: string } | undefined): Precondition[] {
  const runs = simulate(ctx, steps, inputs);
  if (runs.length === 0) return [{ ok: true, text: 'no step changes a load-balancer server: serving capacity stays as it is', overridable: true }];
  const reason = override?.reason.trim();
  return runs.map((run) => {
    const { ok, text } = judgeBackend(ctx, run, inputs);
    if (ok) return { ok: true, text, overridable: true };
    if (reason) return { ok: true, text: `${text}: overridden by the operator (${reason})`, overridable: true };
    return { ok: false, text: `${text}: run with an override and a reason to go ahead anyway`, overridable: true };
  });
}

function sloOf(ctx: FleetView, lb: string, backend: string) {
  return ctx.inventory.slos.find((s) => s.service === backend && s.loadBalancer === lb);
}

function compareRanks(x: number[], y: number[]): number {
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}
