/**
 * The fault library: each kind's inject and restore, rendered as the runbook engine's planned
 * actions for the chosen targets — ssh.run for service faults, lb.set-state / lb.set-weight for
 * load-balancer faults, lab.fault / lab.clear for the lab's — so a dry run shows exactly what
 * will be sent and the runbook executor (through the change gate) sends it.
 */
import { isLabFault, type ChosenTarget, type DrillFault } from '../../../shared/drill';
import { parseDurationMs } from '../../../shared/drill-schedule';
import { FleetError } from '../../../shared/errors';
import type { LabFaultTarget, PlannedAction } from '../../../shared/runbook';
import type { LabReplicaFaultKind } from '../../../shared/services';
import type { FleetView } from '../runbooks/plan-context';
import type { LbReader } from './drill-inputs';
import { DEFAULT_FREEZE_TIMEOUT_SECONDS, DEFAULT_STOP_TIMEOUT_SECONDS, DEFAULT_UNIT, sshCommand } from './fault-commands';
import { affectedNodes, affectedReplicas, replicasOnNodes, servingServers } from './fault-subjects';

/** One fault step: what injects it, what restores it, and what it touches. */
export interface FaultStep {
  title: string;
  action: PlannedAction;
  restoreTitle: string;
  restore: PlannedAction;
  /** Subjects the step changes: locked while the drill runs, highlighted in the preview. */
  targets: string[];
  /** Replicas the fault takes out of service: how the capacity check models it. */
  outOfService: string[];
}

export interface FaultContext {
  fleet: FleetView;
  /** The lab the inventory belongs to; lab faults are refused without one. */
  labDir: string | null;
  /** HAProxy's state and weight now: what the load-balancer faults' restores put back. */
  lbServer?: LbReader;
}

/** The fault with every default filled in, as the plan records it. */
export function resolveFault(f: DrillFault): DrillFault {
  if (f.kind === 'stop-service') return { kind: f.kind, unit: f.unit ?? DEFAULT_UNIT, timeout: f.timeout ?? `${DEFAULT_STOP_TIMEOUT_SECONDS}s` };
  if (f.kind === 'freeze') return { kind: f.kind, unit: f.unit ?? DEFAULT_UNIT, timeout: f.timeout ?? `${DEFAULT_FREEZE_TIMEOUT_SECONDS}s` };
  if (f.kind === 'gpu-lost' || f.kind === 'gpu-missing' || f.kind === 'ecc-uncorrectable' || f.kind === 'xid-79' || f.kind === 'thermal-slowdown') return { kind: f.kind, gpu: f.gpu ?? 0 };
  if (f.kind === 'replica-rate-limit') return { kind: f.kind, retryAfterSeconds: f.retryAfterSeconds ?? 30 };
  if (f.kind === 'replica-slow') return { kind: f.kind, slowMs: f.slowMs ?? 3000 };
  return f;
}

/** Renders `fault` (its defaults filled in) against `targets`, one step per subject it changes, in inventory order. */
export function renderFault(given: DrillFault, targets: readonly ChosenTarget[], ctx: FaultContext): FaultStep[] {
  const { fleet } = ctx;
  const fault = resolveFault(given);
  // Refused before anything else is looked at: a lab fault has no meaning on a real fleet.
  const lab = isLabFault(fault.kind) ? needLab(ctx, fault.kind) : '';
  switch (fault.kind) {
    case 'stop-service':
    case 'freeze': {
      const unit = fault.unit!;
      // resolveFault filled in the timeout, and the schema made it a duration.
      const timeout = parseDurationMs(fault.timeout!)!;
      const stop = fault.kind === 'stop-service';
      return serviceNodes(targets, fleet).map((node) => {
        const serves = replicasOnNodes(fleet, [node]);
        const on = `${node}${serves.length ? ` (serves ${serves.join(', ')})` : ''}`;
        return {
          title: stop ? `Stop ${unit} on ${on}` : `Freeze ${unit}'s main process on ${on} with SIGSTOP`,
          action: sshCommand(node, stop ? 'stop-service' : 'freeze-service', unit, timeout / 1000),
          restoreTitle: stop ? `Start ${unit} on ${node}` : `Thaw ${unit}'s main process on ${node} with SIGCONT`,
          restore: sshCommand(node, stop ? 'start-service' : 'thaw-service', unit, timeout / 1000),
          targets: [node, ...serves],
          outOfService: serves,
        };
      });
    }
    case 'lb-maint':
    case 'lb-weight-zero':
      return lbSteps(fault.kind, targets, ctx);
    case 'region-down': {
      const region = targets[0]!.name;
      const nodes = fleet.inventory.nodes.filter((n) => n.region === region).map((n) => n.name);
      const replicas = fleet.inventory.replicas.filter((r) => r.region === region).map((r) => r.name);
      return [
        ...nodes.map((node) => labStep(lab, { on: 'node', node, kind: 'node-unreachable' }, replicasOnNodes(fleet, [node]))),
        ...replicas.map((replica) => labStep(lab, { on: 'replica', replica, kind: 'down' }, [replica])),
      ];
    }
    case 'replica-down':
    case 'replica-slow':
    case 'replica-rate-limit':
    case 'replica-http-500':
    case 'replica-wrong-answer':
    case 'replica-model-load-failed': {
      const replicas = affectedReplicas(targets, fleet);
      if (replicas.length === 0) throw new FleetError('BAD_REQUEST', `${fault.kind}: ${names(targets)} hosts no replica to inject it into`);
      const kind = fault.kind.slice('replica-'.length) as LabReplicaFaultKind;
      const options = fault.kind === 'replica-slow' ? { slowMs: fault.slowMs } : fault.kind === 'replica-rate-limit' ? { retryAfterSeconds: fault.retryAfterSeconds } : {};
      return replicas.map((replica) => labStep(lab, { on: 'replica', replica, kind, ...options }, [replica]));
    }
    default: {
      // The lab's node faults: GPU ones on one GPU (default 0), the others on the whole node.
      const gpu = 'gpu' in fault ? (fault.gpu ?? 0) : undefined;
      return affectedNodes(targets, fleet).map((node) => {
        if (gpu !== undefined && gpu >= (fleet.node(node)?.gpus.count ?? 0)) {
          throw new FleetError('BAD_REQUEST', `${fault.kind}: node ${node} has no GPU ${gpu} (it has ${fleet.node(node)?.gpus.count ?? 0})`, { subject: node });
        }
        return labStep(lab, { on: 'node', node, kind: fault.kind, ...(gpu === undefined ? {} : { gpuIndex: gpu }) }, replicasOnNodes(fleet, [node]));
      });
    }
  }
}

