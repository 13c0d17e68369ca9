/**
 * Largest-domain loss for one service: remove its largest failure domain — a region when its
 * serving replicas span more than one, else a cluster — and ask the one capacity model
 * (serving-check.ts) whether what is left carries the peak load and meets the SLO; then with the
 * warm spares outside that domain brought in, then the cold ones after their start-up.
 *
 *   survives   what is left does (or does with warm spares, which take seconds);
 *   cold-only  only once the cold spares have started (minutes without enough capacity);
 *   below-slo  it carries the load but its estimated availability is under the SLO;
 *   fails      it cannot carry the load, or nothing is left.
 *
 * A spare brought in counts at the serving replicas' mean availability, as the runbook planner
 * counts a server its runbook brings into service: a spare's own history out of rotation says
 * little about how it serves.
 */
import type { DomainLoss, LossVerdict, ServingCheck } from '../../../shared/capacity';
import { percent, perSecond, plural } from '../runbooks/capacity-text';
import type { Member } from './service-members';
import { servingCheck, type ServingResult } from './serving-check';

export interface LoadFigures {
  sloTarget: number | null;
  peakRps: number | null;
}

type DomainKind = 'region' | 'cluster';

/** The mean measured availability of the active members, the stand-in for everyone unmeasured. */
export function meanAvailability(members: readonly Member[]): number | null {
  const measured = members.filter((m) => m.state === 'active' && m.availability !== null).map((m) => m.availability!);
  return measured.length ? measured.reduce((a, b) => a + b, 0) / measured.length : null;
}

/** Runs the shared check over `members`; `broughtIn` ones count at the mean. */
export function check(members: readonly Member[], figures: LoadFigures, mean: number | null): ServingResult {
  return servingCheck(
    members.map((m) => ({
      name: m.replica,
      availability: m.state === 'active' ? (m.availability ?? mean) : mean,
      capacityRps: m.capacityRps,
      weight: m.weight,
    })),
    { sloTarget: mean === null ? null : figures.sloTarget, rateRps: figures.peakRps },
  );
}

export function servingView(result: ServingResult, figures: LoadFigures): ServingCheck {
  const parts: string[] = [plural(result.serving, 'replica')];
  if (result.capacityRps !== null) parts.push(`${perSecond(result.capacityRps)} capacity${figures.peakRps !== null ? ` for a ${perSecond(figures.peakRps)} peak` : ''}`);
  else parts.push('load not checked (capacity not declared for every replica)');
  if (result.loadOk === null && result.capacityRps !== null) parts.push("load not checked (HAProxy's rate not known)");
  if (result.overByWeight.length) parts.push(`by weight ${result.overByWeight.map((o) => `${o.name} gets ${perSecond(o.share)} > its ${perSecond(o.capacityRps)}`).join(', ')}`);
  if (result.estimate !== null) parts.push(`availability ${percent(result.estimate)}% ${result.availabilityOk ? '>=' : '<'} SLO ${figures.sloTarget}%`);
  else if (figures.sloTarget === null) parts.push('no SLO');
  else parts.push('availability not estimated (nothing measured)');
  return {
    serving: result.serving,
    capacityRps: result.capacityRps,
    availability: result.estimate,
    loadOk: result.loadOk,
    sloOk: result.availabilityOk,
    ok: result.ok,
    text: parts.join(', '),
  };
}

/** The domain kind to lose (region when the active members span two or more, else cluster) and each domain's weight in it. */
export function domainsOf(members: readonly Member[]): { kind: DomainKind; names: string[] } {
  const active = members.filter((m) => m.state === 'active');
  const regions = new Set(active.map((m) => m.region ?? '(no region)'));
  if (regions.size > 1) return { kind: 'region', names: [...regions].sort() };
  return { kind: 'cluster', names: [...new Set(active.map((m) => m.cluster ?? '(no cluster)'))].sort() };
}

const domainOf = (m: Member, kind: DomainKind) => (kind === 'region' ? (m.region ?? '(no region)') : (m.cluster ?? '(no cluster)'));

