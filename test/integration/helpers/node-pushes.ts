/**
 * Follows a core's `nodes.updated` pushes as a console does: from the statuses and `nodesSeq` of
 * a snapshot, every push applied in order (shared/node-delta.ts). `onStatus` hears each status a
 * push changed, whole; a push out of order, or a change the copy cannot take, is kept in
 * `problems` (a test expects none).
 */
import type { PushEvent } from '../../../shared/contract';
import { applyNodeStatusChange } from '../../../shared/node-delta';
import type { NodeStatus } from '../../../shared/status';

export interface NodePushSource {
  subscribe(listener: (e: PushEvent) => void): () => void;
  monitor: { snapshotNodes(): { nodes: NodeStatus[]; nodesSeq: number } };
}

export interface NodeFollower {
  readonly statuses: Map<string, NodeStatus>;
  readonly problems: string[];
  /** Adds a listener for every status a push changes; returns its removal. */
  onStatus(listener: (status: NodeStatus) => void): () => void;
  stop(): void;
}

export function followNodePushes(core: NodePushSource): NodeFollower {
  const start = core.monitor.snapshotNodes();
  const statuses = new Map(start.nodes.map((n) => [n.name, n]));
  let seq = start.nodesSeq;
  const problems: string[] = [];
  const listeners = new Set<(s: NodeStatus) => void>();
  const tell = (s: NodeStatus) => {
    for (const l of [...listeners]) l(s);
  };
  const stop = core.subscribe((e) => {
    if (e.event !== 'nodes.updated') return;
    if (e.payload.seq !== seq + 1) problems.push(`push ${e.payload.seq} after ${seq}`);
    seq = e.payload.seq;
    for (const change of e.payload.changes) {
      const prev = statuses.get(change.name);
      const next = prev && applyNodeStatusChange(prev, change);
      if (!next) {
        problems.push(`push ${seq}: a change for ${change.name} that does not apply`);
        continue;
      }
      statuses.set(change.name, next);
      tell(next);
    }
    for (const whole of e.payload.nodes) {
      statuses.set(whole.name, whole);
      tell(whole);
    }
  });
  return {
    statuses,
    problems,
    onStatus: (l) => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    stop,
  };
}