/** Nodes whose unit the service faults stop or freeze: a replica's node, the node, the region's replica nodes. */
function serviceNodes(targets: readonly ChosenTarget[], fleet: FleetView): string[] {
  const out: string[] = [];
  for (const t of targets) {
    const nodes = t.kind === 'node' ? [t.name] : affectedReplicas([t], fleet).map((r) => fleet.replica(r)?.node ?? null);
    if (nodes.length === 0 || nodes.includes(null)) {
      throw new FleetError('BAD_REQUEST', `${t.kind} ${t.name}: ${t.kind === 'replica' ? 'runs on no inventory node (an external provider?)' : 'has no replica on an inventory node'}, so there is no service to reach over SSH`, { subject: t.name });
    }
    for (const n of nodes) if (n !== null && !out.includes(n)) out.push(n);
  }
  return out;
}

/** maint / weight 0 on every backend each serving server is in; the restore puts back the state or weight HAProxy has now. */
function lbSteps(kind: 'lb-maint' | 'lb-weight-zero', targets: readonly ChosenTarget[], ctx: FaultContext): FaultStep[] {
  const servers = servingServers(targets, ctx.fleet);
  if (servers.length === 0) throw new FleetError('BAD_REQUEST', `${kind}: ${names(targets)} is no server of any load-balancer backend`);
  return servers.flatMap((server) =>
    ctx.fleet.placements(server).map((p): FaultStep => {
      const lb = p.lb.name;
      const at = `${p.backend}/${server}`;
      const now = ctx.lbServer?.(lb, p.backend, server) ?? null;
      if (now === null) {
        throw new FleetError('BAD_REQUEST', `${kind} on ${at} would restore its ${kind === 'lb-maint' ? 'state' : 'weight'} afterwards, but ${lb} did not say what it is now (is the load balancer reachable?); plan again once it answers`, { subject: server });
      }
      const common = { loadBalancer: lb, backend: p.backend, server };
      if (kind === 'lb-maint') {
        return {
          title: `Put ${at} in maintenance on ${lb}`,
          action: { type: 'lb.set-state', ...common, state: 'maint', command: `set server ${at} state maint` },
          restoreTitle: `Return ${at} to ${now.state} on ${lb}`,
          restore: { type: 'lb.set-state', ...common, state: now.state, command: `set server ${at} state ${now.state}` },
          targets: [server],
          outOfService: [server],
        };
      }
      return {
        title: `Set the weight of ${at} to 0 on ${lb}`,
        action: { type: 'lb.set-weight', ...common, weight: 0, command: `set weight ${at} 0` },
        restoreTitle: `Restore the weight of ${at} to ${now.weight} on ${lb}`,
        restore: { type: 'lb.set-weight', ...common, weight: now.weight, command: `set weight ${at} ${now.weight}` },
        targets: [server],
        outOfService: [server],
      };
    }),
  );
}

function labStep(lab: string, fault: LabFaultTarget, outOfService: string[]): FaultStep {
  const subject = fault.on === 'node' ? fault.node : fault.replica;
  const gpu = fault.on === 'node' && fault.gpuIndex !== undefined ? `, GPU ${fault.gpuIndex}` : '';
  return {
    title: `Inject ${fault.kind} into ${fault.on} ${subject}${gpu}`,
    action: { type: 'lab.fault', lab, fault },
    restoreTitle: `Clear ${fault.kind} from ${fault.on} ${subject}`,
    restore: { type: 'lab.clear', lab, fault },
    targets: [subject],
    outOfService,
  };
}

function needLab(ctx: FaultContext, kind: string): string {
  if (ctx.labDir === null) {
    throw new FleetError('BAD_REQUEST', `fault ${kind} is one of the lab's: it can only be injected into a fleetops lab, and this inventory is not a lab's (fleet.yaml beside fleetops-lab.json); on a real fleet use stop-service, freeze, lb-maint or lb-weight-zero`);
  }
  return ctx.labDir;
}

function names(targets: readonly ChosenTarget[]): string {
  return targets.map((t) => `${t.kind} ${t.name}`).join(', ');
}
