/**
 * A subject as the fleet had it when the incident opened (issue 11: "jump from an event to its
 * subject, as it was then"): its entry in the inventory snapshot the incident carries — recorded
 * when it opened here, or inventory.json of the bundle it was imported from — with its region and
 * cluster. A review months later, or on a machine with no fleet, sees the node's host, GPUs and
 * cluster of that day, not today's file.
 */
import type Database from 'better-sqlite3';
import type { IncidentSubjectAsItWas, IncidentView } from '../../../../shared/incident';
import { collectImportedIncident } from './collect-incident';
import { inventoryPart, type InventoryPart } from './inventory-snapshot';

interface FileShape {
  regions?: Array<{ name: string; clusters?: Array<{ name: string; protected?: boolean; role?: string; nodes?: Array<{ name: string }> }> }>;
  replicas?: Array<{ name: string; node?: string }>;
  loadBalancers?: Array<{ name: string; backends?: Record<string, string[]> }>;
  slo?: Array<{ service: string }>;
}

function find(part: InventoryPart, subject: string): Pick<IncidentSubjectAsItWas, 'kind' | 'region' | 'cluster' | 'entry'> {
  const file = (part.inventory?.file ?? {}) as FileShape;
  for (const r of file.regions ?? []) {
    for (const c of r.clusters ?? []) {
      const node = c.nodes?.find((n) => n.name === subject);
      if (node) return { kind: 'node', region: r.name, cluster: c.name, entry: { ...node, cluster: { name: c.name, role: c.role, protected: c.protected ?? false } } };
    }
  }
  const replica = file.replicas?.find((x) => x.name === subject);
  if (replica) {
    const home = replica.node ? find(part, replica.node) : null;
    return { kind: 'replica', region: home?.region ?? null, cluster: home?.cluster ?? null, entry: replica };
  }
  const lb = file.loadBalancers?.find((x) => x.name === subject);
  if (lb) return { kind: 'loadBalancer', region: null, cluster: null, entry: lb };
  const slo = file.slo?.find((x) => x.service === subject);
  if (slo) return { kind: 'service', region: null, cluster: null, entry: { ...slo, backends: (file.loadBalancers ?? []).filter((l) => l.backends?.[subject]).map((l) => ({ loadBalancer: l.name, servers: l.backends![subject] })) } };
  return { kind: null, region: null, cluster: null, entry: null };
}

export function subjectAsItWas(db: Database.Database, view: IncidentView, subject: string): IncidentSubjectAsItWas {
  const part = view.imported ? collectImportedIncident(db, view).inventory : inventoryPart(db, view.id, null);
  return { subject, source: part.source, recordedAt: part.recordedAt, note: part.note, ...find(part, subject) };
}
