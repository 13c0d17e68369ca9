/**
 * What the observer makes of HAProxy's polls and the console's verdicts, on an injected clock:
 * lb-down/up from `show stat` (parsed by the real parser), the check interval derived from
 * consecutive checks, HAProxy's promise, counter deltas, console detection, and the order of the
 * milestones through a whole drill.
 */
import { describe, expect, it } from 'vitest';
import { parseShowStat } from '../../../electron/core/haproxy/parse-stat';
import { LbServerWatch, promisedDownMs } from '../../../electron/core/drills/observe/lb-watch';
import { Observation } from '../../../electron/core/drills/observe/observation';
import type { ObservedMilestone } from '../../../electron/core/drills/observe/observer-types';

const T = 1_800_000_000_000;
const COLUMNS = ['pxname', 'svname', 'type', 'status', 'check_status', 'check_duration', 'check_rise', 'check_fall', 'check_health', 'hrsp_5xx', 'econ', 'eresp', 'wretr', 'wredis'];

interface Srv {
  server?: string;
  status: string;
  check?: string;
  duration?: number;
  health: number;
  counters?: [number, number, number, number, number];
}

/** `show stat` as HAProxy prints it (rise 2, fall 2: health 0 … 3), through the real parser. */
function stat(...servers: Srv[]) {
  const lines = [`# ${COLUMNS.join(',')}`];
  for (const s of servers) {
    const [h5, econ, eresp, wretr, wredis] = s.counters ?? [0, 0, 0, 0, 0];
    lines.push(['llama', s.server ?? 'r1', '2', s.status, s.check ?? 'L7OK', String(s.duration ?? 1), '2', '2', String(s.health), h5, econ, eresp, wretr, wredis].join(','));
  }
  return parseShowStat(`${lines.join('\n')}\n\n`);
}
const row = (s: Srv) => stat(s)[0]!;

describe('LbServerWatch', () => {
  it('sees a freeze: UP 1/2 then DOWN by timeouts, derives inter from the gap minus the check duration, and the timeout promise', () => {
    const w = new LbServerWatch();
    expect(w.observe(T, row({ status: 'UP', health: 3 }))).toEqual({ events: [], delta: null });
    expect(w.observe(T + 250, row({ status: 'UP', health: 3 })).events).toEqual([]);
    // The first check timed out after 1 s (L7TOUT, check_duration 1000).
    expect(w.observe(T + 1250, row({ status: 'UP 1/2', check: 'L7TOUT', duration: 1000, health: 2 })).events).toEqual([]);
    expect(w.observe(T + 1500, row({ status: 'UP 1/2', check: 'L7TOUT', duration: 1000, health: 2 })).events).toEqual([]);
    // The next check started inter (1 s) after the first ended and timed out 1 s later: seen at +3.25 s.
    const { events } = w.observe(T + 3250, row({ status: 'DOWN', check: 'L7TOUT', duration: 1000, health: 0 }));
    expect(events).toEqual([{ kind: 'down', at: T + 3250, word: 'DOWN', checkStatus: 'L7TOUT' }]);
    expect(w.interMs()).toBe(1000); // 3250 − 1250 − 1000: from the first poll that showed UP 1/2, not the later one
    expect(w.checkTimeoutMs).toBe(1000);
    expect(w.downBy).toBe('check-timeouts');
    expect(promisedDownMs(w, w.interMs())).toBe(2 * (1000 + 1000));
  });

  it('sees a stopped service: refused checks, inter × fall promised, and back UP through DOWN 1/2', () => {
    const w = new LbServerWatch();
    w.observe(T, row({ status: 'UP', health: 3 }));
    w.observe(T + 500, row({ status: 'UP 1/2', check: 'L4CON', duration: 0, health: 2 }));
    expect(w.observe(T + 1500, row({ status: 'DOWN', check: 'L4CON', duration: 0, health: 0 })).events).toEqual([{ kind: 'down', at: T + 1500, word: 'DOWN', checkStatus: 'L4CON' }]);
    expect(w.downBy).toBe('failed-checks');
    expect(promisedDownMs(w, w.interMs())).toBe(2000);
    // DOWN absorbs failing checks: nothing is derived from DOWN → DOWN 1/2.
    w.observe(T + 9000, row({ status: 'DOWN 1/2', check: 'L7OK', duration: 2, health: 1 }));
    expect(w.interSampleCount()).toBe(1);
    expect(w.observe(T + 10_250, row({ status: 'UP', check: 'L7OK', duration: 2, health: 3 })).events).toEqual([{ kind: 'up', at: T + 10_250 }]);
    expect(w.interSampleCount()).toBe(2);
    expect(w.interMs()).toBe(1000); // median of 1000 and 1248
  });

  it('sees MAINT at once, with no check status, and promises 0', () => {
    const w = new LbServerWatch();
    w.observe(T, row({ status: 'UP', health: 3 }));
    expect(w.observe(T + 250, row({ status: 'MAINT', health: 3 })).events).toEqual([{ kind: 'down', at: T + 250, word: 'MAINT', checkStatus: null }]);
    expect(w.downBy).toBe('maint');
    expect(promisedDownMs(w, null)).toBe(0);
    expect(w.interMs()).toBeNull();
  });

  it('gives counter deltas between polls, and a restarted HAProxy counts from zero', () => {
    const w = new LbServerWatch();
    w.observe(T, row({ status: 'UP', health: 3, counters: [5, 1, 0, 10, 2] }));
    expect(w.observe(T + 250, row({ status: 'UP', health: 3, counters: [7, 1, 3, 14, 3] })).delta).toEqual({ hrsp5xx: 2, econ: 0, eresp: 3, retries: 4, redispatches: 1 });
    expect(w.observe(T + 500, row({ status: 'UP', health: 3, counters: [1, 1, 3, 0, 3] })).delta).toEqual({ hrsp5xx: 1, econ: 0, eresp: 0, retries: 0, redispatches: 0 });
  });

  it('promises nothing before inter is known, and a timeout promise needs the check timeout', () => {
    expect(promisedDownMs({ fall: 3, checkTimeoutMs: null, downBy: null }, null)).toBeNull();
    expect(promisedDownMs({ fall: 3, checkTimeoutMs: null, downBy: 'check-timeouts' }, 2000)).toBeNull();
    expect(promisedDownMs({ fall: 3, checkTimeoutMs: 500, downBy: 'check-timeouts' }, 2000)).toBe(7500);
    expect(promisedDownMs({ fall: 3, checkTimeoutMs: null, downBy: null }, 2000)).toBe(6000);
  });
});

