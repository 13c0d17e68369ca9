/**
 * One scheduled probe of one replica: ask the gate, send the probe only if it allows, fold the
 * outcome into the state. This is where "no probe before Retry-After has passed" is enforced,
 * so a scheduler (or an operator's "probe now") cannot bypass it.
 */
import { probeReplica, type ProbeDeps } from './replica-prober';
import type { ReplicaState } from './replica-state';
import type { ProbeKind, ReplicaProbeOutcome, ReplicaSpec } from './replica-types';

export type ProbeCycleResult = { sent: true; outcome: ReplicaProbeOutcome } | { sent: false; until: number; reason: string };

export async function runReplicaProbe(spec: ReplicaSpec, kind: ProbeKind, state: ReplicaState, deps: ProbeDeps): Promise<ProbeCycleResult> {
  const gate = state.gate(kind);
  if (!gate.allowed) return { sent: false, until: gate.until, reason: gate.reason };
  const outcome = await probeReplica(spec, kind, deps);
  state.record(outcome);
  return { sent: true, outcome };
}
