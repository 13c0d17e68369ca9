/**
 * A data directory with one incident worth exporting, made through the real code paths: the
 * rule's signals (a node unreachable, a replica of its region unhealthy, both healthy again),
 * a person's acknowledgement, note and correction, events on its subjects, on others and
 * fleet-wide, in and out of its window, audit entries around it, a runbook run on its replica,
 * the history store's readings of both subjects (raw: the export is within the hour), and the
 * inventory recorded when it opened. And a fresh data directory to import into.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fingerprintOf, type SigningKey } from '../../../../electron/core/bundle/signing-key';
import { fleetMigrations } from '../../../../electron/core/fleet/builtin-features';
import { HistoryStore } from '../../../../electron/core/history/history-store';
import { collectLocalIncident } from '../../../../electron/core/incidents/bundle/collect-incident';
import { exportIncident } from '../../../../electron/core/incidents/bundle/export-incident';
import type { IncidentData } from '../../../../electron/core/incidents/bundle/incident-parts';
import { incidentEventSource } from '../../../../electron/core/incidents/bundle/incident-events';
import { recordInventorySnapshot } from '../../../../electron/core/incidents/bundle/inventory-snapshot';
import { IncidentStore } from '../../../../electron/core/incidents/incident-store';
import type { LoadedInventory } from '../../../../electron/core/inventory/load-inventory';
import { createRunJournal } from '../../../../electron/core/runbook-exec/journal';
import { openStore, type AppendEventInput, type Store } from '../../../../electron/core/store/open-store';
import type { IncidentExportFormat } from '../../../../shared/incident';
import type { RunView } from '../../../../shared/runbook';
import { FakeTimers, gpu, nodeReading } from '../../history/fixtures';

/** The incident's first bad signal. */
export const T = Date.UTC(2026, 11, 4, 12, 0, 0);
export const MIN = 60_000;
export const INCIDENT_ID = '0b7d4c1e-3f2a-4c5d-9e8f-123456789abc';
/** When the export is made: the incident resolved, its history still raw. */
export const EXPORTED_AT = T + 20 * MIN;

export function signingKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: fingerprintOf(publicKey) };
}

export interface DataDir {
  dir: string;
  /** The store's clock (audit entries appended without a time take it). */
  clock: { ms: number };
  store: Store;
  /** A connection of the test's own (as the console's coordination connection is). */
  db: Database.Database;
  close(): void;
}

export function openDataDir(dir: string, host = 'console-a'): DataDir {
  const clock = { ms: EXPORTED_AT };
  const store = openStore(dir, { migrations: fleetMigrations(), now: () => clock.ms, auditIdentity: { user: 'ops', host } });
  const db = new Database(store.path);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return {
    dir,
    clock,
    store,
    db,
    close() {
      db.close();
      store.close();
    },
  };
}

const INVENTORY = {
  path: '/etc/fleetops/fleet.yaml',
  file: { version: 1, regions: [{ name: 'r', clusters: [{ name: 'c', nodes: [{ name: 'n1', host: '10.0.0.1' }] }] }] },
  topology: { path: '/etc/fleetops/fleet.yaml', regions: [{ name: 'r', clusters: [{ name: 'c', role: 'inference', protected: false, nodes: ['n1'] }] }] },
} as unknown as LoadedInventory;

const ev = (ts: number, kind: string, subject: string | null, severity: AppendEventInput['severity'], message: string, data?: unknown): AppendEventInput => ({ ts, kind, subject, severity, message, ...(data === undefined ? {} : { data }) });

