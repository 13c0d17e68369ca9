import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../../electron/core/availability/request-bucket';
import { parseInventory } from '../../../electron/core/inventory/load-inventory';
import { AvailabilityMonitor, replicaKey } from '../../../electron/core/services/availability-monitor';
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

const NOW = 1_800_000_000_000;
const inventory = parseInventory(
  `version: 1
regions:
  - name: west
    clusters:
      - name: infer
        role: inference
        nodes:
          - { name: n1, host: 10.0.0.1, gpus: { count: 8 } }
replicas:
  - { name: r1, node: n1, url: "http://10.0.0.1:8000", model: m, health: { path: /health, intervalSeconds: 5 } }
  - { name: r2, node: n1, url: "http://10.0.0.1:8001", model: m, health: { path: /health, intervalSeconds: 5 } }
  - { name: r3, node: n1, url: "http://10.0.0.1:8002", model: m, health: { path: /health, intervalSeconds: 5 } }
loadBalancers:
  - { name: lb1, kind: haproxy, runtime: { tcp: "10.0.0.9:9999" }, frontend: { url: "http://10.0.0.9:8080" }, backends: { llama: [r1, r2, r3] } }
slo:
  - { service: llama, target: 99.9, probe: frontend }
`,
  '/srv/fleet.yaml',
  { homeDir: '/home/me', defaultUser: 'me' },
);

describe('AvailabilityMonitor: redundancy', () => {
  it("keeps each server's own 24 h success ratio beside the mean, null for one not probed in 24 h", async () => {
    const store = openStore(mkdtempSync(join(tmpdir(), 'availability-monitor-')), { migrations: fleetMigrations() });
    stores.push(store);
    const probe = (name: string, ok: number, failed: number, at: number) => {
      for (let i = 0; i < ok + failed; i++) store.requests.recordOutcome({ service: replicaKey(name), at, ok: i < ok, latencyMs: 5 });
    };
    probe('r1', 97, 3, NOW - 10 * MINUTE_MS);
    probe('r2', 99, 1, NOW - 60 * MINUTE_MS);
    // Older than 24 h: r3 has no measurement.
    probe('r3', 0, 10, NOW - 25 * 60 * MINUTE_MS);
    const monitor = new AvailabilityMonitor({ requests: store.requests, publish: () => undefined, timers: { now: () => NOW, setTimeout: () => 0, clearTimeout: () => undefined } });
    monitor.configure(inventory.slos, inventory.loadBalancers, inventory.replicas);
    const [redundancy] = monitor.services()[0]!.redundancy;
    expect(redundancy).toMatchObject({ backend: 'llama', replicas: 3, single: 0.98 });
    expect(redundancy!.perReplica).toEqual([
      { replica: 'r1', single: 0.97 },
      { replica: 'r2', single: 0.99 },
      { replica: 'r3', single: null },
    ]);
  });
});
