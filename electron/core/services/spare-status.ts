/**
 * A spare replica's status (issue 13). A spare is never a problem in itself: out of rotation, it
 * is `healthy` only when its own probes prove it ready (a warm spare), and otherwise `standby` —
 * counted in no unhealthy total, opening no incident — with what is known in its reasons:
 *
 * - warm and its probes pass (sent to it directly, not through the frontend): warm;
 * - warm and they do not (or none answered yet): "warm (unverified)", which counts as cold;
 * - cold: its probes are not sent (its service is stopped on purpose); its unit's state is asked
 *   of its node instead, and a unit found running is probed like a warm one (it was started).
 *
 * In rotation (HAProxy lets it take sessions) a spare serves: its health is its probes' own, as
 * any active replica's, because then a failure is a real one.
 */
import type { SpareView, UnitState } from '../../../shared/capacity';
import type { ReplicaStatus } from '../../../shared/services';
import type { ResolvedSpare } from '../inventory/resolve-services';

export interface SpareFacts {
  inRotation: boolean;
  /** What `systemctl is-active` said last (null: not asked). */
  unitState: UnitState | null;
  /** Why the unit could not be asked (SSH failed), when it could not. */
  unitError: string | null;
}

export function withSpare(status: ReplicaStatus, spare: ResolvedSpare, facts: SpareFacts): ReplicaStatus {
  const view = (readiness: SpareView['readiness'], reason: string | null): SpareView => ({
    mode: spare.mode,
    readiness,
    reason,
    startupSeconds: spare.startupSeconds,
    unit: spare.unit,
    unitState: facts.unitState,
    inRotation: facts.inRotation,
    replaces: spare.replaces,
  });
  if (facts.inRotation) return { ...status, spare: view(status.health === 'healthy' ? 'warm' : 'warm-unverified', null) };
  if (status.health === 'healthy') return { ...status, spare: view('warm', null) };

  const probed = status.lastHealth !== null || status.lastCompletion !== null;
  if (spare.mode === 'warm' || facts.unitState === 'active') {
    const why = !probed ? 'not probed yet' : status.reasons.length ? status.reasons.join('; ') : status.health;
    const reason = spare.mode === 'warm' ? why : `${spare.unit} is running but not ready: ${why}`;
    return { ...status, health: 'standby', reasons: [`${spare.mode === 'warm' ? 'warm (unverified)' : 'spare (cold)'}: ${reason}`], spare: view(spare.mode === 'warm' ? 'warm-unverified' : 'cold', reason) };
  }
  const reason = unitText(spare.unit, facts);
  return { ...status, health: 'standby', reasons: [`spare (cold): ${reason}`], spare: view('cold', reason) };
}

function unitText(unit: string, facts: SpareFacts): string {
  if (facts.unitError !== null) return `${unit} not checked: ${facts.unitError}`;
  if (facts.unitState === null) return `${unit} not checked yet`;
  if (facts.unitState === 'failed') return `${unit} failed (systemctl is-active): it will not start cleanly as it is`;
  return `${unit} ${facts.unitState}`;
}

/** `systemctl is-active`'s first word (it exits non-zero for anything but active, so the code says nothing more). */
export function parseUnitState(stdout: string): UnitState {
  const word = stdout.trim().split(/\s+/)[0] ?? '';
  return word === 'active' || word === 'inactive' || word === 'failed' || word === 'activating' || word === 'deactivating' ? word : 'unknown';
}