/** Fills `d` with the incident; `extraEvents` more events on its node inside the window (the benchmark's 100,000). */
export function makeIncident(d: DataDir, extraEvents = 0): void {
  const c = d.clock;
  c.ms = T;
  const incidents = new IncidentStore(d.db, () => c.ms, () => INCIDENT_ID, d.store.audit);
  d.store.audit.append({ kind: 'settings.read-only', subject: null, detail: { global: false }, ts: T - 60 * MIN });
  d.store.appendEvents([
    ev(T - 60 * MIN, 'node.health', 'n1', 'info', 'n1: healthy (long before)', { from: 'unknown', to: 'healthy' }),
    ev(T - 30_000, 'node.probe.failed', 'n1', 'warning', 'n1: ssh timeout', { code: 'CONNECT_TIMEOUT' }),
    ev(T, 'node.health', 'n1', 'error', 'n1: healthy → unreachable', { from: 'healthy', to: 'unreachable', reasons: ['ssh: connect timeout'] }),
    ev(T + 1000, 'inventory.loaded', null, 'info', 'reloaded fleet.yaml: 1 node'),
    ev(T + 2000, 'node.health', 'n9', 'error', 'n9 elsewhere, not this incident'),
    ev(T + 60_000, 'replica.health', 'r1', 'error', 'r1: healthy → unhealthy, "quoted", comma, =1+1', { from: 'healthy', to: 'unhealthy' }),
  ]);
  incidents.signal({ subject: 'n1', kind: 'node', health: 'unreachable', at: T, region: 'r', protected: false });
  recordInventorySnapshot(d.db, INCIDENT_ID, INVENTORY, T);
  incidents.signal({ subject: 'r1', kind: 'replica', health: 'unhealthy', at: T + 60_000, region: 'r', protected: false });
  c.ms = T + 2 * MIN;
  incidents.acknowledge(INCIDENT_ID, 'alice@laptop');
  c.ms = T + 3 * MIN;
  incidents.note(INCIDENT_ID, 'restarting <b>r1</b> | see [runbook](http://example.com)', 'alice@laptop');
  incidents.setMilestone(INCIDENT_ID, 'started', T - 30_000, 'alice@laptop');
  const run: RunView = {
    id: 'run-1',
    runbook: 'restart-replica',
    target: 'r1',
    operator: { user: 'alice', host: 'laptop' },
    status: 'succeeded',
    reason: null,
    interruptedStep: null,
    rollbackFailedStep: null,
    startedAt: T + 4 * MIN,
    endedAt: T + 6 * MIN,
    steps: [{ index: 0, title: 'restart the service', status: 'succeeded', output: 'ok\n', error: null, startedAt: T + 4 * MIN, durationMs: 2000 }],
    plan: {
      runbook: 'restart-replica',
      target: 'r1',
      params: {},
      confirmation: null,
      onFailure: 'rollback',
      steps: [{ index: 0, title: 'restart the service', action: { type: 'note', text: 'restart' }, undo: null, mutating: true, targets: ['r1'] }],
      preconditions: [],
      locks: ['r1'],
    },
  };
  createRunJournal(d.db, () => c.ms).createRun(run, 'owner-1');
  d.store.audit.append({ kind: 'run', subject: 'run-1', detail: { runbook: 'restart-replica', target: 'r1' }, ts: T + 4 * MIN });
  d.store.appendEvents([
    ev(T + 10 * MIN, 'node.health', 'n1', 'info', 'n1: unreachable → healthy', { from: 'unreachable', to: 'healthy' }),
    ev(T + 10 * MIN + 5000, 'replica.health', 'r1', 'info', 'r1: unhealthy → healthy', { from: 'unhealthy', to: 'healthy' }),
    ev(T + 90 * MIN, 'node.health', 'n1', 'warning', 'n1: after the window'),
  ]);
  incidents.signal({ subject: 'n1', kind: 'node', health: 'healthy', at: T + 10 * MIN, region: 'r', protected: false });
  incidents.signal({ subject: 'r1', kind: 'replica', health: 'healthy', at: T + 10 * MIN + 5000, region: 'r', protected: false });
  c.ms = T + 16 * MIN;
  incidents.settle(5 * MIN);
  c.ms = EXPORTED_AT;
  for (let start = 0; start < extraEvents; start += 10_000) {
    const n = Math.min(10_000, extraEvents - start);
    d.store.appendEvents(Array.from({ length: n }, (_, i) => ev(T + Math.floor(((start + i) * 10 * MIN) / extraEvents), 'node.probe', 'n1', i % 50 === 0 ? 'warning' : 'info', `n1 probe ${start + i}`, { i: start + i, gpus: [41, 42] })));
  }
  recordHistory(d);
}

/** Readings every 10 s from 20 minutes before the incident to the export: the GPUs heat up while it lasts. */
function recordHistory(d: DataDir): void {
  const timers = new FakeTimers(EXPORTED_AT);
  const history = new HistoryStore(d.store.path, { timers });
  for (let at = T - 20 * MIN; at <= EXPORTED_AT; at += 10_000) {
    const during = at >= T && at < T + 10 * MIN;
    history.recordNodeProbe('n1', during ? nodeReading(at, { error: { code: 'CONNECT_TIMEOUT' }, health: 'unreachable', gpus: [] }) : nodeReading(at, { gpus: [gpu(0, { temperatureC: 60 + ((at / 10_000) % 7) }), gpu(1)] }));
    history.recordReplicaProbe('r1', { kind: 'health', at, ok: !during, latencyMs: during ? 5000 : 80 + ((at / 10_000) % 5), failure: during ? 'timeout' : null, health: during ? 'unhealthy' : 'healthy' });
  }
  history.close();
}

/** The incident of `d` as its model and as exported (`format`), signed with `key`. */
export async function exported(d: DataDir, key: SigningKey, format: IncidentExportFormat = 'bundle'): Promise<{ data: IncidentData; bytes: Buffer }> {
  const incidents = new IncidentStore(d.db);
  const now = d.clock.ms;
  const data = collectLocalIncident(INCIDENT_ID, { db: d.db, incidents, events: incidentEventSource(d.db, () => now), inventory: null, now, exportedBy: 'ops@console-a' });
  const file = await exportIncident(data, format, { key: async () => key, host: 'console-a' });
  return { data, bytes: file.bytes };
}

/** Rows in every table an import writes: equal before and after a refused import. */
export function rowCounts(d: DataDir): Record<string, number> {
  const tables = ['events', 'incidents', 'incident_milestones', 'incident_subjects', 'incident_notes', 'incident_imports', 'incident_bundle_parts', 'imported_history', 'history_raw', 'history_rollup', 'audit'];
  return Object.fromEntries(tables.map((t) => [t, (d.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
}

export const dataDirIn = (root: string, name: string) => join(root, name);
