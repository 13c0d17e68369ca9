/**
 * The drill observer: the drill's own bounded probe traffic through the frontend (the lab's open-
 * loop traffic generator: a hung server shows as timeouts, not as fewer requests), HAProxy's
 * `show stat` for the target servers every lbPollMs, and the console's verdicts, all fed to an
 * Observation. One observer per drill run: start before the fault, stop after the restore.
 */
import { FleetError } from '../../../../shared/errors';
import { startTrafficGenerator, type TrafficGenerator } from '../../lab/traffic-generator';
import { realTimers, type Timers } from '../../probe/scheduler';
import { readingOf } from '../lb-reader';
import type { LbServerReading } from '../drill-inputs';
import { Observation } from './observation';
import type { DrillObserver, DrillSecond, HypothesisState, LbPromise, ObservedMilestone, ObserverConfig, ObserverNeeds } from './observer-types';

export const DEFAULT_LB_POLL_MS = 250;
/** The drill's probes say who they are, so operators can tell them apart in logs. */
export const DRILL_PROBE_USER_AGENT = 'fleetops-drill-probe/1';

/**
 * Enough in flight for the rate over one timeout (every probe hanging until it times out), plus
 * one: the cap only bites when the observer itself is falling behind.
 */
export function defaultMaxInFlight(ratePerSecond: number, timeoutMs: number): number {
  return Math.max(1, Math.ceil((ratePerSecond * timeoutMs) / 1000) + 1);
}

export function createDrillObserver(config: ObserverConfig, needs: ObserverNeeds): DrillObserver {
  const timers: Timers = needs.timers ?? realTimers;
  const pollMs = config.lbPollMs ?? DEFAULT_LB_POLL_MS;
  const loadBalancers = [...new Set(config.lbServers.map((s) => s.loadBalancer))];
  for (const lb of loadBalancers) {
    if (!needs.runtimes.has(lb)) throw new FleetError('BAD_REQUEST', `the drill observer has no HAProxy runtime for load balancer ${lb}.`, { subject: lb });
  }
  if (!(pollMs > 0)) throw new FleetError('BAD_REQUEST', `lbPollMs must be positive, got ${pollMs}.`);
  const onError = needs.onError ?? (() => undefined);

  let observation: Observation | null = null;
  let traffic: TrafficGenerator | null = null;
  let unsubscribe: (() => void) | null = null;
  let unsubscribeOther: (() => void) | null = null;
  let timer: unknown = null;
  let polling: Promise<void> = Promise.resolve();
  let state: 'new' | 'running' | 'stopped' = 'new';
  // Listeners may subscribe before start: the observation forwards to whoever is here then.
  const listeners = new Set<(m: ObservedMilestone) => void>();

  const pollOnce = async (): Promise<void> => {
    await Promise.all(
      loadBalancers.map(async (lb) => {
        try {
          const rows = await needs.runtimes.get(lb)!.showStat();
          observation!.lbPolled(lb, timers.now(), rows);
        } catch (err) {
          // One poll HAProxy did not answer is a gap in the series, not the end of the drill.
          onError(err);
        }
      }),
    );
  };

  const schedule = (): void => {
    timer = timers.setTimeout(() => {
      timer = null;
      if (state !== 'running') return;
      polling = pollOnce().then(() => {
        observation!.tick(timers.now());
        if (state === 'running') schedule();
      });
    }, pollMs);
  };

  const current = (): Observation => {
    if (!observation) throw new FleetError('BAD_REQUEST', 'the drill observer has not started.');
    return observation;
  };

  return {
    async start() {
      if (state !== 'new') throw new FleetError('BAD_REQUEST', 'a drill observer starts once.');
      state = 'running';
      const obs = new Observation(config, timers.now(), (s) => needs.health.current(s));
      observation = obs;
      obs.onMilestone((m) => {
        for (const l of [...listeners]) l(m);
      });
      // The baseline: counters and states the deltas and transitions are measured from. A load
      // balancer that does not answer here fails the start: the drill could not measure it.
      try {
        await Promise.all(loadBalancers.map(async (lb) => obs.lbPolled(lb, timers.now(), await needs.runtimes.get(lb)!.showStat())));
      } catch (err) {
        state = 'stopped';
        throw err;
      }
      unsubscribe = needs.health.subscribe((subject, health, at) => obs.health(subject, health, at));
      // The lab's own traffic through the same frontend: more requests, the same measure.
      const frontend = originOf(config.frontendUrl);
      unsubscribeOther =
        needs.otherTraffic?.((o, url) => {
          if (state === 'running' && originOf(url) === frontend) obs.probeEnded({ sentAt: o.at, latencyMs: o.latencyMs, ok: o.ok, reason: o.reason, error: o.error });
        }) ?? null;
      traffic = startTrafficGenerator({
        url: config.frontendUrl,
        ratePerSecond: config.probe.ratePerSecond,
        timeoutMs: config.probe.timeoutMs,
        maxInFlight: config.probe.maxInFlight ?? defaultMaxInFlight(config.probe.ratePerSecond, config.probe.timeoutMs),
        request: { headers: { 'user-agent': DRILL_PROBE_USER_AGENT } },
        clock: () => timers.now(),
        onOutcome: (o) => obs.probeEnded({ sentAt: o.at, latencyMs: o.latencyMs, ok: o.ok, reason: o.reason, error: o.error }),
        onSkipped: (at) => obs.probeSkipped(at),
      });
      schedule();
    },
    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      unsubscribe?.();
      unsubscribeOther?.();
      await polling;
      await traffic?.stop();
      observation?.tick(timers.now());
    },
    onMilestone(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    milestones: (): ObservedMilestone[] => observation?.milestones() ?? [],
    hypothesis: (): HypothesisState => observation?.hypothesis() ?? { holds: true, brokenSince: null, successPct: null, p95Ms: null, requests: 0 },
    seconds: (): DrillSecond[] => (observation ? observation.seconds(timers.now()) : []),
    lbPromises: (): LbPromise[] => current().lbPromises(),
    async lbReadings() {
      const out = new Map<string, LbServerReading>();
      await Promise.all(
        loadBalancers.map(async (lb) => {
          for (const row of await needs.runtimes.get(lb)!.showServersState()) out.set(`${lb}/${row.backend}/${row.server}`, readingOf(row));
        }),
      );
      return out;
    },
  };
}

/** scheme://host:port of a URL, null when it is not one: traffic is matched to the drill's frontend by it. */
function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
