/** Generator → request log → availability math: what the lab measures is what the SLO view shows, across a restart. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../electron/core/availability/request-bucket';
import { serviceAvailability } from '../../electron/core/availability/service-availability';
import { downtimeMinutes, successRatio } from '../../electron/core/availability/success-ratio';
import { startTrafficGenerator } from '../../electron/core/lab/traffic-generator';
import { openStore } from '../../electron/core/store/open-store';
import { fleetMigrations } from '../../electron/core/fleet/builtin-features';
import { waitFor } from './helpers/free-port';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

describe('traffic generator feeding the request log', () => {
  it('gives the success ratio, failures and budget that the generator counted', async () => {
    let n = 0;
    const server = createServer((_req, res) => {
      n += 1;
      res.writeHead(n % 4 === 0 ? 500 : 200).end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const dir = mkdtempSync(path.join(tmpdir(), 'fleetops-traffic-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));

    const store = openStore(dir, { migrations: fleetMigrations() });
    const gen = startTrafficGenerator({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      ratePerSecond: 100,
      timeoutMs: 2000,
      onOutcome: (o) => store.requests.recordOutcome({ service: 'llama', at: o.at, ok: o.ok, latencyMs: o.latencyMs }),
    });
    cleanups.push(() => gen.stop());
    await waitFor(() => gen.stats().sent >= 40, { intervalMs: 5, what: '40 requests sent' });
    await gen.stop();
    store.close(); // flushes; the figures must come back from disk

    const s = gen.stats();
    const failures = Math.floor(s.sent / 4);
    expect(s).toMatchObject({ failed: failures, byReason: { 'http-500': failures } });

    const reopened = openStore(dir, { migrations: fleetMigrations() });
    cleanups.push(() => reopened.close());
    const now = Date.now();
    const buckets = reopened.requests.bucketsSince('llama', now - HOUR_MS);
    expect(buckets.reduce((sum, b) => sum + b.ok + b.failed, 0)).toBe(s.sent);
    expect(buckets.reduce((sum, b) => sum + b.failed, 0)).toBe(failures);
    expect(successRatio(buckets, { now, windowMs: HOUR_MS })).toBe(s.successRate);
    expect(successRatio(buckets, { now, windowMs: HOUR_MS })).toBe((s.sent - failures) / s.sent);
    // All of it within a minute or two: the error-weighted downtime is the failure share per minute.
    const expectedDowntime = buckets.reduce((sum, b) => sum + b.failed / (b.ok + b.failed), 0);
    expect(downtimeMinutes(buckets)).toBeCloseTo(expectedDowntime, 12);
    expect(expectedDowntime).toBeGreaterThan(0.2);

    const view = serviceAvailability({ service: 'llama', target: 99.9, buckets, now });
    expect(view.budget).toMatchObject({ total: s.sent, failed: failures, exhausted: true });
    // 25% errors against 0.1% allowed: burning 250 times too fast, the budget is already gone.
    expect(view.burnRate.hour).toBeCloseTo(failures / s.sent / 0.001, 9);
    expect(view.timeToExhaustionMs).toBe(0);
  });
});
