/**
 * Per-minute request buckets kept in memory between availability pushes. Reading 30 days of
 * buckets (43,200 rows per service) from SQLite took ~80 ms of blocked event loop every push;
 * finished minutes never change, so only the minutes since the last read are fetched again.
 */
import { MINUTE_MS, minuteOf, type RequestBucket } from '../availability/request-bucket';
import type { RequestLog } from '../store/request-log';

export class BucketCache {
  private readonly byKey = new Map<string, { buckets: RequestBucket[]; from: number }>();

  constructor(private readonly requests: Pick<RequestLog, 'bucketsSince'>) {}

  /** The key's buckets from `sinceMs` on, oldest first, as a fresh query would return them. */
  since(key: string, sinceMs: number, now: number): RequestBucket[] {
    const first = minuteOf(sinceMs);
    const cached = this.byKey.get(key);
    let buckets: RequestBucket[];
    if (!cached || cached.from > first) {
      buckets = this.requests.bucketsSince(key, sinceMs);
    } else {
      // Re-read from the newest cached minute on: it (and the current one) may still be filling.
      const last = cached.buckets.length ? cached.buckets[cached.buckets.length - 1].minute : minuteOf(now);
      const fresh = this.requests.bucketsSince(key, last * MINUTE_MS);
      buckets = cached.buckets.filter((b) => b.minute >= first && b.minute < last).concat(fresh);
    }
    this.byKey.set(key, { buckets, from: first });
    return buckets;
  }

  /** Keys no longer configured (an SLO or replica left the inventory). */
  retain(keys: Set<string>): void {
    for (const key of [...this.byKey.keys()]) if (!keys.has(key)) this.byKey.delete(key);
  }
}
