import type {
  CapacityMember,
  CapacityOverview,
  DomainCapacity,
  LossVerdict,
  RecoveryEstimate,
  ServiceCapacity,
  ServingCheck,
  SpareAdvice,
  SpareReadiness,
  Tally,
} from '../../../../shared/capacity';
import { formatRatio, formatTarget } from '../../model/availability-format';
import type { ViewBadge } from '../types';

/**
 * The Capacity view's pure logic: words, tones and numbers for what the engine computed
 * (electron/core/capacity). Nothing is recomputed here but differences the engine's figures
 * imply (headroom = capacity − peak). Tested in test/unit/renderer/capacity-model.test.ts.
 */

type Tone = 'healthy' | 'degraded' | 'unhealthy' | 'unknown' | 'standby' | 'accent';

export const VERDICT_LABEL: Readonly<Record<LossVerdict, string>> = {
  survives: 'survives',
  'cold-only': 'only with cold spares',
  'below-slo': 'below its SLO',
  fails: 'fails',
};

export const VERDICT_TONE: Readonly<Record<LossVerdict, Tone>> = { survives: 'healthy', 'cold-only': 'degraded', 'below-slo': 'degraded', fails: 'unhealthy' };

const VERDICT_ORDER: Readonly<Record<LossVerdict, number>> = { survives: 0, 'below-slo': 1, 'cold-only': 2, fails: 3 };

/** A member's state, and a warm spare failing its checks told apart from a cold one (both count as cold). */
export function memberLabel(state: CapacityMember['state'], readiness: SpareReadiness | null): { text: string; tone: Tone } {
  switch (state) {
    case 'active':
      return { text: 'active', tone: 'healthy' };
    case 'warm':
      return { text: 'spare (warm)', tone: 'accent' };
    case 'failed':
      return { text: 'failed', tone: 'unhealthy' };
    case 'cold':
      return { text: readiness === 'warm-unverified' ? 'warm (unverified)' : 'spare (cold)', tone: 'standby' };
  }
}

export const READINESS_LABEL: Readonly<Record<SpareReadiness, string>> = { warm: 'warm', 'warm-unverified': 'warm (unverified)', cold: 'cold' };
export const READINESS_TONE: Readonly<Record<SpareReadiness, Tone>> = { warm: 'accent', 'warm-unverified': 'standby', cold: 'standby' };

export const isSpareState = (state: CapacityMember['state']): boolean => state === 'warm' || state === 'cold';

/** Requests per second: "12.5 req/s", "1,240 req/s"; unknown when the load balancer has not said. */
export function formatRps(rps: number | null): string {
  if (rps === null) return 'unknown';
  return `${rps < 10 ? rps.toFixed(1) : Math.round(rps).toLocaleString('en-US')} req/s`;
}

/** An availability as the service panel writes it, but "not measured" rather than "no traffic" (probes, not traffic). */
export const formatAvailability = (a: number | null): string => (a === null ? 'not measured' : formatRatio(a));

/** A start-up or recovery time: "45 s", "3 min", "1 h 5 min"; a dash when unknown. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '–';
  const s = Math.round(seconds);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  return m % 60 === 0 ? `${Math.floor(m / 60)} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A ratio of capacity to peak as a percentage: 1.5 → "150 %". */
export const formatPct = (ratio: number): string => `${Math.round(ratio * 100)} %`;

/**
 * The fleet's real ratio beside what k equal domains need to survive losing one, k/(k−1): "180 %
 * of peak · needs 150 % (3 domains)". ok is null when either side is unknown.
 */
export function ratioText(ratio: ServiceCapacity['ratio']): { actual: string; needed: string; ok: boolean | null } {
  const actual = ratio.actual === null ? 'capacity over peak unknown' : `${formatPct(ratio.actual)} of peak`;
  const needed =
    ratio.needed === null
      ? ratio.domains < 2
        ? `one failure domain: losing it loses everything`
        : 'needed: unknown'
      : `needs ${formatPct(ratio.needed)} (k/(k−1), ${ratio.domains} domains)`;
  const ok = ratio.actual === null || ratio.needed === null ? null : ratio.actual >= ratio.needed;
  return { actual, needed, ok };
}

/** N+k: replicas the peak needs, plus those beyond them: "2+1"; unknown without a measured load. */
export function nkText(s: Pick<ServiceCapacity, 'needed' | 'k'>): string {
  if (s.needed === null || s.k === null) return 'N+k unknown (no load measured)';
  const n = `${s.needed} replica${s.needed === 1 ? '' : 's'} carr${s.needed === 1 ? 'ies' : 'y'} the peak`;
  return s.k >= 0 ? `N+${s.k} (${n}, ${s.k} beyond)` : `N−${-s.k} (${n}; ${-s.k} short)`;
}

