/**
 * Turns batches of changed node statuses into `nodes.updated` pushes: a node pushed for the
 * first time goes whole, every later one as what changed since its last push
 * (shared/node-delta.ts), and each push gets the next `seq`. The statuses last pushed are the
 * base every client's copy is built on (a snapshot says up to which `seq` it holds), so a
 * client that has seen every push since its snapshot holds exactly what the engine pushed.
 */
import type { PushEventPayload } from '../../../shared/contract';
import { diffNodeStatus } from '../../../shared/node-delta';
import type { NodeStatus } from '../../../shared/status';

export type NodesUpdate = PushEventPayload<'nodes.updated'>;

export class NodeUpdates {
  /** Each node's status as last pushed (statuses are never changed in place: a new one is a new object). */
  private readonly published = new Map<string, NodeStatus>();
  private seq = 0;

  constructor(private readonly publish: (update: NodesUpdate) => void) {}

  /** The `seq` of the last push (0 before the first). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Pushes what changed in `statuses` since each one's last push; nothing when nothing did. */
  push(statuses: readonly NodeStatus[]): void {
    const nodes: NodeStatus[] = [];
    const changes: NodesUpdate['changes'] = [];
    for (const status of statuses) {
      const prev = this.published.get(status.name);
      if (prev === undefined) {
        nodes.push(status);
      } else {
        const change = diffNodeStatus(prev, status);
        if (change === null) continue;
        changes.push(change);
      }
      this.published.set(status.name, status);
    }
    if (nodes.length === 0 && changes.length === 0) return;
    this.seq += 1;
    this.publish({ seq: this.seq, nodes, changes });
  }

  /** A node left the inventory: if it comes back, it is pushed whole. */
  forget(name: string): void {
    this.published.delete(name);
  }
}
