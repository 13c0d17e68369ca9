/**
 * Fresh verdicts for a replica a runbook waits on (wait.healthy), so a spare that just started is
 * seen healthy within a second or so of being so, not at the next scheduled probe (or after its
 * open circuit's backoff). Bounded: a health check at most once a second; a completion probe —
 * it costs tokens — only once the health check passes and while the last completion did not,
 * at most every few seconds. Nodes are left to their cycle: a probe costs an SSH round.
 */
import type { ReplicaStatus } from '../../../shared/services';
import type { ProbeKind } from '../replica/replica-types';

export const HEALTH_REFRESH_MS = 1000;
export const COMPLETION_REFRESH_MS = 5000;

export interface AwaitedReplicas {
  probeAwaited(name: string, kind: ProbeKind): Promise<void>;
  status(name: string): Pick<ReplicaStatus, 'tokensPerDay' | 'lastHealth' | 'lastCompletion'> | undefined;
}

export function awaitedRefresh(replicas: AwaitedReplicas, now: () => number = Date.now): (kind: 'node' | 'replica', name: string) => Promise<void> {
  const last = new Map<string, { health: number; completion: number }>();
  return async (kind, name) => {
    if (kind !== 'replica') return;
    const at = last.get(name) ?? { health: -Infinity, completion: -Infinity };
    last.set(name, at);
    if (now() - at.health >= HEALTH_REFRESH_MS) {
      at.health = now();
      await replicas.probeAwaited(name, 'health');
    }
    const status = replicas.status(name);
    // tokensPerDay is null exactly when the replica has no completion probe configured.
    const needsCompletion = status !== undefined && status.tokensPerDay !== null && status.lastHealth?.ok === true && status.lastCompletion?.ok !== true;
    if (needsCompletion && now() - at.completion >= COMPLETION_REFRESH_MS) {
      at.completion = now();
      await replicas.probeAwaited(name, 'completion');
    }
  };
}