export function largestDomainLoss(members: readonly Member[], figures: LoadFigures): DomainLoss {
  const mean = meanAvailability(members);
  const active = members.filter((m) => m.state === 'active');
  const { kind, names } = domainsOf(members);
  // Largest: the most capacity when every active member declares one, else the most replicas.
  const size = (d: string) => {
    const inside = active.filter((m) => domainOf(m, kind) === d);
    return inside.every((m) => m.capacityRps !== null) ? inside.reduce((s, m) => s + m.capacityRps!, 0) : inside.length;
  };
  const largest = names.length ? names.reduce((a, b) => (size(b) > size(a) ? b : a)) : null;
  const outside = (m: Member) => largest === null || domainOf(m, kind) !== largest;

  const left = active.filter(outside);
  const warm = members.filter((m) => m.state === 'warm' && outside(m));
  const cold = members.filter((m) => m.state === 'cold' && outside(m));
  const leftResult = check(left, figures, mean);
  const warmResult = check([...left, ...warm], figures, mean);
  const coldResult = check([...left, ...warm, ...cold], figures, mean);
  const starts = cold.map((m) => m.startupSeconds);
  const coldAfterSeconds = cold.length === 0 ? null : starts.every((s) => s !== null) ? Math.max(...(starts as number[])) : null;

  let verdict: LossVerdict;
  if (leftResult.ok && left.length > 0) verdict = 'survives';
  else if (warmResult.ok && warm.length > 0) verdict = 'survives';
  else if (coldResult.ok && cold.length > 0) verdict = 'cold-only';
  else if (coldResult.serving > 0 && coldResult.loadOk !== false && coldResult.availabilityOk === false) verdict = 'below-slo';
  else verdict = 'fails';

  const domain = largest === null ? null : { kind, name: largest };
  const lost = active.filter((m) => !outside(m)).map((m) => m.replica);
  return {
    domain,
    lost,
    left: servingView(leftResult, figures),
    withWarm: servingView(warmResult, figures),
    withCold: servingView(coldResult, figures),
    coldAfterSeconds,
    verdict,
    text: lossText(verdict, domain, lost, { left: leftResult, warm: warm.length, cold: cold.length, coldAfterSeconds }),
  };
}

function lossText(verdict: LossVerdict, domain: DomainLoss['domain'], lost: string[], x: { left: ServingResult; warm: number; cold: number; coldAfterSeconds: number | null }): string {
  if (!domain) return 'nothing serves now: there is no domain left to lose';
  const losing = `losing ${domain.kind} ${domain.name} (${plural(lost.length, 'serving replica')})`;
  const after = x.coldAfterSeconds === null ? 'after their start-up (not declared)' : `after about ${Math.round(x.coldAfterSeconds)} s`;
  switch (verdict) {
    case 'survives':
      return x.left.ok && x.left.serving > 0 ? `survives ${losing}: what is left carries it` : `survives ${losing} once ${plural(x.warm, 'warm spare')} ${x.warm === 1 ? 'is' : 'are'} brought in`;
    case 'cold-only':
      return `survives ${losing} only with ${plural(x.cold, 'cold spare')}, ${after}; until then it is short`;
    case 'below-slo':
      return `carries the load after ${losing}, but below its SLO`;
    case 'fails':
      return `does not survive ${losing}: what is left${x.warm + x.cold ? ', spares included,' : ''} cannot carry it`;
  }
}

/** N+k: replicas needed to carry `peak` (the largest capacities first) and how many serving ones are beyond them (k). */
export function nPlusK(active: readonly Member[], peak: number | null): { needed: number | null; k: number | null } {
  if (peak === null || active.some((m) => m.capacityRps === null)) return { needed: null, k: null };
  const caps = active.map((m) => m.capacityRps!).sort((a, b) => b - a);
  let sum = 0;
  let needed = 0;
  while (sum < peak && needed < caps.length) sum += caps[needed++]!;
  if (sum < peak) {
    // Short even with all of them: how many more of their mean size it would take (k < 0).
    if (caps.length === 0) return { needed: null, k: null };
    needed = caps.length + Math.ceil((peak - sum) / (sum / caps.length));
  }
  return { needed, k: active.length - needed };
}
