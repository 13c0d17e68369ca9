/**
 * Pure arithmetic of a drill run: its milestones as the contract shows them, the times derived
 * from them, the per-second series with the sliding-window hypothesis, and the verdict of each
 * expectation. No clock, no I/O: the runner hands in what it observed.
 */
import type { DrillPlan, PlannedExpectations, PlannedHypothesis } from '../../../../shared/drill';
import type {
  DrillDerived,
  DrillExpectationResult,
  DrillMilestone,
  DrillMilestoneName,
  DrillSecond,
} from '../../../../shared/drill-run';
import type { LbServerReading } from '../drill-inputs';
import { lbServerKey, type DrillSecond as ObservedSecond, type LbPromise, type ObservedMilestone } from '../observe/observer-types';

export function makeMilestone(
  name: DrillMilestoneName,
  at: number,
  t0: number | null,
  text: string,
  extra: { subject?: string | null; values?: Record<string, number>; flagged?: boolean } = {},
): DrillMilestone {
  return {
    name,
    at,
    sinceInjectSeconds: t0 === null ? null : round((at - t0) / 1000),
    subject: extra.subject ?? null,
    values: extra.values ?? {},
    flagged: extra.flagged ?? false,
    text,
  };
}

const first = (ms: readonly DrillMilestone[], name: DrillMilestoneName) => ms.find((m) => m.name === name) ?? null;

/** Seconds from the first `from` milestone to the first `to`, null unless both happened. */
function between(ms: readonly DrillMilestone[], from: DrillMilestoneName, to: DrillMilestoneName): number | null {
  const a = first(ms, from);
  const b = first(ms, to);
  return a === null || b === null ? null : round((b.at - a.at) / 1000);
}

/**
 * Detection is the first sign the console shows: its own verdict on a target (rise/fall
 * applied) or HAProxy marking a target server DOWN (shown in the console's load balancer view),
 * whichever came first. Response time runs from T0 (the drill's clock starts at the injection).
 */
export function deriveTimes(milestones: readonly DrillMilestone[], seconds: readonly DrillSecond[], promises: readonly LbPromise[]): DrillDerived {
  const t0 = first(milestones, 'injected')?.at ?? null;
  const since = (name: DrillMilestoneName) => {
    const m = first(milestones, name);
    return m === null || t0 === null ? null : round((m.at - t0) / 1000);
  };
  const detections = [since('console-detected'), since('lb-down')].filter((s): s is number => s !== null);
  const sent = seconds.reduce((n, s) => n + s.sent, 0);
  const failed = seconds.reduce((n, s) => n + s.failed, 0);
  const promised = promises.length === 0 ? null : round(Math.max(...promises.map((p) => p.promisedDownMs)) / 1000);
  const rise = promises[0] ? round((promises[0].rise * promises[0].interMs) / 1000) : null;
  return {
    detectSeconds: detections.length === 0 ? null : Math.min(...detections),
    lbDetectSeconds: since('lb-down'),
    lbPromisedSeconds: promised,
    mitigateSeconds: since('mitigated'),
    recoverSeconds: since('baseline'),
    responseSeconds: since('response-started'),
    requestsSent: sent,
    requestsFailed: failed,
    failedRatio: sent === 0 ? null : round(failed / sent, 4),
    // A replacement response only: the spare's start → its first healthy answer (spare-watch.ts).
    spareModelLoadSeconds: between(milestones, 'spare-started', 'spare-healthy'),
    riseTimesInterSeconds: rise,
  };
}

/** Each expectation the drill names against what was measured; one that never happened fails. */
export function judgeExpectations(expect: PlannedExpectations, d: DrillDerived): DrillExpectationResult[] {
  const out: DrillExpectationResult[] = [];
  const timed = (name: DrillExpectationResult['name'], limit: number | null, measured: number | null, what: string) => {
    if (limit === null) return;
    const passed = measured !== null && measured <= limit;
    const text = measured === null ? `${what}: never happened (limit ${limit} s)` : `${what} in ${measured} s (limit ${limit} s)`;
    out.push({ name, limit, measured, passed, text });
  };
  timed('detectedWithin', expect.detectedWithinSeconds, d.detectSeconds, 'detected');
  timed('mitigatedWithin', expect.mitigatedWithinSeconds, d.mitigateSeconds, 'mitigated');
  timed('restoredWithin', expect.restoredWithinSeconds, d.recoverSeconds, 'restored to baseline');
  if (expect.maxFailedRequests !== null) {
    const passed = d.requestsFailed <= expect.maxFailedRequests;
    out.push({
      name: 'maxFailedRequests',
      limit: expect.maxFailedRequests,
      measured: d.requestsFailed,
      passed,
      text: `${d.requestsFailed} of ${d.requestsSent} requests failed (at most ${expect.maxFailedRequests})`,
    });
  }
  return out;
}

