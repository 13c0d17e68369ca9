/**
 * The drill's arithmetic: HAProxy's DOWN against its promise (flagged when slower than
 * inter × fall + one inter), the derived times from the milestones, the verdict of each
 * expectation (one that never happened fails), and the sliding-window hypothesis per second.
 */
import { describe, expect, it } from 'vitest';
import type { DrillMilestone } from '../../../shared/drill-run';
import { contractSeconds, deriveTimes, judgeExpectations, lbDownMilestone, makeMilestone, observeMs } from '../../../electron/core/drills/run/drill-judge';
import type { LbPromise } from '../../../electron/core/drills/observe/observer-types';

const T0 = 1_700_000_000_000;
const server = { loadBalancer: 'lb', backend: 'llama', server: 'r1' };
const promise: LbPromise = { server, interMs: 1000, fall: 3, rise: 2, checkTimeoutMs: null, downBy: 'failed-checks', promisedDownMs: 3000 };

describe('lbDownMilestone', () => {
  it('within inter × fall + one inter: not flagged, with both numbers', () => {
    const m = lbDownMilestone({ kind: 'lb-down', at: T0 + 3900, server, checkStatus: 'L4CON' }, [promise], T0);
    expect(m).toMatchObject({ name: 'lb-down', subject: 'lb/llama/r1', flagged: false, values: { tookSeconds: 3.9, promisedSeconds: 3 }, sinceInjectSeconds: 3.9 });
  });

  it('slower than that: flagged, and the text says so', () => {
    const m = lbDownMilestone({ kind: 'lb-down', at: T0 + 4100, server, checkStatus: 'L7TOUT' }, [promise], T0);
    expect(m.flagged).toBe(true);
    expect(m.text).toBe('HAProxy marked lb/llama/r1 DOWN (L7TOUT) 4.1 s after the injection, slower than its inter × fall of 3 s');
  });

  it('maintenance has no promise to compare with', () => {
    const m = lbDownMilestone({ kind: 'lb-down', at: T0 + 200, server, checkStatus: null }, [promise], T0);
    expect(m).toMatchObject({ flagged: false, values: { tookSeconds: 0.2 } });
    expect(m.text).toContain('out (maint)');
  });
});

describe('deriveTimes and judgeExpectations', () => {
  const ms: DrillMilestone[] = [
    makeMilestone('injected', T0, T0, 'in'),
    makeMilestone('lb-down', T0 + 4000, T0, 'lb'),
    makeMilestone('console-detected', T0 + 2500, T0, 'console'),
    makeMilestone('mitigated', T0 + 9000, T0, 'ok again'),
    makeMilestone('restored', T0 + 20_000, T0, 'restored'),
    makeMilestone('baseline', T0 + 31_000, T0, 'baseline'),
  ];
  const seconds = [
    { at: T0, sent: 10, failed: 4, p95Ms: 100, windowSuccess: null, hypothesisHeld: null, lb: null },
    { at: T0 + 1000, sent: 10, failed: 0, p95Ms: 90, windowSuccess: null, hypothesisHeld: null, lb: null },
  ];

  it('detection is the first of the console and HAProxy; recovery runs to the baseline', () => {
    const d = deriveTimes(ms, seconds, [promise]);
    expect(d).toMatchObject({ detectSeconds: 2.5, lbDetectSeconds: 4, lbPromisedSeconds: 3, mitigateSeconds: 9, recoverSeconds: 31, requestsSent: 20, requestsFailed: 4, failedRatio: 0.2, riseTimesInterSeconds: 2 });
    // No spare brought up: nothing to split the recovery with.
    expect(d.spareModelLoadSeconds).toBeNull();
  });

  it('a replacement: the spare’s model load runs from its start to its first healthy answer', () => {
    const spare = [makeMilestone('spare-started', T0 + 5000, T0, 'started', { subject: 's1' }), makeMilestone('spare-healthy', T0 + 7250, T0, 'healthy', { subject: 's1' })];
    expect(deriveTimes([...ms, ...spare], seconds, [promise]).spareModelLoadSeconds).toBe(2.25);
    // Started but never healthy: not measured.
    expect(deriveTimes([...ms, spare[0]!], seconds, [promise]).spareModelLoadSeconds).toBeNull();
  });

  it('each expectation against its measurement; one that never happened fails', () => {
    const d = deriveTimes(ms.filter((m) => m.name !== 'baseline'), seconds, []);
    const r = judgeExpectations({ detectedWithinSeconds: 3, mitigatedWithinSeconds: 8, restoredWithinSeconds: 60, maxFailedRequests: 4 }, d);
    expect(r.map((e) => [e.name, e.measured, e.passed])).toEqual([
      ['detectedWithin', 2.5, true],
      ['mitigatedWithin', 9, false],
      ['restoredWithin', null, false],
      ['maxFailedRequests', 4, true],
    ]);
    expect(r[2]!.text).toBe('restored to baseline: never happened (limit 60 s)');
  });
});

describe('contractSeconds', () => {
  it('judges each second over the sliding window before it', () => {
    const lb = { hrsp5xx: 0, econ: 0, eresp: 0, retries: 2, redispatches: 1 };
    const obs = [0, 1, 2, 3].map((i) => ({ at: T0 + i * 1000, sent: 10, ok: i === 1 ? 0 : 10, failed: i === 1 ? 10 : 0, p50Ms: 1, p95Ms: 2, maxMs: 3, lb }));
    const s = contractSeconds(obs, { windowSeconds: 2, minSuccessPct: 90 });
    expect(s.map((x) => [x.windowSuccess, x.hypothesisHeld])).toEqual([
      [1, true],
      [0.5, false],
      [0.5, false],
      [1, true],
    ]);
    expect(s[0]!.lb).toEqual({ http5xx: 0, connectionErrors: 0, responseErrors: 0, retries: 2, redispatches: 1 });
  });
});

describe('observeMs', () => {
  const h = { service: 's', loadBalancer: 'lb', url: 'u', minSuccessPct: 90, maxP95LatencyMs: 1, windowSeconds: 30, probeRatePerSecond: 1, graceSeconds: 60 };
  it('the longest of the expectations and the window, plus the grace when there is a response', () => {
    const expectations = { detectedWithinSeconds: 15, mitigatedWithinSeconds: 45, restoredWithinSeconds: 120, maxFailedRequests: null };
    expect(observeMs({ expectations, hypothesis: h }, false)).toBe(45_000);
    expect(observeMs({ expectations, hypothesis: h }, true)).toBe(105_000);
  });
});
