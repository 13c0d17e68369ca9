/**
 * Ownership as a feature: the tables every process on a data directory coordinates through
 * (migration 6: owners, subject locks, run ownership, LB change records) and this process's
 * duty as an owner — renewing its lease every tick, so the others know it is alive, and doing
 * the other owners' duties on the same tick (the runbooks recover what dead owners left and
 * follow runs other processes work on).
 */
import { toErrorData } from '../../../shared/errors';
import type { BackgroundService, CoreFeature, FeatureDefinition } from '../feature';
import type { AppendEventInput } from '../store/event-log';
import { OWNERSHIP_MIGRATION } from './ownership-migration';
import type { ProcessOwner } from './process-owner';

export const OWNERSHIP: FeatureDefinition = { name: 'ownership', migrations: [OWNERSHIP_MIGRATION] };

/** How often the lease is renewed and the duties done, unless told otherwise. */
export const DEFAULT_OWNER_TICK_MS = 1000;

export interface OwnershipNeeds {
  owner: Pick<ProcessOwner, 'heartbeat'>;
  /** Done on every tick after the lease is renewed. */
  duties: readonly (() => void)[];
  tickMs?: number;
  record(e: AppendEventInput): void;
  now(): number;
}

export interface OwnershipFeature extends CoreFeature {
  /** One tick: renew the lease, then the duties. Never throws: a failure is on the record. */
  tick(): void;
}

export function ownershipFeature(needs: OwnershipNeeds): OwnershipFeature {
  const tick = (): void => {
    try {
      needs.owner.heartbeat();
      for (const duty of needs.duties) duty();
    } catch (err) {
      // A busy or failing store must not kill the process; say so, and try again next tick.
      const e = toErrorData(err);
      needs.record({ ts: needs.now(), kind: 'ownership.tick.failed', subject: null, severity: 'error', message: `renewing this process's lease failed: ${e.message}`, data: e });
    }
  };
  let timer: ReturnType<typeof setInterval> | null = null;
  const lease: BackgroundService = {
    name: 'ownership lease',
    start() {
      // unref: the lease never keeps a CLI alive.
      timer = setInterval(tick, needs.tickMs ?? DEFAULT_OWNER_TICK_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
  return { ...OWNERSHIP, services: [lease], tick };
}
