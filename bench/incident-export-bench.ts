/**
 * What exporting and importing a large incident costs (issue 11): an incident whose window holds
 * `events` events (100,000 by default) on its subjects, exported as a signed bundle (collected
 * from the store, written, gzip-compressed, signed) and imported into a fresh data directory
 * (read and checked part by part, written in one transaction). Each measured `runs` times on
 * fresh directories; the median is reported, with the bundle's size.
 *
 *   npx tsx bench/incident-export-bench.ts [events] [runs]
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { fingerprintOf, type SigningKey } from '../electron/core/bundle/signing-key';
import { fleetMigrations } from '../electron/core/fleet/builtin-features';
import { collectLocalIncident } from '../electron/core/incidents/bundle/collect-incident';
import { exportIncident } from '../electron/core/incidents/bundle/export-incident';
import { importIncidentBundle } from '../electron/core/incidents/bundle/import-incident';
import { incidentEventSource } from '../electron/core/incidents/bundle/incident-events';
import { IncidentStore } from '../electron/core/incidents/incident-store';
import { openStore, type AppendEventInput } from '../electron/core/store/open-store';

export interface IncidentExportCost {
  /** The events the bundle carried. */
  events: number;
  /** Collecting the incident from the store and writing the signed bundle. */
  exportMs: number;
  /** Reading, checking and writing it into a fresh data directory. */
  importMs: number;
  bundleBytes: number;
}

const T = Date.UTC(2026, 11, 4, 12);
const ID = '5e1f0c2a-9b8d-4e7f-a6c5-0123456789ab';

function key(): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: fingerprintOf(publicKey) };
}

/** The store (migrated), and a connection of our own as the console's incidents feature has. */
function open(dir: string) {
  const store = openStore(dir, { migrations: fleetMigrations(), now: () => T + 3_600_000, auditIdentity: { user: 'bench', host: 'bench' } });
  const db = new Database(store.path);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return { store, db, close: () => (db.close(), store.close()) };
}

/** A data directory with one resolved incident of `events` events over 40 minutes (every tenth on the replica, every fiftieth a warning). */
function seed(dir: string, events: number): void {
  const d = open(dir);
  try {
    let clock = T;
    const incidents = new IncidentStore(d.db, () => clock, () => ID, d.store.audit);
    incidents.signal({ subject: 'gpu-node-1', kind: 'node', health: 'unreachable', at: T, region: 'us-west-2', protected: false });
    incidents.signal({ subject: 'llama-1', kind: 'replica', health: 'unhealthy', at: T + 1000, region: 'us-west-2', protected: false });
    for (let start = 0; start < events; start += 10_000) {
      const batch: AppendEventInput[] = [];
      for (let i = start; i < Math.min(events, start + 10_000); i++) {
        batch.push({
          ts: T + Math.floor((i * 40 * 60_000) / events),
          kind: i % 10 === 0 ? 'replica.probe' : 'node.probe',
          subject: i % 10 === 0 ? 'llama-1' : 'gpu-node-1',
          severity: i % 50 === 0 ? 'warning' : 'info',
          message: `probe ${i}: ${i % 50 === 0 ? 'slow answer' : 'ok'}`,
          data: { i, latencyMs: 80 + (i % 13), gpus: [61, 62, 60, 63] },
        });
      }
      d.store.appendEvents(batch);
    }
    for (const s of ['gpu-node-1', 'llama-1']) incidents.signal({ subject: s, kind: s === 'llama-1' ? 'replica' : 'node', health: 'healthy', at: T + 40 * 60_000, region: 'us-west-2', protected: false });
    clock = T + 50 * 60_000;
    incidents.settle(5 * 60_000);
  } finally {
    d.close();
  }
}

/**
 * Exports incident `id` of the data directory `source` (as the console or `fleetops incident
 * export` does) and imports it into a fresh data directory under `scratch`, timing each.
 */
export async function exportAndImport(source: string, id: string, now: number, scratch: string, signing: SigningKey = key()): Promise<IncidentExportCost> {
  const a = open(source);
  let bytes: Buffer;
  const t0 = performance.now();
  try {
    const data = collectLocalIncident(id, { db: a.db, incidents: new IncidentStore(a.db), events: incidentEventSource(a.db, () => now), inventory: null, now, exportedBy: 'bench@bench' });
    bytes = (await exportIncident(data, 'bundle', { key: async () => signing, host: 'bench' })).bytes;
  } finally {
    a.close();
  }
  const exportMs = performance.now() - t0;
  const target = mkdtempSync(join(scratch, 'import-'));
  const b = open(target);
  const t1 = performance.now();
  let imported: number;
  try {
    imported = (await importIncidentBundle(bytes, { db: b.db, dataDir: target, ownFingerprint: 'none', trust: true, importedBy: 'bench@bench', now: Date.now() })).events;
  } finally {
    b.close();
    rmSync(target, { recursive: true, force: true });
  }
  return { events: imported, exportMs, importMs: performance.now() - t1, bundleBytes: bytes.length };
}

/** One export and import of a fresh incident of `events` events. */
async function once(events: number, signing: SigningKey): Promise<IncidentExportCost> {
  const root = mkdtempSync(join(tmpdir(), 'fleetops-incident-bench-'));
  try {
    seed(join(root, 'a'), events);
    return await exportAndImport(join(root, 'a'), ID, T + 60 * 60_000, root, signing);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The median of `runs` exports and imports of a fresh incident of `events` events. */
export async function incidentExportBench(events = 100_000, runs = 3): Promise<IncidentExportCost> {
  const signing = key();
  const results: IncidentExportCost[] = [];
  for (let i = 0; i < runs; i++) results.push(await once(events, signing));
  const median = (pick: (r: IncidentExportCost) => number) => [...results].map(pick).sort((x, y) => x - y)[Math.floor(results.length / 2)]!;
  return { events: results[0]!.events, exportMs: median((r) => r.exportMs), importMs: median((r) => r.importMs), bundleBytes: median((r) => r.bundleBytes) };
}

if (require.main === module) {
  const events = Number(process.argv[2] ?? 100_000);
  const runs = Number(process.argv[3] ?? 3);
  incidentExportBench(events, runs).then(
    (r) => console.log(`incident of ${r.events} events: export ${r.exportMs.toFixed(0)} ms, import ${r.importMs.toFixed(0)} ms, bundle ${(r.bundleBytes / 1024 / 1024).toFixed(1)} MB (median of ${runs})`),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
