/**
 * A service's per-minute request counts as a plot's columns: every minute for the last hour or
 * day, 30-minute sums for the last 30 days (1,440 points either way), minutes without a request
 * left out (a gap, not a 100 %).
 */
import type { AvailabilitySeries } from '../../../shared/services';
import { DAY_MS, HOUR_MS, MINUTE_MS, minuteOf, type RequestBucket } from '../availability/request-bucket';

export type SeriesRange = AvailabilitySeries['range'];

const SPAN: Record<SeriesRange, { windowMs: number; stepMs: number }> = {
  '1h': { windowMs: HOUR_MS, stepMs: MINUTE_MS },
  '24h': { windowMs: DAY_MS, stepMs: MINUTE_MS },
  '30d': { windowMs: 30 * DAY_MS, stepMs: 30 * MINUTE_MS },
};

export function windowOf(range: SeriesRange): number {
  return SPAN[range].windowMs;
}

/** Buckets (oldest first, as the request log returns them) summed into the range's steps. */
export function availabilitySeries(service: string, target: number, range: SeriesRange, buckets: readonly RequestBucket[], now: number): AvailabilitySeries {
  const { windowMs, stepMs } = SPAN[range];
  const from = now - windowMs;
  const out: AvailabilitySeries = { service, target, range, stepMs, from, to: now, ts: [], ok: [], failed: [] };
  const first = minuteOf(from);
  for (const b of buckets) {
    if (b.minute < first || b.ok + b.failed === 0) continue;
    const ts = Math.floor((b.minute * MINUTE_MS) / stepMs) * stepMs;
    const last = out.ts.length - 1;
    if (last >= 0 && out.ts[last] === ts) {
      out.ok[last] += b.ok;
      out.failed[last] += b.failed;
    } else {
      out.ts.push(ts);
      out.ok.push(b.ok);
      out.failed.push(b.failed);
    }
  }
  return out;
}