/** Headroom now, against the measured peak and against the SLO. */
export function headroom(s: Pick<ServiceCapacity, 'now' | 'peakRps' | 'sloTarget'>): { load: string; slo: string; loadOk: boolean | null; sloOk: boolean | null } {
  let load = 'against load: unknown (no peak or capacity measured)';
  let loadOk: boolean | null = null;
  if (s.now.capacityRps !== null && s.peakRps !== null) {
    const spare = s.now.capacityRps - s.peakRps;
    loadOk = spare >= 0;
    const pct = s.peakRps > 0 ? ` (${spare >= 0 ? '+' : '−'}${Math.round((Math.abs(spare) / s.peakRps) * 100)} % of peak)` : '';
    load = `against load: ${spare >= 0 ? '' : '−'}${formatRps(Math.abs(spare))}${pct} — ${formatRps(s.now.capacityRps)} for a peak of ${formatRps(s.peakRps)}`;
  }
  let slo = 'against the SLO: no SLO';
  let sloOk: boolean | null = null;
  if (s.sloTarget !== null) {
    if (s.now.availability === null) slo = `against the SLO (${formatTarget(s.sloTarget)}): not measured`;
    else {
      const points = s.now.availability * 100 - s.sloTarget;
      sloOk = points >= 0;
      slo = `against the SLO: ${formatAvailability(s.now.availability)} for ${formatTarget(s.sloTarget)} (${points >= 0 ? '+' : '−'}${formatPoints(Math.abs(points))} points)`;
    }
  }
  return { load, slo, loadOk, sloOk };
}

/** Percentage points with enough decimals to show a small step: 0.0009 → "0.0009". */
export function formatPoints(points: number): string {
  if (points === 0) return '0';
  if (points >= 1) return points.toFixed(2);
  const decimals = Math.min(8, Math.max(2, Math.ceil(-Math.log10(points)) + 1));
  return points.toFixed(decimals);
}

export interface CheckRow {
  key: 'now' | 'left' | 'warm' | 'cold';
  label: string;
  check: ServingCheck;
}

/** Now, after the largest domain goes dark, plus warm spares, plus cold ones once started. */
export function checkRows(s: Pick<ServiceCapacity, 'now' | 'loss'>): CheckRow[] {
  const { loss } = s;
  const domain = loss.domain ? `${loss.domain.kind} ${loss.domain.name}` : 'the largest domain';
  return [
    { key: 'now', label: 'now', check: s.now },
    { key: 'left', label: `without ${domain}`, check: loss.left },
    { key: 'warm', label: '+ warm spares', check: loss.withWarm },
    { key: 'cold', label: loss.coldAfterSeconds === null ? '+ cold spares' : `+ cold spares, after ${formatSeconds(loss.coldAfterSeconds)}`, check: loss.withCold },
  ];
}

export const checkMark = (ok: boolean | null): string => (ok === null ? '–' : ok ? 'yes' : 'no');

/**
 * Where a promoted spare goes: the backend's failed member if there is one (that is what needs
 * replacing), else the first active one. Only a default: the operator can change it in the form.
 */
export function promoteTarget(members: readonly Pick<CapacityMember, 'replica' | 'state'>[]): string | null {
  return members.find((m) => m.state === 'failed')?.replica ?? members.find((m) => m.state === 'active')?.replica ?? null;
}

export interface AdviceRow extends SpareAdvice {
  label: string;
  availabilityText: string;
  gainText: string;
}

export function adviceRows(advice: readonly SpareAdvice[]): AdviceRow[] {
  return advice.map((a) => ({
    ...a,
    label: `+${a.added} spare${a.added === 1 ? '' : 's'}`,
    availabilityText: formatAvailability(a.availability),
    gainText: `+${formatPoints(a.gainPoints)} points`,
  }));
}

export const RECOVERY_SOURCE: Readonly<Record<RecoveryEstimate['source'], (runs: number) => string>> = {
  measured: (runs) => `measured over ${runs} replacement drill${runs === 1 ? '' : 's'}`,
  declared: () => 'declared start-up (no drill measured yet)',
  none: () => 'neither measured nor declared',
};

/** Regions in name order, each followed by its clusters: the same tree as the Topology. */
export function domainRows(domains: readonly DomainCapacity[]): DomainCapacity[] {
  const regions = domains.filter((d) => d.kind === 'region').sort((a, b) => a.name.localeCompare(b.name));
  const clusters = domains.filter((d) => d.kind === 'cluster');
  const placed = new Set<DomainCapacity>();
  const out: DomainCapacity[] = [];
  for (const r of regions) {
    out.push(r);
    for (const c of clusters.filter((c) => c.region === r.name).sort((a, b) => a.name.localeCompare(b.name))) {
      out.push(c);
      placed.add(c);
    }
  }
  // A cluster whose region the overview does not list still shows, at the end.
  for (const c of clusters) if (!placed.has(c)) out.push(c);
  return out;
}

/** "3 active · 1 warm spare · 2 cold spares · 0 failed". */
export function tallyText(t: Tally): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `${t.active} active · ${n(t.warm, 'warm spare')} · ${n(t.cold, 'cold spare')} · ${t.failed} failed`;
}

export const TALLY_KEYS: readonly (keyof Tally)[] = ['active', 'warm', 'cold', 'failed'];

/** Services that no longer survive their largest-domain loss, worst first (then by name). */
export function capacityWarnings(o: Pick<CapacityOverview, 'services'>): ServiceCapacity[] {
  return o.services
    .filter((s) => s.loss.verdict !== 'survives')
    .sort((a, b) => VERDICT_ORDER[b.loss.verdict] - VERDICT_ORDER[a.loss.verdict] || a.service.localeCompare(b.service));
}

/** The sidebar's count: services that would not come through their largest domain's loss. */
export function capacityBadge(o: CapacityOverview): ViewBadge | null {
  if (o.worst === 'survives') return null;
  const shown = capacityWarnings(o);
  const count = Math.max(1, shown.length);
  return {
    count,
    tone: o.worst === 'fails' ? 'unhealthy' : 'degraded',
    title: `${count} service${count === 1 ? '' : 's'} not surviving the loss of the largest failure domain (worst: ${VERDICT_LABEL[o.worst]})`,
  };
}
