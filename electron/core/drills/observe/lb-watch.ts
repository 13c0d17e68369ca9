/**
 * HAProxy's view of the target servers, from consecutive `show stat` polls: when each goes out of
 * rotation (DOWN by its checks, or MAINT) and back, its counters as deltas, and the timing of its
 * checks.
 *
 * Where `inter` comes from: HAProxy's runtime API does not expose it. HAProxy 2.6's `show stat`
 * has check_rise, check_fall, check_health and check_duration but no interval; `show servers
 * state`, `show servers conn`, `show info` and `show activity` have none either (checked against
 * the lab's HAProxy). So it is derived from consecutive checks' timing: while a server is in a
 * transitional state (`UP 1/2`, `DOWN 1/2`: check_health strictly between 0 and rise+fall−1) every
 * check moves its status, so the next change seen is exactly one check later. HAProxy schedules a
 * check `inter` after the previous one ended (process_chk_conn() in src/check.c: `t->expire =
 * tick_add(now_ms, srv_getinter(check))` when a check completes), so
 *   inter = (time between the two changes) − (check_duration of the second check).
 * Each sample is accurate to about one poll period. In a transitional state srv_getinter() returns
 * `fastinter` when one is configured (else `inter`): with fastinter set, this is fastinter.
 *
 * The check timeout: a timed-out check's check_duration (L4TOUT, L7TOUT) is how long HAProxy
 * waited, i.e. `timeout check` (or inter, HAProxy's default when `timeout check` is not set).
 */
import type { StatRow } from '../../haproxy/parse-stat';
import type { LbSecondCounters } from './observer-types';

export const COUNTER_FIELDS: ReadonlyArray<[keyof LbSecondCounters, string]> = [
  ['hrsp5xx', 'hrsp_5xx'],
  ['econ', 'econ'],
  ['eresp', 'eresp'],
  ['retries', 'wretr'],
  ['redispatches', 'wredis'],
];

export type LbEvent = { kind: 'down'; at: number; checkStatus: string | null; word: 'DOWN' | 'MAINT' } | { kind: 'up'; at: number };

interface Seen {
  /** When the current signature was first seen (a later poll with the same one keeps it). */
  changedAt: number;
  out: boolean;
  /** status text and check_health: what one check changes. */
  signature: string;
  transitional: boolean;
  counters: LbSecondCounters;
}

const num = (row: StatRow, field: string): number => {
  const v = Number(row.fields[field]);
  return Number.isFinite(v) ? v : 0;
};

function countersOf(row: StatRow): LbSecondCounters {
  const c = { hrsp5xx: 0, econ: 0, eresp: 0, retries: 0, redispatches: 0 };
  for (const [key, field] of COUNTER_FIELDS) c[key] = num(row, field);
  return c;
}

/** Out of rotation: DOWN (its checks) or MAINT (an operator, a tracked server). */
const isOut = (row: StatRow): boolean => row.serverStatus?.word === 'DOWN' || row.serverStatus?.word === 'MAINT';

export class LbServerWatch {
  private prev: Seen | null = null;
  private readonly interSamples: number[] = [];
  rise: number | null = null;
  fall: number | null = null;
  checkTimeoutMs: number | null = null;
  /** How it went out of rotation during the drill (the last time). */
  downBy: 'maint' | 'check-timeouts' | 'failed-checks' | null = null;

  /**
   * One poll's row for this server (null: HAProxy no longer lists it). The first row is the
   * baseline: no event, no delta.
   */
  observe(at: number, row: StatRow | null): { events: LbEvent[]; delta: LbSecondCounters | null } {
    if (!row) return { events: [], delta: null };
    this.rise = num(row, 'check_rise') || this.rise;
    this.fall = num(row, 'check_fall') || this.fall;
    const out = isOut(row);
    const signature = `${row.status}|${row.fields.check_health ?? ''}`;
    const seen: Seen = {
      changedAt: this.prev && this.prev.signature === signature ? this.prev.changedAt : at,
      out,
      signature,
      transitional: row.serverStatus?.transition != null,
      counters: countersOf(row),
    };
    const prev = this.prev;
    this.prev = seen;
    const timedOut = /TOUT$/.test(row.checkStatus ?? '');
    if (timedOut) this.checkTimeoutMs = num(row, 'check_duration');
    if (!prev) return { events: [], delta: null };

    const events: LbEvent[] = [];
    if (out && !prev.out) {
      const word = row.serverStatus!.word as 'DOWN' | 'MAINT';
      events.push({ kind: 'down', at, word, checkStatus: word === 'MAINT' ? null : row.checkStatus });
      this.downBy = word === 'MAINT' ? 'maint' : timedOut ? 'check-timeouts' : 'failed-checks';
    } else if (!out && prev.out) {
      events.push({ kind: 'up', at });
    }
    // One check between two changes: the previous state absorbed no check (it was transitional).
    if (prev.transitional && seen.signature !== prev.signature && row.serverStatus?.word !== 'MAINT') {
      const sample = at - prev.changedAt - num(row, 'check_duration');
      if (sample > 0) this.interSamples.push(sample);
    }
    const delta = { hrsp5xx: 0, econ: 0, eresp: 0, retries: 0, redispatches: 0 };
    for (const [key] of COUNTER_FIELDS) {
      const d = seen.counters[key] - prev.counters[key];
      // A counter that went back means HAProxy restarted (counters from zero): all of it is new.
      delta[key] = d >= 0 ? d : seen.counters[key];
    }
    return { events, delta };
  }

  /** The check interval, the median of the samples so far (null before any). */
  interMs(): number | null {
    if (this.interSamples.length === 0) return null;
    const sorted = [...this.interSamples].sort((a, b) => a - b);
    return Math.round(sorted[(sorted.length - 1) >> 1]!);
  }

  interSampleCount(): number {
    return this.interSamples.length;
  }
}

/**
 * What HAProxy promises, from what it is configured with (fall, rise from `show stat`; inter and
 * the check timeout as derived above):
 * - MAINT is immediate: 0;
 * - checks that fail at once (refused, error status): the first check after the fault comes within
 *   inter, then fall − 1 more, inter apart: at most inter × fall;
 * - checks that time out: each of the fall checks also waits the check timeout before it fails, and
 *   the next is scheduled inter after it ended: at most fall × (inter + check timeout).
 * Null when a number it needs is not known (inter before HAProxy was seen mid-transition).
 */
export function promisedDownMs(w: Pick<LbServerWatch, 'fall' | 'checkTimeoutMs' | 'downBy'>, interMs: number | null): number | null {
  if (w.downBy === 'maint') return 0;
  if (interMs === null || w.fall === null) return null;
  if (w.downBy === 'check-timeouts') return w.checkTimeoutMs === null ? null : w.fall * (interMs + w.checkTimeoutMs);
  return interMs * w.fall;
}
