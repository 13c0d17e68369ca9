import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../../electron/core/availability/request-bucket';
import { BucketCache } from '../../../electron/core/services/bucket-cache';
import { openStore, type Store } from '../../../electron/core/store/open-store';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';

const stores: Store[] = [];
// Each store lives in a temp dir of its own: close it, then remove the dir.
afterEach(() =>
  stores.splice(0).forEach((s) => {
    s.close();
    rmSync(dirname(s.path), { recursive: true, force: true });
  }),
);

function store(): Store {
  const s = openStore(mkdtempSync(join(tmpdir(), 'bucket-cache-')), { migrations: fleetMigrations() });
  stores.push(s);
  return s;
}

const T = 1_800_000_000_000 - (1_800_000_000_000 % MINUTE_MS);

describe('BucketCache', () => {
  it('answers like a fresh query while re-reading only the newest minutes', () => {
    const s = store();
    for (let m = 0; m < 600; m++) s.requests.recordOutcome({ service: 'llama', at: T - m * MINUTE_MS, ok: m % 7 !== 0, latencyMs: 5 });
    const reads: number[] = [];
    const cache = new BucketCache({
      bucketsSince: (key, sinceMs) => {
        reads.push(sinceMs);
        return s.requests.bucketsSince(key, sinceMs);
      },
    });
    const since = T - 300 * MINUTE_MS;
    expect(cache.since('llama', since, T)).toEqual(s.requests.bucketsSince('llama', since));

    // More outcomes in the current minute and the next one; the window slides by one minute.
    s.requests.recordOutcome({ service: 'llama', at: T + 10, ok: false, latencyMs: 5 });
    s.requests.recordOutcome({ service: 'llama', at: T + MINUTE_MS, ok: true, latencyMs: 5 });
    const later = since + MINUTE_MS;
    expect(cache.since('llama', later, T + MINUTE_MS)).toEqual(s.requests.bucketsSince('llama', later));
    // The second read asked only from the newest cached minute on, not for the whole window.
    expect(reads).toEqual([since, T]);
  });

  it('reads everything again when asked for an older window than it holds', () => {
    const s = store();
    for (let m = 0; m < 100; m++) s.requests.recordOutcome({ service: 'x', at: T - m * MINUTE_MS, ok: true, latencyMs: 1 });
    const cache = new BucketCache(s.requests);
    cache.since('x', T - 10 * MINUTE_MS, T);
    expect(cache.since('x', T - 50 * MINUTE_MS, T)).toEqual(s.requests.bucketsSince('x', T - 50 * MINUTE_MS));
  });
});
