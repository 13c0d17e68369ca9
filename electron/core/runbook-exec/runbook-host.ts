/**
 * What runbooks need from the engine that composes them, and nothing more: the audit log, the
 * push bus, the coordination rows and the change gate, the SSH pool, and the live views of
 * nodes, replicas, load balancers and availability. FleetCore provides it; runbooks do not
 * import the core back.
 */
import type { AuditLog } from '../audit/audit-log';
import type { EventBus } from '../fleet/event-bus';
import type { FleetMonitor } from '../fleet/monitor';
import type { ChangeGate } from '../gate/change-gate';
import type { Coordination } from '../locks/coordination';
import type { AvailabilityMonitor } from '../services/availability-monitor';
import type { LbMonitor } from '../services/lb-monitor';
import type { ReplicaMonitor } from '../services/replica-monitor';
import type { SshPool } from '../ssh/pool';
import type { SlurmLookup } from '../runbooks/plan-context';
import type { SlurmActions } from './slurm-step-actions';
import type { LabFaultPort } from './step-actions';

export interface RunbookHost {
  readonly store: { readonly audit: AuditLog };
  readonly bus: Pick<EventBus, 'emit'>;
  readonly coordination: Pick<Coordination, 'db' | 'owner' | 'locks'>;
  readonly gate: ChangeGate;
  readonly pool: SshPool;
  /** The lab's fault switches (lab.fault / lab.clear steps of drills) when this console runs a lab. */
  readonly labFaults?: LabFaultPort | null;
  /** The training clusters' Slurm (slurm.* steps): how a plan reaches it, and the steps' changes. */
  readonly slurm?: { route: SlurmLookup; actions: SlurmActions; readNow(): Promise<void> } | null;
  readonly monitor: Pick<FleetMonitor, 'status'>;
  readonly services: {
    readonly availability: Pick<AvailabilityMonitor, 'publishNow' | 'services'>;
    readonly loadBalancers: Pick<LbMonitor, 'poll' | 'statuses'>;
    readonly replicas: Pick<ReplicaMonitor, 'probeNow' | 'status' | 'probeAwaited'>;
  };
}