/** The observer's seconds as the contract shows them, with the hypothesis over the sliding window at each second. */
export function contractSeconds(observed: readonly ObservedSecond[], h: Pick<PlannedHypothesis, 'windowSeconds' | 'minSuccessPct'>): DrillSecond[] {
  return observed.map((s, i) => {
    const windowStart = s.at - (h.windowSeconds - 1) * 1000;
    let sent = 0;
    let ok = 0;
    for (let j = i; j >= 0 && observed[j]!.at >= windowStart; j--) {
      sent += observed[j]!.ok + observed[j]!.failed;
      ok += observed[j]!.ok;
    }
    const windowSuccess = sent === 0 ? null : round(ok / sent, 4);
    return {
      at: s.at,
      sent: s.sent,
      failed: s.failed,
      p95Ms: s.p95Ms,
      windowSuccess,
      hypothesisHeld: windowSuccess === null ? null : windowSuccess * 100 >= h.minSuccessPct,
      lb: { http5xx: s.lb.hrsp5xx, connectionErrors: s.lb.econ, responseErrors: s.lb.eresp, retries: s.lb.retries, redispatches: s.lb.redispatches },
    };
  });
}

/**
 * HAProxy marking a target server out, against what its configuration promises (inter × fall,
 * read from HAProxy by the observer): flagged when it took longer than the promise plus one inter
 * (a check in flight when the fault came). Maintenance is immediate: no promise to compare with.
 */
export function lbDownMilestone(m: Extract<ObservedMilestone, { kind: 'lb-down' }>, promises: readonly LbPromise[], t0: number | null): DrillMilestone {
  const key = lbServerKey(m.server);
  const promise = promises.find((p) => lbServerKey(p.server) === key);
  const took = t0 === null ? null : round((m.at - t0) / 1000);
  const promised = promise && m.checkStatus !== null ? round(promise.promisedDownMs / 1000) : null;
  const slow = promised !== null && took !== null && took > promised + promise!.interMs / 1000;
  const values: Record<string, number> = {};
  if (took !== null) values.tookSeconds = took;
  if (promised !== null) values.promisedSeconds = promised;
  const what = m.checkStatus === null ? 'out (maint)' : `DOWN (${m.checkStatus})`;
  const text = `HAProxy marked ${key} ${what}${took === null ? '' : ` ${took} s after the injection`}${slow ? `, slower than its inter × fall of ${promised} s` : promised !== null ? ` (promised within ${promised} s)` : ''}`;
  return makeMilestone('lb-down', m.at, t0, text, { subject: key, values, flagged: slow });
}

/**
 * The longest a drill observes: the longest of detectedWithin, mitigatedWithin and the
 * hypothesis's window, plus the grace when a response needs room to run (the grace still aborts
 * a hypothesis broken too long).
 */
export function observeMs(plan: Pick<DrillPlan, 'expectations' | 'hypothesis'>, response: boolean): number {
  const e = plan.expectations;
  const h = plan.hypothesis;
  const bounds = [e.detectedWithinSeconds, e.mitigatedWithinSeconds, h.windowSeconds].filter((s): s is number => s !== null);
  return (Math.max(...bounds) + (response ? h.graceSeconds : 0)) * 1000;
}

/** HAProxy's admin state, user weight and whether its checks have it up: all as before. */
export function sameSetting(a: LbServerReading | undefined, b: LbServerReading | undefined): boolean {
  return a !== undefined && b !== undefined && a.state === b.state && a.weight === b.weight && a.up === b.up;
}

function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
