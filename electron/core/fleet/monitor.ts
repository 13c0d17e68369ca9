/**
 * Watches every node of the inventory: schedules probes, folds verdicts through the rise/fall
 * state machine, records each state change and new XID in the event store, and pushes the
 * changed node statuses to clients in batches (one message per flush, not one per probe, so
 * 1,000 nodes do not flood the renderer), each node as what changed since its last push
 * (node-updates.ts).
 */
import type { ResolvedNode } from '../../../shared/inventory';
import { nodeSummary } from '../../../shared/node-summary';
import type { NodeStatus, NodeSummary } from '../../../shared/status';
import { applyVerdict } from '../health/state-machine';
import { ProbeScheduler, realTimers, type Timers } from '../probe/scheduler';
import type { HistorySink } from '../history/history-sink';
import type { SshPool } from '../ssh/pool';
import type { AppendEventInput } from '../store/open-store';
import { mapLimit } from '../util/map-limit';
import { BatchedPublisher } from './batched-publisher';
import { newRecord, spareVerdict, statusAfterProbe, withInventoryNode, type NodeRecord } from './node-record';
import { NodeUpdates, type NodesUpdate } from './node-updates';
import { probeNode, type NodeProbeResult } from './probe-node';

export interface MonitorDeps {
  pool: SshPool;
  appendEvent: (e: AppendEventInput) => void;
  /** A `nodes.updated` push: the statuses that changed since the last one, numbered. */
  publishNodes: (update: NodesUpdate) => void;
  timers?: Timers;
  /** Probes in flight at once, fleet-wide. */
  concurrency?: number;
  /** How often changed statuses are pushed. */
  flushMs?: number;
  onDrift?: (ms: number) => void;
  onProbe?: (node: string, result: NodeProbeResult) => void;
  /** Keeps every probe's reading (latency, outcome, health, GPUs) for the history plots. */
  history?: Pick<HistorySink, 'recordNodeProbe'>;
}

export class FleetMonitor {
  private readonly records = new Map<string, NodeRecord>();
  private readonly scheduler: ProbeScheduler;
  private readonly publisher: BatchedPublisher<NodeStatus>;
  private readonly updates: NodeUpdates;
  private readonly timers: Timers;

  constructor(private readonly deps: MonitorDeps) {
    this.timers = deps.timers ?? realTimers;
    this.updates = new NodeUpdates(deps.publishNodes);
    this.publisher = new BatchedPublisher(this.timers, (name) => this.records.get(name)?.status, (statuses) => this.updates.push(statuses), deps.flushMs);
    this.scheduler = new ProbeScheduler({
      concurrency: deps.concurrency ?? 64,
      timers: this.timers,
      run: (name) => this.probe(name),
      onStart: (_k, drift) => deps.onDrift?.(drift),
    });
  }

  setNodes(nodes: ResolvedNode[]): void {
    const names = new Set(nodes.map((n) => n.name));
    for (const name of [...this.records.keys()]) {
      if (!names.has(name)) {
        this.records.delete(name);
        this.updates.forget(name);
        this.deps.pool.close(name);
      }
    }
    for (const node of nodes) {
      const existing = this.records.get(node.name);
      if (!existing) {
        this.records.set(node.name, newRecord(node));
      } else {
        if (connectionChanged(existing.node, node)) this.deps.pool.close(node.name);
        this.records.set(node.name, withInventoryNode(existing, node));
      }
      // A new node is pushed whole, a moved one (region, host…) as what moved: with the next
      // flush, not only with its next probe, so no client keeps the old values until then.
      this.publisher.mark(node.name);
    }
    this.scheduler.setSubjects(nodes.map((n) => ({ key: n.name, intervalMs: n.probe.intervalSeconds * 1000 })));
  }

  start(): void {
    this.publisher.paused = false;
    this.scheduler.start();
  }

  stop(): void {
    this.scheduler.stop();
    this.publisher.stop();
  }

  statuses(): NodeStatus[] {
    return [...this.records.values()].map((r) => r.status);
  }

