/**
 * The producer of `nodes.updated` (electron/core/fleet/node-updates.ts): a node's first push is
 * its whole status, later ones what changed since its last push; pushes are numbered one by one
 * and nothing is pushed when nothing changed. A client that follows the pushes from any point
 * in the stream — from the start, or joining late from a snapshot — holds exactly the statuses
 * the engine pushed, after thousands of random changes.
 */
import { describe, expect, it } from 'vitest';
import { NodeUpdates, type NodesUpdate } from '../../../electron/core/fleet/node-updates';
import { pushEvents } from '../../../shared/contract';
import { applyNodeStatusChange } from '../../../shared/node-delta';
import type { GpuStatus, NodeStatus } from '../../../shared/status';
import { gpu, node } from '../renderer/builders';

/** A client's copy, built from a starting point and the pushes after it, as the renderer does. */
class Follower {
  readonly statuses = new Map<string, NodeStatus>();
  constructor(
    public seq: number,
    start: readonly NodeStatus[],
  ) {
    for (const s of start) this.statuses.set(s.name, s);
  }

  apply(update: NodesUpdate): void {
    // Every push crosses JSON and the contract on its way to a client.
    const wire = pushEvents['nodes.updated'].parse(JSON.parse(JSON.stringify(update)));
    expect(wire.seq).toBe(this.seq + 1);
    this.seq = wire.seq;
    for (const c of wire.changes) {
      const prev = this.statuses.get(c.name);
      expect(prev, `a change for ${c.name}, which the client does not have`).toBeDefined();
      const next = applyNodeStatusChange(prev as NodeStatus, c);
      expect(next).not.toBeNull();
      this.statuses.set(c.name, next as NodeStatus);
    }
    for (const n of wire.nodes) this.statuses.set(n.name, n);
  }
}

describe('nodes.updated producer', () => {
  it('pushes a node whole first, then what changed, numbered one by one; nothing when nothing changed', () => {
    const pushed: NodesUpdate[] = [];
    const updates = new NodeUpdates((u) => pushed.push(u));
    expect(updates.lastSeq).toBe(0);
    const a = node('a');
    updates.push([a, node('b')]);
    expect(pushed[0]).toEqual({ seq: 1, nodes: [a, node('b')], changes: [] });
    updates.push([{ ...a, lastProbeAt: 5 }]);
    expect(pushed[1]).toEqual({ seq: 2, nodes: [], changes: [{ name: 'a', set: { lastProbeAt: 5 } }] });
    // Probed again with nothing new (the same values in new objects): no push, no number used.
    updates.push([{ ...a, lastProbeAt: 5 }, JSON.parse(JSON.stringify(node('b'))) as NodeStatus]);
    expect(pushed).toHaveLength(2);
    expect(updates.lastSeq).toBe(2);
    // The delta is against the last push, not against the status before it.
    updates.push([{ ...a, lastProbeAt: 8, health: 'degraded' }]);
    expect(pushed[2].changes).toEqual([{ name: 'a', set: { lastProbeAt: 8, health: 'degraded' } }]);
  });

  it('a node that left the inventory and came back is pushed whole again', () => {
    const pushed: NodesUpdate[] = [];
    const updates = new NodeUpdates((u) => pushed.push(u));
    updates.push([node('a')]);
    updates.forget('a');
    updates.push([node('a', { host: '10.0.0.9' })]);
    expect(pushed[1]).toEqual({ seq: 2, nodes: [node('a', { host: '10.0.0.9' })], changes: [] });
  });

  it('clients following from the start and joining late both end with exactly the pushed statuses', () => {
    let seed = 42;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const healths = ['healthy', 'degraded', 'unhealthy', 'unreachable', 'unknown'] as const;
    const current = new Map<string, NodeStatus>();
    for (let i = 0; i < 20; i++) current.set(`n${i}`, node(`n${i}`, { gpus: [gpu(0), gpu(1), gpu(2), gpu(3)] }));

    /** One probe's worth of change to a node: a few fields, GPUs (even their number), or nothing. */
    function probe(s: NodeStatus): NodeStatus {
      const next: NodeStatus = { ...s, lastProbeAt: (s.lastProbeAt ?? 0) + 1000, lastProbeLatencyMs: Math.round(random() * 1000) / 10 };
      if (random() < 0.2) next.health = pick(healths);
      if (random() < 0.2) next.reasons = random() < 0.5 ? [] : [`reason — ${Math.floor(random() * 5)}`];
      if (random() < 0.1) next.lastError = random() < 0.5 ? null : { code: 'PROBE_TIMEOUT', message: 'timed out' };
      if (random() < 0.5) {
        next.gpus = s.gpus.map((g): GpuStatus => (random() < 0.3 ? { ...g, temperatureC: 30 + Math.floor(random() * 60), powerW: random() < 0.1 ? null : 100 + Math.floor(random() * 600) } : g));
      }
      if (random() < 0.05) next.gpus = random() < 0.5 ? next.gpus.slice(0, -1) : [...next.gpus, gpu(next.gpus.length)];
      return next;
    }

    let early: Follower | null = null;
    let late: Follower | null = null;
    const updates = new NodeUpdates((u) => {
      early?.apply(u);
      late?.apply(u);
    });
    early = new Follower(updates.lastSeq, []);
    updates.push([...current.values()]);
    for (let round = 0; round < 1200; round++) {
      const batch = new Set<string>();
      for (let k = Math.floor(random() * 6); k > 0; k--) batch.add(pick([...current.keys()]));
      for (const name of batch) current.set(name, probe(current.get(name) as NodeStatus));
      updates.push([...batch].map((name) => current.get(name) as NodeStatus));
      // Halfway, a client connects: its snapshot is the current statuses and the last push's number.
      if (round === 600) late = new Follower(updates.lastSeq, [...current.values()]);
    }
    expect(updates.lastSeq).toBeGreaterThan(900);
    const expected = Object.fromEntries(current);
    expect(Object.fromEntries(early.statuses)).toEqual(expected);
    expect(Object.fromEntries((late as Follower | null)?.statuses ?? [])).toEqual(expected);
  });
});
