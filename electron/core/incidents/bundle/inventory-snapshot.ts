/**
 * The inventory as it was when an incident opened (inventory.json of a bundle): a review months
 * later must see the fleet the incident happened in, not the one the file describes today.
 * Recorded by the incident rule when it opens an incident (and by hand-opened ones), kept once
 * per distinct content (incident-bundle-migration.ts).
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { Topology } from '../../../../shared/inventory';
import { canonicalJson } from '../../audit/canonical-json';
import type { LoadedInventory } from '../../inventory/load-inventory';

const Snapshot = z.strictObject({
  /** The file it was loaded from, on the exporting machine. */
  path: z.string(),
  topology: Topology,
  /** The inventory file as parsed (YAML → JSON): nodes, replicas, load balancers, SLOs. */
  file: z.unknown(),
});
type Snapshot = z.infer<typeof Snapshot>;

export const InventoryPart = z.strictObject({
  /** incident-opened: recorded when the incident opened; export: none was, this is the inventory at export time; none: no inventory was loaded. */
  source: z.enum(['incident-opened', 'export', 'none']),
  recordedAt: z.number().nullable(),
  /** SHA-256 of the snapshot's canonical JSON (RFC 8785). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  /** Says in words which inventory this is. */
  note: z.string(),
  inventory: Snapshot.nullable(),
});
export type InventoryPart = z.infer<typeof InventoryPart>;

/** Per loaded inventory (a reload is a new object): its snapshot is made once, not at every signal. */
const made = new WeakMap<LoadedInventory, { snapshot: Snapshot; text: string; sha256: string }>();

function snapshotOf(inv: LoadedInventory): { snapshot: Snapshot; text: string; sha256: string } {
  let s = made.get(inv);
  if (!s) {
    const snapshot: Snapshot = { path: inv.path, topology: inv.topology, file: inv.file };
    const text = canonicalJson(snapshot);
    made.set(inv, (s = { snapshot, text, sha256: createHash('sha256').update(text, 'utf8').digest('hex') }));
  }
  return s;
}

/** Records the inventory for the incident, once (the first record stands: that is when it opened). */
export function recordInventorySnapshot(db: Database.Database, incidentId: string, inv: LoadedInventory | null, at: number): void {
  if (!inv || db.prepare('SELECT 1 FROM incident_inventory WHERE incident_id = ?').get(incidentId)) return;
  const { text, sha256 } = snapshotOf(inv);
  db.transaction(() => {
    db.prepare('INSERT OR IGNORE INTO inventory_snapshots (sha256, content) VALUES (?, ?)').run(sha256, text);
    db.prepare('INSERT OR IGNORE INTO incident_inventory (incident_id, sha256, recorded_at) VALUES (?, ?, ?)').run(incidentId, sha256, at);
  })();
}

/** inventory.json: the recorded snapshot, else the inventory loaded now (said so), else none. */
export function inventoryPart(db: Database.Database, incidentId: string, current: LoadedInventory | null): InventoryPart {
  const row = db
    .prepare('SELECT i.sha256 AS sha256, i.recorded_at AS recordedAt, s.content AS content FROM incident_inventory i JOIN inventory_snapshots s ON s.sha256 = i.sha256 WHERE i.incident_id = ?')
    .get(incidentId) as { sha256: string; recordedAt: number; content: string } | undefined;
  if (row) {
    return { source: 'incident-opened', recordedAt: row.recordedAt, sha256: row.sha256, note: 'the inventory as loaded when the incident opened', inventory: Snapshot.parse(JSON.parse(row.content)) };
  }
  if (current) {
    const { snapshot, sha256 } = snapshotOf(current);
    return { source: 'export', recordedAt: null, sha256, note: 'no inventory was recorded when the incident opened: this is the inventory loaded at export time, which may differ', inventory: snapshot };
  }
  return { source: 'none', recordedAt: null, sha256: null, note: 'no inventory was recorded when the incident opened, and none was loaded at export time', inventory: null };
}
