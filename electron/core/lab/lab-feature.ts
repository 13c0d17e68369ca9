/**
 * The lab as a feature (serve --lab): injecting and clearing faults on the simulated nodes,
 * replicas and training jobs' checkpoint writers, the traffic generator's rate, pushes of the lab's state, and the generated
 * requests counted toward the service behind their frontend. Without a lab every lab.* method
 * except lab.status answers LAB_NOT_RUNNING.
 */
import type { LabInfo } from '../../../shared/status';
import { FleetError } from '../../../shared/errors';
import type { CoreFeature, FeatureDefinition, PushSource } from '../feature';
import type { AvailabilityMonitor } from '../services/availability-monitor';
import type { AppendEventInput } from '../store/event-log';
import type { LabFleet } from './lab-fleet';
import type { LabServices } from './lab-services';

export const LAB: FeatureDefinition = { name: 'lab', migrations: [] };

export interface LabNeeds {
  lab: LabFleet | null;
  labServices: LabServices | null;
  /** Where the lab's generated requests are counted. */
  availability: Pick<AvailabilityMonitor, 'serviceForFrontend' | 'record'>;
  record: (e: AppendEventInput) => void;
  now: () => number;
}

type LabMethod = 'lab.status' | 'lab.injectFault' | 'lab.clearFault' | 'lab.jobFault' | 'lab.replicaFault' | 'lab.traffic';

export function labFeature(needs: LabNeeds): CoreFeature<LabMethod> {
  const { lab, labServices, record, now } = needs;
  const requireLab = (): LabFleet => {
    if (!lab) throw new FleetError('LAB_NOT_RUNNING', 'no lab fleet runs in this console (start it with `fleetops serve --lab`)');
    return lab;
  };
  const requireLabServices = (): LabServices => {
    if (!labServices) throw new FleetError('LAB_NOT_RUNNING', 'no lab replicas run in this console (start it with `fleetops serve --lab`)');
    return labServices;
  };
  const recordFault = (kind: string, message: string, node: string, info: LabInfo): void =>
    record({ ts: now(), kind, subject: node, severity: 'info', message, data: { faults: info.faults } });

  const pushes: PushSource[] = [];
  if (lab) pushes.push((push) => lab.onChange((info) => push('lab.changed', info)));
  if (labServices) {
    pushes.push((push) => labServices.onChange((info) => push('labServices.changed', info)));
    // The lab's users: every generated request counts toward the service behind that frontend.
    pushes.push(() =>
      labServices.onTrafficOutcome((o, frontend) => {
        const service = needs.availability.serviceForFrontend(frontend);
        if (service) needs.availability.record(service, o.ok, o.latencyMs, o.at);
      }),
    );
  }

  return {
    ...LAB,
    pushes,
    handlers: {
      'lab.status': async () => (lab ? lab.info() : null),
      'lab.injectFault': async (fault) => {
        const info = requireLab().inject(fault);
        recordFault('lab.fault.injected', `lab: injected ${fault.kind} on ${fault.node}${fault.gpuIndex !== undefined ? ` GPU ${fault.gpuIndex}` : ''}`, fault.node, info);
        return info;
      },
      'lab.clearFault': async ({ node, kind }) => {
        const info = requireLab().clear(node, kind);
        recordFault('lab.fault.cleared', `lab: cleared ${kind ?? 'all faults'} on ${node}`, node, info);
        return info;
      },
      'lab.jobFault': async ({ job, kind, active }) => {
        const info = await requireLab().setJobFault(job, kind, active);
        record({ ts: now(), kind: active ? 'lab.job.fault' : 'lab.job.cleared', subject: job, severity: 'info', message: `lab: ${active ? 'injected' : 'cleared'} ${kind} on training job ${job}'s checkpoint writer`, data: { jobs: info.training?.jobs.map((j) => ({ name: j.name, faults: j.faults })) ?? [] } });
        return info;
      },
      'lab.replicaFault': async ({ replica, kind, retryAfterSeconds, slowMs }) => {
        const info = await requireLabServices().setReplicaFault(replica, kind, { retryAfterSeconds, slowMs });
        record({ ts: now(), kind: kind ? 'lab.replica.fault' : 'lab.replica.cleared', subject: replica, severity: 'info', message: kind ? `lab: ${kind} on replica ${replica}` : `lab: cleared replica ${replica}` });
        return info;
      },
      'lab.traffic': async ({ ratePerSecond }) => {
        const info = await requireLabServices().setTrafficRate(ratePerSecond);
        record({ ts: now(), kind: 'lab.traffic', subject: null, severity: 'info', message: ratePerSecond > 0 ? `lab: traffic generator at ${ratePerSecond} req/s` : 'lab: traffic generator stopped' });
        return info;
      },
    },
  };
}
