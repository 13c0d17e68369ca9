/**
 * What a drill measures while it runs (issue 10, "Measurements"): the drill's own bounded probe
 * traffic through the service's frontend (the steady-state hypothesis), HAProxy's view of the
 * target servers polled fast, and the console's own verdicts. The drill runner creates one
 * observer per drill run, starts it before the fault and stops it after the restore; the
 * milestones are what it stores as the drill's timestamped events.
 */
import type { Timers } from '../../probe/scheduler';
import type { HaproxyRuntime } from '../../haproxy/runtime-client';
import type { LbServerReading } from '../drill-inputs';

/** One server of one load balancer (the inventory's load balancer name, HAProxy's backend and server). */
export interface LbServerRef {
  loadBalancer: string;
  backend: string;
  server: string;
}

export interface ObserverConfig {
  /** The service's frontend (through HAProxy), e.g. http://127.0.0.1:8080/health. */
  frontendUrl: string;
  /**
   * The drill's own traffic: an open-loop rate (a hung server shows as timeouts, not as fewer
   * requests), each request with a timeout, at most maxInFlight at once (default: enough for the
   * rate over one timeout, at least 1). A request not sent because the cap was reached is failed.
   */
  probe: { ratePerSecond: number; timeoutMs: number; maxInFlight?: number };
  /** Success ≥ minSuccessPct and p95 ≤ maxP95Ms over the last windowSeconds. */
  hypothesis: { minSuccessPct: number; maxP95Ms: number; windowSeconds: number };
  /** The servers of the targets in HAProxy (polled every lbPollMs). */
  lbServers: LbServerRef[];
  /** The targets (replica or node names the console gives verdicts on): detection, back to healthy. */
  subjects: string[];
  /** Subjects outside the blast radius: one turning unhealthy is a stop condition. */
  watchOutside?: string[];
  /** How often HAProxy is polled. Default 250. */
  lbPollMs?: number;
}

export type ObservedMilestone =
  | { kind: 'first-failed-request'; at: number; error: string }
  | { kind: 'console-detected'; at: number; subject: string; health: string }
  /** checkStatus: HAProxy's check_status when it was seen DOWN (L7TOUT, L4CON, …); null for maint. */
  | { kind: 'lb-down'; at: number; server: LbServerRef; checkStatus: string | null }
  | { kind: 'lb-up'; at: number; server: LbServerRef }
  | { kind: 'hypothesis-broken'; at: number; successPct: number; p95Ms: number | null }
  | { kind: 'hypothesis-held'; at: number }
  | { kind: 'subject-healthy'; at: number; subject: string }
  | { kind: 'outside-unhealthy'; at: number; subject: string; health: string };

export type ObservedMilestoneKind = ObservedMilestone['kind'];

/** HAProxy's counters over the target servers, as deltas over the second. */
export interface LbSecondCounters {
  hrsp5xx: number;
  econ: number;
  eresp: number;
  retries: number;
  redispatches: number;
}

/**
 * One second of the drill: the probes due in it, by when they were sent (a probe is entered when it
 * ends, so the last seconds fill in as probes in flight end), and HAProxy's counters polled in it.
 */
export interface DrillSecond {
  /** Start of the wall-clock second (ms since the epoch, on the observer's clock). */
  at: number;
  /** Probes due: sent, or skipped at the in-flight cap (those count as failed, with no latency). */
  sent: number;
  ok: number;
  failed: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  lb: LbSecondCounters;
}

/**
 * What HAProxy's configuration promises for a server, read from HAProxy itself: fall and rise from
 * `show stat`; inter is not in HAProxy's runtime API, so it is derived from consecutive checks'
 * timing (lb-watch.ts says how and why). A server is listed once its promise is known: once
 * HAProxy has been seen mid-transition (UP 1/2, DOWN 1/2: with fall 2 that is by the time it is
 * marked DOWN; with fall 1, only once it comes back up with rise ≥ 2), and for a timeout fault
 * once a timed-out check's duration is known.
 * promisedDownMs: 0 for MAINT, inter × fall for checks that fail at once, fall × (inter + check
 * timeout) for checks that time out (a freeze).
 */
export interface LbPromise {
  server: LbServerRef;
  interMs: number;
  fall: number;
  rise: number;
  /** A timed-out check's check_duration: HAProxy's check timeout (null: no check timed out). */
  checkTimeoutMs: number | null;
  /** How the server went out of rotation during the drill (null: it did not). */
  downBy: 'maint' | 'check-timeouts' | 'failed-checks' | null;
  promisedDownMs: number;
}

export interface HypothesisState {
  holds: boolean;
  brokenSince: number | null;
  successPct: number | null;
  p95Ms: number | null;
  /** Requests in the window. */
  requests: number;
}

export interface DrillObserver {
  /** Reads the baseline (HAProxy counters, promises), then starts probing and polling. */
  start(): Promise<void>;
  /** Stops traffic and polls; waits for requests in flight and a poll in progress. */
  stop(): Promise<void>;
  onMilestone(listener: (m: ObservedMilestone) => void): () => void;
  milestones(): ObservedMilestone[];
  hypothesis(): HypothesisState;
  /** Per-second series since start. */
  seconds(): DrillSecond[];
  /** What HAProxy's configuration promises per target server (fall/rise from the start; inter once derived). */
  lbPromises(): LbPromise[];
  /** HAProxy's view now, key `lb/backend/server` (as lb-reader.ts readingOf). */
  lbReadings(): Promise<Map<string, LbServerReading>>;
}

/** The HAProxy runtime calls the observer uses. */
export type ObserverRuntime = Pick<HaproxyRuntime, 'showStat' | 'showServersState'>;

/** The console's own verdicts (its rise/fall already applied). */
export interface ObserverHealth {
  current(subject: string): string | undefined;
  subscribe(listener: (subject: string, health: string, at: number) => void): () => void;
}

export interface ObserverNeeds {
  /** The clock and timers (default real ones): milestones and seconds are on timers.now(). */
  timers?: Timers;
  /** By inventory load balancer name. */
  runtimes: ReadonlyMap<string, ObserverRuntime>;
  health: ObserverHealth;
  /** A poll or probe problem that is not a measurement (e.g. HAProxy did not answer a poll). */
  onError?: (err: unknown) => void;
  /**
   * Other traffic through a frontend, request by request (the lab's traffic generator, where
   * there is one): what goes through the drill's frontend counts with the drill's own probes.
   */
  otherTraffic?: OtherTraffic;
}

/** Subscribes to other traffic's outcomes, each with the frontend it went through; returns the unsubscribe. */
export type OtherTraffic = (listener: (o: { at: number; ok: boolean; latencyMs: number; reason?: string; error?: string }, frontendUrl: string) => void) => () => void;

/** Key of an LbServerRef in maps: `lb/backend/server`. */
export function lbServerKey(ref: LbServerRef): string {
  return `${ref.loadBalancer}/${ref.backend}/${ref.server}`;
}
