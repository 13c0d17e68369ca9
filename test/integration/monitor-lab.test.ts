/**
 * The engine watching a lab fleet: rise/fall smoothing on real probes, state changes and new
 * XIDs recorded once in the event store, pushes batched, lab faults through the contract.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetCore } from '../../electron/core/fleet/core';
import { startLab, type LabFleet } from '../../electron/core/lab/lab-fleet';
import { createDispatch } from '../../electron/core/rpc/dispatch';
import type { PushEvent } from '../../shared/contract';
import type { FleetEvent, NodeStatus } from '../../shared/status';
import { followNodePushes, type NodeFollower } from './helpers/node-pushes';

let lab: LabFleet;
let core: FleetCore;
const pushes: PushEvent[] = [];
let probesSeen = 0;
/** The node statuses as a console rebuilds them from the pushes (each push a delta against the one before). */
let follower: NodeFollower;

/** Everything the suite writes (lab, data); removed when it is done. */
let dir: string | undefined;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-monitor-'));
  lab = await startLab({ dir: join(dir, 'lab'), nodes: 3, probeIntervalSeconds: 1, probeTimeoutSeconds: 1 });
  core = new FleetCore({ dataDir: join(dir, 'data'), inventoryPath: lab.inventoryPath, inventoryEnv: { homeDir: dir, defaultUser: 'ops' }, lab });
  core.subscribe((e) => pushes.push(e));
  follower = followNodePushes(core);
  await core.start();
});

afterAll(async () => {
  follower?.stop();
  await core?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const dispatch = () => createDispatch(core.handlers, { validateOutput: true });

/** Resolves with the node's status once `pred` holds after a fresh probe; counts probes seen. */
function nextStatus(name: string, pred: (s: NodeStatus) => boolean, timeoutMs = 15_000): Promise<NodeStatus[]> {
  const seen: NodeStatus[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out; saw ${seen.map((s) => `${s.lastVerdict}/${s.health}`).join(', ')}`));
    }, timeoutMs);
    const off = follower.onStatus((s) => {
      if (s.name !== name) return;
      probesSeen++;
      seen.push(s);
      if (pred(s)) {
        clearTimeout(timer);
        off();
        resolve(seen);
      }
    });
  });
}

async function events(subject: string): Promise<FleetEvent[]> {
  const r = await dispatch()('events.list', { subject, limit: 1000 });
  if (!r.ok) throw new Error(r.error.message);
  return r.result as FleetEvent[];
}

describe('monitor over a lab fleet', () => {
  it('sees every lab node healthy with 8 GPUs', async () => {
    const node = core.monitor.statuses()[0].name;
    await nextStatus(node, (s) => s.health === 'healthy');
    const r = await dispatch()('node.get', { name: node });
    expect(r).toMatchObject({ ok: true, result: { health: 'healthy', expectedGpus: 8, driverVersion: '580.159.04' } });
    expect(r.ok && (r.result as NodeStatus).gpus).toHaveLength(8);
  });

  it('falls only after `fall` bad probes, records one event, and rises after `rise` good ones', async () => {
    const node = core.monitor.statuses()[1].name;
    await nextStatus(node, (s) => s.health === 'healthy');
    const r = await dispatch()('lab.injectFault', { node, kind: 'gpu-lost', gpuIndex: 3 });
    expect(r.ok).toBe(true);
    const falling = await nextStatus(node, (s) => s.health === 'unhealthy');
    // The first bad verdict leaves the smoothed state healthy, saying what is pending.
    const firstBad = falling.find((s) => s.lastVerdict === 'unhealthy')!;
    expect(firstBad.health).toBe('healthy');
    expect(firstBad.reasons.join(' ')).toMatch(/failing: 1 of 2/);
    const down = falling[falling.length - 1];
    expect(down.reasons.join(' ')).toMatch(/is lost/);
    expect(down.gpus).toHaveLength(7);

    await dispatch()('lab.clearFault', { node });
    const rising = await nextStatus(node, (s) => s.health === 'healthy');
    expect(rising.filter((s) => s.lastVerdict === 'healthy').length).toBeGreaterThanOrEqual(2);

    const kinds = (await events(node)).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'node.health')).toHaveLength(3); // unknown→healthy, →unhealthy, →healthy
    expect(kinds).toContain('lab.fault.injected');
    expect(kinds).toContain('lab.fault.cleared');
  });

  it('records a new XID once, however many probes see it', async () => {
    const node = core.monitor.statuses()[2].name;
    await nextStatus(node, (s) => s.health === 'healthy');
    await dispatch()('lab.injectFault', { node, kind: 'xid-79', gpuIndex: 0 });
    await nextStatus(node, (s) => s.health === 'unhealthy');
    await nextStatus(node, (s) => s.xids.length > 0); // at least one more probe that sees the same XID
    const xidEvents = (await events(node)).filter((e) => e.kind === 'node.xid');
    expect(xidEvents).toHaveLength(1);
    expect(xidEvents[0].message).toMatch(/XID 79/);
    await dispatch()('lab.clearFault', { node });
  });

  it('batches pushes: many node statuses per message, each node whole once and then as what changed', () => {
    const batches = pushes.filter((e): e is Extract<PushEvent, { event: 'nodes.updated' }> => e.event === 'nodes.updated');
    const statuses = batches.reduce((n, b) => n + b.payload.nodes.length + b.payload.changes.length, 0);
    expect(statuses).toBeGreaterThan(batches.length); // at least some batches carry several nodes
    expect(probesSeen).toBeGreaterThan(0);
    expect(batches.map((b) => b.payload.seq)).toEqual(batches.map((_, i) => i + 1));
    expect(batches.flatMap((b) => b.payload.nodes.map((n) => n.name)).sort()).toEqual(core.monitor.statuses().map((s) => s.name).sort());
    // Rebuilt from the deltas, every node is what the engine has, and a console joining now gets the same.
    expect(follower.problems).toEqual([]);
    const now = core.monitor.snapshotNodes();
    expect(Object.fromEntries(follower.statuses)).toEqual(Object.fromEntries(now.nodes.map((n) => [n.name, n])));
    expect(now.nodesSeq).toBe(pushes.filter((e) => e.event === 'nodes.updated').length);
  });
});
