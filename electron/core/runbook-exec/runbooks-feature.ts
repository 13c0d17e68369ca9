/**
 * Runbooks as a feature: the run journal (migration 4), the runbooks.* and runs.* methods, and
 * the runbook service behind them and behind `fleetops run`. The service is made with the first
 * good inventory (runbooks are read from its directory) and re-reads them on every reload.
 */
import type { FleetErrorData } from '../../../shared/errors';
import { FleetError, toErrorData } from '../../../shared/errors';
import type { AuditIdentity } from '../audit/identity';
import type { CoreFeature, FeatureDefinition } from '../feature';
import type { ChangeGate } from '../gate/change-gate';
import type { LoadedInventory } from '../inventory/load-inventory';
import type { AppendEventInput } from '../store/event-log';
import { RUNBOOK_JOURNAL_MIGRATION } from './journal-migration';
import type { RunbookHost } from './runbook-host';
import { RunbookService } from './runbook-service';
import type { RunView } from './run-types';

export const RUNBOOKS: FeatureDefinition = { name: 'runbooks', migrations: [RUNBOOK_JOURNAL_MIGRATION] };

export interface RunbooksNeeds {
  /** The engine's parts runbooks act and report through (runbook-host.ts). */
  host: RunbookHost;
  /** The inventory in force now (the last good one after a bad edit); null before the first load. */
  inventory: () => LoadedInventory | null;
  /** Why the inventory did not load, if it did not: named when runbooks are asked for without one. */
  inventoryError: () => FleetErrorData | null;
  /** Who starts runs from this process. */
  identity: AuditIdentity;
  gate: ChangeGate;
  record: (e: AppendEventInput) => void;
  now: () => number;
}

type RunbookMethod = 'runbooks.list' | 'runbooks.plan' | 'runbooks.run' | 'runs.list' | 'runs.abort' | 'runs.rollback' | 'runs.continue';

export interface RunbooksFeature extends CoreFeature<RunbookMethod> {
  /** The runbook service; INVENTORY_NOT_LOADED (naming the inventory's error, if any) until an inventory loads. */
  service(): RunbookService;
  /** (Re)reads the runbooks beside the inventory: call on every good (re)load. */
  reload(): void;
  /** The runs this console knows of; none before an inventory loads. */
  runs(): RunView[];
  /** The owner's duty (ownership tick): recover what dead owners left, follow other processes' runs. */
  ownerDuty(): void;
}

export function runbooksFeature(needs: RunbooksNeeds): RunbooksFeature {
  let service: RunbookService | null = null;
  /** The (re)load in flight, so a call right after an inventory change sees the new set. */
  let loaded: Promise<void> = Promise.resolve();

  const current = (): RunbookService => {
    if (service) return service;
    const error = needs.inventoryError();
    const why = error ? `: ${error.message}` : '';
    throw new FleetError('INVENTORY_NOT_LOADED', `no inventory is loaded${why}; runbooks need one to plan against`);
  };
  const afterLoad = async (): Promise<RunbookService> => {
    await loaded;
    return current();
  };

  const reload = (): void => {
    service ??= new RunbookService({ core: needs.host, inventory: needs.inventory, identity: needs.identity, gate: needs.gate });
    const s = service;
    loaded = loaded.then(() =>
      s.reload().then(
        (notices) => {
          for (const n of notices) needs.record({ ts: needs.now(), kind: 'runbooks.notice', subject: null, severity: 'info', message: n });
        },
        (err) => {
          const e = toErrorData(err);
          needs.record({ ts: needs.now(), kind: 'runbooks.invalid', subject: e.subject ?? null, severity: 'error', message: e.message, data: e });
        },
      ),
    );
  };

  return {
    ...RUNBOOKS,
    handlers: {
      'runbooks.list': async () => (await afterLoad()).list(),
      'runbooks.plan': async (input) => (await afterLoad()).plan(input),
      'runbooks.run': async (input) => (await (await afterLoad()).run(input)).view,
      'runs.list': async () => current().runs(),
      'runs.abort': async ({ runId }) => current().abort(runId),
      'runs.rollback': async ({ runId }) => current().rollback(runId).view,
      'runs.continue': async ({ runId }) => current().continue(runId).view,
    },
    services: [
      {
        name: 'runbooks',
        // The first read of the runbooks (started by the first inventory) is part of starting.
        start: () => loaded,
        // Runs still in flight show as interrupted at the next start.
        stop: async () => {
          await loaded;
          service?.close();
        },
      },
    ],
    service: current,
    reload,
    runs: () => service?.runs() ?? [],
    ownerDuty: () => service?.tick(),
  };
}