  /**
   * The statuses for a snapshot, with the `seq` of the last push they include: what is waiting
   * for the next flush is pushed first, so the statuses are the current ones and exactly what
   * every client's copy becomes once it has the pushes up to that `seq`.
   */
  snapshotNodes(): { nodes: NodeStatus[]; nodesSeq: number } {
    this.publisher.flush();
    return { nodes: this.statuses(), nodesSeq: this.updates.lastSeq };
  }

  /** The same with each node's summary (its GPUs' faces: what `fleet.snapshot` carries). */
  snapshotSummaries(): { nodes: NodeSummary[]; nodesSeq: number } {
    const { nodes, nodesSeq } = this.snapshotNodes();
    return { nodes: nodes.map(nodeSummary), nodesSeq };
  }

  status(name: string): NodeStatus | undefined {
    return this.records.get(name)?.status;
  }

  node(name: string): ResolvedNode | undefined {
    return this.records.get(name)?.node;
  }

  /**
   * Probes every node once, now, through the same path as scheduled probes (state machine,
   * events, pushes). Used by the benchmark to time whole rounds; resolves when all are done.
   */
  async probeAllOnce(concurrency = this.deps.concurrency ?? 64): Promise<void> {
    await mapLimit([...this.records.keys()], concurrency, (name) => this.probe(name));
    this.publisher.flush();
  }

  probeSoon(name: string): void {
    this.scheduler.runSoon(name);
  }

  private async probe(name: string): Promise<void> {
    const record = this.records.get(name);
    if (!record) return;
    const result = await probeNode(this.deps.pool, record.node, record.dialect, this.timers.now);
    // The node may have left (or changed in) the inventory while its probe was in flight.
    const current = this.records.get(name);
    if (!current) return;
    this.deps.onProbe?.(name, result);
    const verdict = spareVerdict(current.node, { health: result.health, reasons: result.reasons });
    const { state, transition } = applyVerdict(
      current.state,
      { health: verdict.health, reasons: verdict.reasons },
      current.node.probe,
      result.at,
    );
    current.state = state;
    current.status = statusAfterProbe(current, result);
    this.deps.history?.recordNodeProbe(name, { at: result.at, latencyMs: result.latencyMs, error: result.error, health: state.health, gpus: result.gpus });
    if (transition && transition.from !== transition.to) {
      this.deps.appendEvent({
        ts: result.at,
        kind: 'node.health',
        subject: name,
        severity: transition.to === 'healthy' || verdict.spare ? 'info' : transition.to === 'degraded' || transition.to === 'unknown' ? 'warning' : 'error',
        message: `${name}: ${transition.from} → ${transition.to}${transition.reasons.length ? `: ${transition.reasons.join('; ')}` : ''}`,
        data: { from: transition.from, to: transition.to, reasons: transition.reasons, error: result.error },
      });
    }
    this.recordNewXids(current, result);
    this.publisher.mark(name);
  }

  private recordNewXids(record: NodeRecord, result: NodeProbeResult): void {
    for (const x of result.xids) {
      const key = `${x.busId}/${x.code}/${x.uptimeSeconds}`;
      if (record.seenXids.has(key)) continue;
      record.seenXids.add(key);
      this.deps.appendEvent({
        ts: result.at,
        kind: 'node.xid',
        subject: record.node.name,
        severity: x.severity === 'unhealthy' ? 'error' : 'warning',
        message: `${record.node.name}: XID ${x.code} on ${x.busId}: ${x.meaning} (${x.action})`,
        data: x,
      });
    }
  }
}

function connectionChanged(a: ResolvedNode, b: ResolvedNode): boolean {
  return (
    a.host !== b.host ||
    a.port !== b.port ||
    a.user !== b.user ||
    a.identityFile !== b.identityFile ||
    a.knownHostsFile !== b.knownHostsFile ||
    a.agent !== b.agent ||
    JSON.stringify(a.jump) !== JSON.stringify(b.jump)
  );
}
