/**
 * The step executor's LabFaultPort: on a lab running in this process (`serve --lab`, tests) node
 * faults go through the lab fleet and replica faults through its services; on a lab running in
 * another process (`fleetops lab`, watched by `fleetops drill run` or a second console) both go
 * through its control API (lab-control.ts). The lab's own checks answer either way (an unknown
 * node or GPU is NOT_FOUND), so a lab step fails as the lab panel would.
 */
import { FleetError } from '../../../shared/errors';
import type { LabFaultTarget } from '../../../shared/runbook';
import { labControlClient } from '../lab/lab-control-client';
import type { LabFleet } from '../lab/lab-fleet';
import type { LabServices } from '../lab/lab-services';
import type { LabFaultPort } from '../runbook-exec/step-actions';

export function inProcessLabFaults(lab: Pick<LabFleet, 'dir' | 'inject' | 'clear'>, services: Pick<LabServices, 'setReplicaFault'> | null): LabFaultPort {
  const replicas = (f: Extract<LabFaultTarget, { on: 'replica' }>) => {
    if (!services) throw new FleetError('BAD_REQUEST', `the lab in ${lab.dir} runs no replicas, so replica ${f.replica} cannot take a fault`, { subject: f.replica });
    return services;
  };
  return {
    dir: lab.dir,
    async inject(f) {
      if (f.on === 'node') lab.inject({ node: f.node, kind: f.kind, ...(f.gpuIndex === undefined ? {} : { gpuIndex: f.gpuIndex }) });
      else await replicas(f).setReplicaFault(f.replica, f.kind, { retryAfterSeconds: f.retryAfterSeconds, slowMs: f.slowMs });
    },
    async clear(f) {
      if (f.on === 'node') lab.clear(f.node, f.kind);
      else await replicas(f).setReplicaFault(f.replica, null);
    },
  };
}

/** A lab in another process, through its control API (DIR/lab.json); LAB_NOT_RUNNING when it is not running. */
export function remoteLabFaults(dir: string): LabFaultPort {
  const client = labControlClient(dir);
  return {
    dir,
    async inject(f) {
      if (f.on === 'node') await client.inject({ node: f.node, kind: f.kind, ...(f.gpuIndex === undefined ? {} : { gpuIndex: f.gpuIndex }) });
      else await client.injectReplica({ replica: f.replica, kind: f.kind, ...(f.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: f.retryAfterSeconds }), ...(f.slowMs === undefined ? {} : { slowMs: f.slowMs }) });
    },
    async clear(f) {
      if (f.on === 'node') await client.clear(f.node, f.kind);
      else await client.clearReplica(f.replica);
    },
  };
}
