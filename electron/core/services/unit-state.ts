/**
 * A cold spare's one check besides its node: `systemctl is-active UNIT` on the node it runs on,
 * over the console's SSH pool (the engine's monitor and `fleetops check` alike).
 */
import type { UnitState } from '../../../shared/capacity';
import { toErrorData } from '../../../shared/errors';
import type { ResolvedNode } from '../../../shared/inventory';
import { sshTargetFor } from '../fleet/probe-node';
import { DEFAULT_SPARE_UNIT, type ResolvedReplica } from '../inventory/resolve-services';
import type { SshPool } from '../ssh/pool';
import { parseUnitState } from './spare-status';

/** `systemctl is-active` answers at once; a node that does not within this is not answering. */
const UNIT_TIMEOUT_MS = 10_000;

/** `systemctl is-active UNIT` on a replica's node over `pool` (a cold spare's check). */
export function unitStateOver(pool: SshPool, nodeOf: (name: string) => ResolvedNode | undefined): (r: ResolvedReplica) => Promise<{ state: UnitState; error: string | null }> {
  return async (r) => {
    const node = r.node === null ? undefined : nodeOf(r.node);
    if (!node) return { state: 'unknown', error: 'it runs on no inventory node' };
    try {
      const out = await pool.exec(sshTargetFor(node), `systemctl is-active ${r.spare?.unit ?? DEFAULT_SPARE_UNIT}`, { timeoutMs: UNIT_TIMEOUT_MS });
      return { state: parseUnitState(out.stdout), error: null };
    } catch (err) {
      return { state: 'unknown', error: toErrorData(err).message };
    }
  };
}

