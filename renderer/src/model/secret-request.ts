import type { ReplicaStatus } from '../../../shared/services';

export interface SecretRequest {
  /** The inventory's `auth.secretRef`: the name the value is set under. */
  ref: string;
  /**
   * True when no request went out (the store had no value, or could not read it); false when
   * the replica answered 401/403 to the value it was sent.
   */
  missing: boolean;
}

/**
 * The secret the operator should set for this replica, or null: its last health or completion
 * probe failed with `auth` and the inventory names a secretRef for it (without one there is
 * nothing to set: the inventory needs an `auth` block).
 */
export function secretRequest(r: ReplicaStatus): SecretRequest | null {
  if (r.secretRef === null) return null;
  const failed = [r.lastHealth, r.lastCompletion].filter((p) => p !== null && !p.ok && p.failure === 'auth');
  if (failed.length === 0) return null;
  // An auth failure without an HTTP status is one the prober raised before sending anything.
  return { ref: r.secretRef, missing: failed.some((p) => p?.status === null) };
}
