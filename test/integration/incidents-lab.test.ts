/**
 * Incidents from the console's own verdicts, against the lab (real SSH nodes, real probes),
 * through the contract: a node made unreachable opens an incident for its region, a second node
 * of the same region joins it, a person acknowledges and annotates it, and once both nodes are
 * back and stayed healthy for the quiet time the rule marks it mitigated, then resolved.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillRunView } from '../../shared/drill-run';
import type { IncidentSummary, IncidentView } from '../../shared/incident';
import { runFleetops } from './helpers/cli-process';
import { waitFor } from './helpers/free-port';
import { startLabConsole, type LabConsole } from './helpers/lab-console';

let c: LabConsole;
let replicas: string[] = [];

/** A maint drill on the first llama replica: refused while an incident is open on the service. */
const maintDrill = (replica: string) => `name: maint-first
description: The first llama replica in maintenance.
targets: { replica: ${replica}, maxTargets: 1, allowProtected: true }
fault: { kind: lb-maint }
hypothesis: { minSuccessPct: 50, maxP95LatencyMs: 5000, window: 5s, probeRatePerSecond: 2, grace: 60s }
response: none
expectations: { restoredWithin: 60s }
`;

beforeAll(async () => {
  c = await startLabConsole({
    name: 'incidents',
    incidents: { quietMs: 2000, settleEveryMs: 200 },
    beforeStart: (labDir, names) => {
      replicas = names;
      mkdirSync(join(labDir, 'drills'), { recursive: true });
      writeFileSync(join(labDir, 'drills', 'maint-first.yaml'), maintDrill(names[0]!));
    },
  });
  const nodes = c.core.topology()!.regions.flatMap((r) => r.clusters.flatMap((cl) => cl.nodes));
  await waitFor(() => nodes.every((n) => c.core.monitor.status(n)?.health === 'healthy'), { what: 'every lab node healthy', timeoutMs: 60_000 });
}, 120_000);

afterAll(async () => {
  await c?.stop();
});

describe('incidents from the lab', () => {
  it('no drill starts on a service while an incident is open on one of its replicas’ nodes', async () => {
    const inv = await c.call<{ replicas: Array<{ name: string; node: string | null }> }>('fleet.snapshot', {});
    const other = inv.replicas.find((r) => r.name === replicas[1])!.node!;
    c.lab.inject({ node: other, kind: 'node-unreachable' });
    try {
      const opened = await waitFor(async () => (await c.call<IncidentSummary[]>('incidents.list', { status: 'open' }))[0], { what: 'an incident', timeoutMs: 60_000, intervalMs: 200 });
      const run = await c.call<DrillRunView>('drills.start', { name: 'maint-first', confirm: 'maint-first' });
      expect(run).toMatchObject({ status: 'skipped', reasonCode: 'open-incident' });
      expect(run.reason).toContain(`incident ${opened.id}`);
      await c.call('incidents.close', { id: opened.id });
    } finally {
      c.lab.clear(other);
    }
    await waitFor(() => c.core.monitor.status(other)?.health === 'healthy', { what: `${other} healthy again`, timeoutMs: 60_000 });
  }, 120_000);

  it('a region’s failing nodes open one incident; acknowledged, annotated; resolved by the rule once they are back', async () => {
    const region = c.core.topology()!.regions.find((r) => r.clusters.flatMap((cl) => cl.nodes).length >= 2)!;
    const [n1, n2] = region.clusters.flatMap((cl) => cl.nodes);
    c.lab.inject({ node: n1!, kind: 'node-unreachable' });
    const opened = await waitFor(async () => (await c.call<IncidentSummary[]>('incidents.list', { status: 'open' })).find((i) => i.scope === `region:${region.name}`), {
      what: 'an incident for the region',
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    c.lab.inject({ node: n2!, kind: 'gpu-lost' });
    await waitFor(async () => (await c.call<IncidentView>('incidents.get', { id: opened.id })).affected.length === 2, { what: 'the second node joins', timeoutMs: 60_000, intervalMs: 200 });
    expect((await c.call<IncidentSummary[]>('incidents.list', { status: 'open' })).filter((i) => i.scope === `region:${region.name}`)).toHaveLength(1);

    await c.call('incidents.ack', { id: opened.id, by: 'alice@test' });
    await c.call('incidents.note', { id: opened.id, text: 'n1 lost its network, n2 a GPU', by: 'alice@test' });
    // An edit that breaks the order is refused through the contract too.
    await expect(c.call('incidents.setMilestone', { id: opened.id, name: 'started', at: Date.now() + 3_600_000 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    c.lab.clear(n1!);
    c.lab.clear(n2!);
    const resolved = await waitFor(
      async () => {
        const v = await c.call<IncidentView>('incidents.get', { id: opened.id });
        return v.status === 'resolved' ? v : undefined;
      },
      { what: 'resolved by the rule', timeoutMs: 90_000, intervalMs: 250 },
    );
    const names = resolved.milestones.map((m) => m.name);
    expect(names).toEqual(['started', 'detected', 'acknowledged', 'mitigated', 'resolved']);
    expect(resolved.milestones.find((m) => m.name === 'acknowledged')?.by).toBe('alice@test');
    expect(resolved.notes.map((n) => n.text)).toEqual(['n1 lost its network, n2 a GPU']);
    expect(resolved.affected.every((s) => s.health === 'healthy')).toBe(true);
    expect(resolved.derived.resolveSeconds).toBeGreaterThan(0);
    // The console's own events say so too.
    const events = c.core.store.listEvents({ limit: 200 }).filter((e) => e.kind === 'node.health' && (e.subject === n1 || e.subject === n2));
    expect(events.length).toBeGreaterThanOrEqual(4);

    // The CLI, another process on the same data directory while the console runs: what one does, the other shows.
    const listed = await runFleetops(['incident', 'list', '--data-dir', c.dataDir, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as IncidentSummary[]).map((i) => i.id)).toContain(opened.id);
    const shown = await runFleetops(['incident', 'show', opened.id, '--data-dir', c.dataDir]);
    expect(shown.stdout).toMatch(/acknowledged .* operator \(alice@test\)/);
    expect(shown.stdout).toMatch(/notes:\n.* n1 lost its network, n2 a GPU/);
    // Closed from the CLI: the console pushes it within the rule's cadence (200 ms here).
    const closedPush = new Promise<IncidentView>((resolvePush) => {
      const off = c.core.subscribe((e) => {
        if (e.event === 'incident.updated' && e.payload.id === opened.id && e.payload.status === 'closed') {
          off();
          resolvePush(e.payload);
        }
      });
    });
    const closed = await runFleetops(['incident', 'close', opened.id, '--data-dir', c.dataDir]);
    expect(closed.code, closed.stderr).toBe(0);
    expect((await closedPush).milestones.map((m) => m.name)).toContain('closed');
    expect((await c.call<IncidentView>('incidents.get', { id: opened.id })).status).toBe('closed');
    // What people did is in the audit chain, the console's and the CLI's alike.
    const audited = c.core.store.audit.list({ limit: 100 }).filter((e) => e.subject === opened.id).map((e) => e.kind);
    expect(audited.sort()).toEqual(['incident.ack', 'incident.close', 'incident.note']);
    const unknown = await runFleetops(['incident', 'ack', '00000000-0000-0000-0000-000000000000', '--data-dir', c.dataDir]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/NOT_FOUND: no incident/);
  }, 180_000);
});