function observation(health: Record<string, string> = {}) {
  const o = new Observation(
    {
      hypothesis: { minSuccessPct: 90, maxP95Ms: 800, windowSeconds: 5 },
      lbServers: [{ loadBalancer: 'lab-lb', backend: 'llama', server: 'r1' }],
      subjects: ['r1'],
      watchOutside: ['r2'],
    },
    T,
    (s) => health[s],
  );
  const seen: ObservedMilestone[] = [];
  o.onMilestone((m) => seen.push(m));
  return { o, seen };
}

describe('Observation', () => {
  it('puts a whole freeze drill in the order things were observed', () => {
    const { o, seen } = observation({ r1: 'healthy', r2: 'healthy' });
    // Everything that happens, by the time the observer learns it (a probe: when it ends).
    const events: Array<[number, () => void]> = [];
    const at = (when: number, fn: () => void) => events.push([when, fn]);
    // A probe every 100 ms for 20 s, answered in 20 ms; from the freeze at +3 s to HAProxy's DOWN
    // at +6.3 s every third lands on r1 and times out after 1 s.
    for (let sentAt = T; sentAt < T + 20_000; sentAt += 100) {
      const k = Math.round((sentAt - T) / 100);
      const hung = sentAt >= T + 3000 && sentAt < T + 6300 && k % 3 === 0;
      const p = hung ? { sentAt, latencyMs: 1000, ok: false, reason: 'timeout', error: 'no complete answer within 1000 ms' } : { sentAt, latencyMs: 20, ok: true };
      at(sentAt + p.latencyMs, () => o.probeEnded(p));
    }
    at(T, () => o.lbPolled('lab-lb', T, stat({ status: 'UP', health: 3 }, { server: 'r2', status: 'UP', health: 3 })));
    at(T + 4250, () => o.lbPolled('lab-lb', T + 4250, stat({ status: 'UP 1/2', check: 'L7TOUT', duration: 1000, health: 2 })));
    at(T + 5100, () => o.health('r1', 'unreachable', T + 5100));
    at(T + 6300, () => o.lbPolled('lab-lb', T + 6300, stat({ status: 'DOWN', check: 'L7TOUT', duration: 1000, health: 0 })));
    // r2 is degraded (not a casualty), then unhealthy (a stop condition).
    at(T + 6400, () => o.health('r2', 'degraded', T + 6400));
    at(T + 6450, () => o.health('r2', 'unhealthy', T + 6450));
    // The thaw: r1 comes back through DOWN 1/2, then the console sees it healthy.
    at(T + 15_000, () => o.lbPolled('lab-lb', T + 15_000, stat({ status: 'DOWN 1/2', check: 'L7OK', duration: 1, health: 1 })));
    at(T + 16_001, () => o.lbPolled('lab-lb', T + 16_001, stat({ status: 'UP', check: 'L7OK', duration: 1, health: 3 })));
    at(T + 17_000, () => o.health('r1', 'healthy', T + 17_000));
    for (const [, fn] of events.sort((a, b) => a[0] - b[0])) fn();

    expect(seen.map((m) => m.kind)).toEqual(['first-failed-request', 'hypothesis-broken', 'console-detected', 'lb-down', 'outside-unhealthy', 'hypothesis-held', 'lb-up', 'subject-healthy']);
    // The first failure is known when it times out: sent at +3.0 s, ended at +4.0 s.
    expect(seen[0]).toEqual({ kind: 'first-failed-request', at: T + 4000, error: 'timeout: no complete answer within 1000 ms' });
    // Broken on latency before the ratio: at +4.6 s the window holds 43 answers, 3 of them 1 s
    // timeouts (7 %, above the 5 % that p95 tolerates), so p95 is 1000 ms > 800, at 93 % success.
    expect(seen[1]).toEqual({ kind: 'hypothesis-broken', at: T + 4600, successPct: (40 / 43) * 100, p95Ms: 1000 });
    expect(seen[2]).toEqual({ kind: 'console-detected', at: T + 5100, subject: 'r1', health: 'unreachable' });
    expect(seen[3]).toEqual({ kind: 'lb-down', at: T + 6300, server: { loadBalancer: 'lab-lb', backend: 'llama', server: 'r1' }, checkStatus: 'L7TOUT' });
    expect(seen[4]).toEqual({ kind: 'outside-unhealthy', at: T + 6450, subject: 'r2', health: 'unhealthy' });
    expect(seen[6]).toEqual({ kind: 'lb-up', at: T + 16_001, server: { loadBalancer: 'lab-lb', backend: 'llama', server: 'r1' } });
    expect(o.milestones()).toEqual(seen);
    // inter: the lower median of 6300 − 4250 − 1000 (going down) and 16001 − 15000 − 1 (coming up).
    expect(o.lbPromises()).toEqual([
      { server: { loadBalancer: 'lab-lb', backend: 'llama', server: 'r1' }, interMs: 1000, fall: 2, rise: 2, checkTimeoutMs: 1000, downBy: 'check-timeouts', promisedDownMs: 4000 },
    ]);
    const seconds = o.seconds(T + 19_999);
    expect(seconds).toHaveLength(20);
    // Probes sent in +3 s … +4 s: 10, of which 4 (k = 30, 33, 36, 39) hung.
    expect(seconds[3]).toMatchObject({ at: T + 3000, sent: 10, ok: 6, failed: 4, maxMs: 1000 });
    expect(seconds.reduce((n, s) => n + s.sent, 0)).toBe(200);
  });

  it('counts as detection only leaving healthy: no verdict (unknown) is not one, and a subject never seen healthy is not detected', () => {
    const { o, seen } = observation({ r1: 'unknown' });
    o.health('r1', 'unhealthy', T + 100); // never seen healthy since the start
    o.health('r1', 'healthy', T + 200);
    o.health('r1', 'unknown', T + 300);
    o.health('r1', 'degraded', T + 400);
    o.health('r1', 'unreachable', T + 500);
    expect(seen).toEqual([{ kind: 'console-detected', at: T + 400, subject: 'r1', health: 'degraded' }]);
  });

  it('fails a skipped probe for its reason and keeps measuring when a listener throws', () => {
    const { o, seen } = observation({ r1: 'healthy' });
    o.onMilestone(() => {
      throw new Error('the store is full');
    });
    o.probeSkipped(T + 10);
    o.probeEnded({ sentAt: T + 20, latencyMs: 5, ok: false, reason: 'refused', error: 'connect ECONNREFUSED' });
    expect(seen.map((m) => m.kind)).toEqual(['first-failed-request', 'hypothesis-broken']);
    expect(seen[0]).toMatchObject({ at: T + 10, error: 'in-flight-cap: not sent, the probes in flight reached their cap' });
    expect(o.hypothesis()).toMatchObject({ holds: false, successPct: 0, requests: 2, p95Ms: 5 });
  });

  it('ignores servers it does not watch and a poll that lost the server', () => {
    const { o, seen } = observation();
    o.lbPolled('lab-lb', T, stat({ status: 'UP', health: 3 }));
    o.lbPolled('other-lb', T + 100, stat({ status: 'DOWN', health: 0 }));
    o.lbPolled('lab-lb', T + 200, stat({ server: 'r9', status: 'DOWN', health: 0 }));
    expect(seen).toEqual([]);
  });
});
