/**
 * Incidents in the store (electron/core/incidents/incident-store.ts) on a real SQLite file:
 * signals of one region join one incident, another region opens its own; the severity rule
 * (protected cluster sev1, replica sev2, node sev3) and its escalation; recovery by the rule
 * (mitigated when all healthy, resolved after the quiet time) and by hand; corrections keep the
 * original, an edit that breaks the milestone order is refused and changes nothing; two
 * processes (two connections) signalling at once share one incident.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveIncidentTimes, incidentMilestoneOrderProblem } from '../../../shared/incident';
import { INCIDENT_BUNDLE_MIGRATION } from '../../../electron/core/incidents/bundle/incident-bundle-migration';
import { INCIDENT_MIGRATION } from '../../../electron/core/incidents/incident-migration';
import { IncidentStore, type HealthSignal } from '../../../electron/core/incidents/incident-store';

let dir: string;
let file: string;
const open: Database.Database[] = [];
let clock = 1_000_000;
const now = () => clock;

function connect(): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 2000');
  open.push(db);
  return db;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-incidents-'));
  file = join(dir, 'store.db');
  connect().exec(INCIDENT_MIGRATION.up + INCIDENT_BUNDLE_MIGRATION.up);
  clock = 1_000_000;
});
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const sig = (subject: string, health: string, at: number, over: Partial<HealthSignal> = {}): HealthSignal => ({ subject, kind: 'node', health, at, region: 'us-west-2', protected: false, ...over });

describe('signals', () => {
  it('one region, one incident: a second bad subject joins; another region opens its own', () => {
    const store = new IncidentStore(connect(), now);
    const [a] = store.signal(sig('n1', 'unhealthy', 1000));
    expect(store.signal(sig('n2', 'unreachable', 2000))).toEqual([a]);
    const [b] = store.signal(sig('n9', 'unhealthy', 2500, { region: 'eu-central-1' }));
    expect(b).not.toBe(a);
    const inc = store.get(a!);
    expect(inc).toMatchObject({ status: 'open', scope: 'region:us-west-2', openedBy: 'rule', startedAt: 1000, subjects: 2, severity: 'sev3' });
    expect(inc.affected.map((s) => [s.subject, s.health, s.firstBadAt])).toEqual([['n1', 'unhealthy', 1000], ['n2', 'unreachable', 2000]]);
    expect(inc.milestones.map((m) => [m.name, m.at, m.source])).toEqual([['started', 1000, 'rule'], ['detected', 1000, 'rule']]);
    // Degraded or unknown opens nothing.
    expect(store.signal(sig('n5', 'degraded', 3000, { region: 'ap-south-1' }))).toEqual([]);
    expect(store.list().map((i) => i.scope).sort()).toEqual(['region:eu-central-1', 'region:us-west-2']);
  });

  it('severity: a replica raises a node incident to sev2, a protected cluster to sev1, with the reason', () => {
    const store = new IncidentStore(connect(), now);
    const [id] = store.signal(sig('n1', 'unhealthy', 1000));
    store.signal(sig('r1', 'unhealthy', 1100, { kind: 'replica' }));
    expect(store.get(id!)).toMatchObject({ severity: 'sev2', severityReason: 'replica r1 serves a service' });
    store.signal(sig('n3', 'unreachable', 1200, { protected: true }));
    expect(store.get(id!)).toMatchObject({ severity: 'sev1', severityReason: 'n3 is in a protected cluster' });
    // Never lowered by a lesser signal.
    store.signal(sig('n4', 'unhealthy', 1300));
    expect(store.get(id!).severity).toBe('sev1');
  });

  it('recovery by the rule: mitigated once every subject is healthy, resolved after the quiet time; a relapse undoes mitigated', () => {
    const store = new IncidentStore(connect(), now);
    const [id] = store.signal(sig('n1', 'unhealthy', 1000));
    store.signal(sig('n2', 'unhealthy', 1500));
    store.signal(sig('n1', 'healthy', 5000));
    clock = 6000;
    expect(store.settle(60_000)).toEqual([]);
    store.signal(sig('n2', 'healthy', 7000));
    clock = 8000;
    expect(store.settle(60_000)).toEqual([id]);
    expect(store.get(id!).milestones.find((m) => m.name === 'mitigated')?.at).toBe(7000);
    // Bad again before the quiet time: not mitigated any more, still open.
    store.signal(sig('n1', 'unreachable', 9000));
    expect(store.get(id!).milestones.map((m) => m.name)).not.toContain('mitigated');
    store.signal(sig('n1', 'healthy', 10_000));
    clock = 70_000;
    store.settle(60_000);
    const inc = store.get(id!);
    expect(inc.status).toBe('resolved');
    expect(inc.milestones.map((m) => [m.name, m.at])).toEqual([['started', 1000], ['detected', 1000], ['mitigated', 10_000], ['resolved', 10_000]]);
    expect(inc.derived).toEqual({ detectSeconds: 0, acknowledgeSeconds: null, mitigateSeconds: 9, resolveSeconds: 9 });
    // Resolved: the next bad signal of the region opens a new incident.
    const [next] = store.signal(sig('n1', 'unhealthy', 80_000));
    expect(next).not.toBe(id);
  });
});

describe('people', () => {
  it('acknowledge, note, resolve, close — each with who and when, and in the audit chain', () => {
    const audit: Array<{ kind: string; subject?: string | null; detail?: unknown }> = [];
    const store = new IncidentStore(connect(), now, undefined, { append: (e) => (audit.push(e), {}) as never });
    const [id] = store.signal(sig('n1', 'unhealthy', 1000));
    clock = 4000;
    store.acknowledge(id!, 'alice@console');
    store.acknowledge(id!, 'bob@console'); // the first acknowledgement stands
    clock = 5000;
    store.note(id!, 'drained n1, looking at XID 79', 'alice@console');
    clock = 9000;
    expect(store.resolve(id!, 'alice@console').status).toBe('resolved');
    clock = 20_000;
    const inc = store.close(id!, 'bob@console');
    expect(inc.status).toBe('closed');
    expect(inc.milestones.map((m) => [m.name, m.at, m.by])).toEqual([
      ['started', 1000, null],
      ['detected', 1000, null],
      ['acknowledged', 4000, 'alice@console'],
      ['resolved', 9000, 'alice@console'],
      ['closed', 20_000, 'bob@console'],
    ]);
    expect(inc.notes).toEqual([{ at: 5000, by: 'alice@console', text: 'drained n1, looking at XID 79' }]);
    expect(inc.derived.acknowledgeSeconds).toBe(3);
    expect(() => store.resolve(id!, 'x')).toThrow(/is closed/);
    // The second acknowledgement changed nothing, so it is not audited; the refused resolve neither.
    expect(audit.map((e) => [e.kind, e.subject, (e.detail as { by: string }).by])).toEqual([
      ['incident.ack', id, 'alice@console'],
      ['incident.note', id, 'alice@console'],
      ['incident.resolve', id, 'alice@console'],
      ['incident.close', id, 'bob@console'],
    ]);
  });

  it('a correction keeps the original beside it (and is audited); one that breaks the order is refused and changes nothing', () => {
    const audit: Array<{ kind: string; detail?: unknown }> = [];
    const store = new IncidentStore(connect(), now, undefined, { append: (e) => (audit.push(e), {}) as never });
    const [id] = store.signal(sig('n1', 'unhealthy', 10_000));
    clock = 20_000;
    store.acknowledge(id!, 'alice@console');
    // The first failed request was earlier than the console's verdict: started corrected.
    const corrected = store.setMilestone(id!, 'started', 7000, 'alice@console');
    expect(corrected.milestones.find((m) => m.name === 'started')).toEqual({ name: 'started', at: 7000, source: 'operator', by: 'alice@console', original: { at: 10_000, source: 'rule', by: null } });
    expect(corrected.startedAt).toBe(7000);
    // A second correction keeps the first original.
    expect(store.setMilestone(id!, 'started', 8000, 'bob@console').milestones.find((m) => m.name === 'started')?.original).toEqual({ at: 10_000, source: 'rule', by: null });
    const before = store.get(id!);
    expect(() => store.setMilestone(id!, 'started', 25_000, 'bob@console')).toThrow(/started \(.*\) must not come after detected .*nothing changed/);
    expect(() => store.setMilestone(id!, 'resolved', 5000, 'bob@console')).toThrow(/must not come after/);
    expect(store.get(id!)).toEqual(before);
    expect(() => store.get('00000000-0000-0000-0000-000000000000')).toThrow(/no incident/);
    expect(audit.filter((e) => e.kind === 'incident.milestone').map((e) => e.detail)).toEqual([
      { by: 'alice@console', name: 'started', at: 7000, was: 10_000 },
      { by: 'bob@console', name: 'started', at: 8000, was: 7000 },
    ]);
  });

  it('opened by hand: its own scope, started and detected by the person', () => {
    const store = new IncidentStore(connect(), now);
    const inc = store.open('customers report slow answers', 'sev2', 'alice@console');
    expect(inc).toMatchObject({ openedBy: 'operator', severity: 'sev2', status: 'open', scope: `manual:${inc.id}` });
    expect(inc.milestones.map((m) => [m.name, m.source, m.by])).toEqual([['started', 'operator', 'alice@console'], ['detected', 'operator', 'alice@console']]);
  });
});

describe('two processes on one data directory', () => {
  it('share one open incident per region, whoever saw the signal first', () => {
    const a = new IncidentStore(connect(), now);
    const b = new IncidentStore(connect(), now);
    // Both consoles probe the same node and both see it fall.
    const [x] = a.signal(sig('n1', 'unhealthy', 1000));
    const [y] = b.signal(sig('n1', 'unhealthy', 1010));
    const [z] = b.signal(sig('n2', 'unreachable', 1020));
    expect(new Set([x, y, z]).size).toBe(1);
    expect(a.get(x!).affected.map((s) => s.subject)).toEqual(['n1', 'n2']);
    expect(a.get(x!).milestones.filter((m) => m.name === 'started')).toHaveLength(1);
  });

  it('the store refuses a second open incident for a scope even past the rule (the unique index)', () => {
    const db = connect();
    new IncidentStore(db, now).signal(sig('n1', 'unhealthy', 1000));
    expect(() => db.prepare("INSERT INTO incidents (id, title, severity, severity_reason, scope, opened_by, status, started_at) VALUES ('x', 't', 'sev3', 'r', 'region:us-west-2', 'rule', 'open', 1)").run()).toThrow(/UNIQUE/);
  });
});

describe('the milestone rules', () => {
  it('started first; mitigated ≤ resolved ≤ closed; derived times from started', () => {
    expect(incidentMilestoneOrderProblem({ started: 1, detected: 2, resolved: 3, closed: 4 })).toBeNull();
    expect(incidentMilestoneOrderProblem({ started: 5, acknowledged: 2 })).toMatch(/^started .* must not come after acknowledged/);
    expect(incidentMilestoneOrderProblem({ started: 1, resolved: 5, closed: 4 })).toMatch(/^resolved .* must not come after closed/);
    expect(incidentMilestoneOrderProblem({ started: 1, mitigated: 6, resolved: 5 })).toMatch(/^mitigated/);
    expect(deriveIncidentTimes([{ name: 'started', at: 0 }, { name: 'acknowledged', at: 90_000 }])).toEqual({ detectSeconds: null, acknowledgeSeconds: 90, mitigateSeconds: null, resolveSeconds: null });
  });
});
