/**
 * Runbook steps through the change gate: every step that changes something (and every undo)
 * is checked — read-only (not for undos: a rollback puts things back), the run still holding
 * the subject — and audited with its run, step, command, and for load balancer steps HAProxy's
 * own setting before and after. The typed confirmation was given for the whole run at its start.
 */
import type { PlannedAction } from '../../../shared/runbook';
import { describeAction } from '../../../shared/runbook-text';
import type { HaproxyRuntime } from '../haproxy';
import type { LoadedInventory } from '../inventory/load-inventory';
import type { StepActions } from '../runbook-exec/step-actions';
import type { ChangeGate } from './change-gate';
import { settingOf } from './lb-changes';

export interface GatedStepDeps {
  gate: ChangeGate;
  inventory: () => LoadedInventory;
  runtimeFor: (loadBalancer: string) => HaproxyRuntime;
}

export function gatedStepActions(inner: StepActions, deps: GatedStepDeps): StepActions {
  return {
    async run(action, signal, ctx) {
      if (!ctx || !ctx.mutating) return inner.run(action, signal, ctx);
      const scope = scopeOf(action, deps.inventory());
      const read = lbReader(action, deps);
      const outcome = await deps.gate.change({
        action: action.type,
        subject: scope.subject,
        command: commandOf(action),
        clusters: scope.clusters,
        actor: { origin: 'runbook', run: ctx.runId, step: ctx.stepIndex },
        confirmation: 'given',
        lock: { heldBy: ctx.runId, subjects: scope.locks },
        restoring: ctx.phase === 'undo',
        before: read,
        apply: () => inner.run(action, signal, ctx),
        after: read,
        detail: { phase: ctx.phase },
      });
      return outcome.result;
    },
  };
}

/** What a step changes: the audit subject, the clusters (read-only) and the subjects its run must hold. */
function scopeOf(a: PlannedAction, inv: LoadedInventory): { subject: string; clusters: string[]; locks: string[] } {
  if (a.type === 'lb.set-state' || a.type === 'lb.set-weight') {
    const c = inv.replicas.find((r) => r.name === a.server)?.cluster;
    return { subject: `${a.loadBalancer}/${a.backend}/${a.server}`, clusters: c ? [c] : [], locks: [a.server] };
  }
  if (a.type === 'ssh.run') {
    const c = inv.nodes.find((n) => n.name === a.node)?.cluster;
    return { subject: a.node, clusters: c ? [c] : [], locks: [a.node] };
  }
  if (a.type === 'slurm.drain' || a.type === 'slurm.resume' || a.type === 'slurm.requeue') {
    return { subject: a.node, clusters: [a.cluster], locks: [a.node] };
  }
  if (a.type === 'lab.fault' || a.type === 'lab.clear') {
    // A lab fault changes a lab node or replica: judged on its cluster, held by the run like any other.
    const subject = a.fault.on === 'node' ? a.fault.node : a.fault.replica;
    const c = a.fault.on === 'node' ? inv.nodes.find((n) => n.name === subject)?.cluster : inv.replicas.find((r) => r.name === subject)?.cluster;
    return { subject, clusters: c ? [c] : [], locks: [subject] };
  }
  return { subject: a.type, clusters: [], locks: [] };
}

function commandOf(a: PlannedAction): string {
  if (a.type === 'lb.set-state' || a.type === 'lb.set-weight') return a.command;
  if (a.type === 'ssh.run') return a.commandLine;
  if (a.type === 'slurm.drain' || a.type === 'slurm.resume' || a.type === 'slurm.requeue') return describeAction(a);
  if (a.type === 'lab.fault' || a.type === 'lab.clear') return describeAction(a);
  return a.type;
}

/** For LB steps: HAProxy's setting of the server (state and user weight), read before and after. */
function lbReader(a: PlannedAction, deps: GatedStepDeps): (() => Promise<unknown>) | undefined {
  if (a.type !== 'lb.set-state' && a.type !== 'lb.set-weight') return undefined;
  return async () => {
    const row = (await deps.runtimeFor(a.loadBalancer).showServersState(a.backend)).find((r) => r.server === a.server);
    return row ? settingOf(row) : null;
  };
}
