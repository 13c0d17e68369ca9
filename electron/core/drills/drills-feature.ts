/**
 * Drills as a feature (feature.ts's recipe): the schedule's tables (migration 8) and the runs'
 * (9), the drills.* contract methods, the `drill.updated` push, and one background service that
 * restores what dead consoles left (at start and on every ownership tick), runs the scheduler
 * while the console runs, and on stop aborts and restores every drill running here before the
 * core closes. The fault of a drill is a run of the runbook engine (same journal, locks and
 * owner as every run); its steps pass the change gate.
 */
import { toErrorData } from '../../../shared/errors';
import type { PushEvent } from '../../../shared/contract';
import type { DrillRunView } from '../../../shared/drill-run';
import type { AuditIdentity } from '../audit/identity';
import type { BackgroundService, CoreFeature, FeatureDefinition, Push } from '../feature';
import type { LoadedInventory } from '../inventory/load-inventory';
import type { Timers } from '../probe/scheduler';
import { engineForCore } from '../runbook-exec/engine-for-core';
import type { RunbookHost } from '../runbook-exec/runbook-host';
import type { RunbookService } from '../runbook-exec/runbook-service';
import type { AppendEventInput } from '../store/event-log';
import { loadDrills } from './load-drills';
import { coreDrillFleet } from './run/core-drill-fleet';
import { DRILL_RUN_MIGRATION } from './run/drill-run-migration';
import { DrillRunStore } from './run/drill-run-store';
import type { OtherTraffic } from './observe/observer-types';
import { listDrills, scheduledDrills } from './run/drill-list';
import { DrillRunner } from './run/drill-runner';
import { DRILL_SCHEDULE_MIGRATION } from './schedule/schedule-migration';
import { DrillScheduler } from './schedule/scheduler';

export const DRILLS: FeatureDefinition = { name: 'drills', migrations: [DRILL_SCHEDULE_MIGRATION, DRILL_RUN_MIGRATION] };

type DrillMethod =
  | 'drills.list'
  | 'drills.plan'
  | 'drills.start'
  | 'drills.abort'
  | 'drills.runs'
  | 'drills.run'
  | 'drills.stopAll'
  | 'drills.releaseStopAll'
  | 'drills.pause'
  | 'drills.resume'
  | 'drills.linkResponse';

export interface DrillsNeeds {
  /** The engine's parts the fault runs act through (the same as runbooks'). */
  host: RunbookHost;
  inventory: () => LoadedInventory | null;
  /** The runbook service: a drill's runbook response is started through it. */
  runbooks: () => RunbookService;
  subscribe: (listener: (e: PushEvent) => void) => () => void;
  identity: AuditIdentity;
  record: (e: AppendEventInput) => void;
  push: Push;
  timers: Timers;
  /** Tests shorten the runner's cadence and settle time. */
  runner?: { tickMs?: number; settleMs?: number; baselineTimeoutMs?: number; globalCap?: number };
  /** Run the scheduler (the console); off for one-shot commands (`fleetops drill run`, `fleetops run`). */
  schedule?: boolean;
  /** The lab's traffic generator in this process (`serve --lab`): its requests count with the drills' probes. */
  labTraffic?: OtherTraffic;
}

export interface DrillsFeature extends CoreFeature<DrillMethod> {
  readonly runner: DrillRunner;
  /** Re-reads the drill files for the scheduler (call on every good inventory load). */
  reload(): void;
  /** The ownership tick: restore dead owners' drills, honour aborts, push other processes' changes. */
  ownerDuty(): void;
}

export function drillsFeature(needs: DrillsNeeds): DrillsFeature {
  const { db, owner } = needs.host.coordination;
  const now = () => needs.timers.now();
  const audit = needs.host.store.audit;
  const store = new DrillRunStore(db, now);
  const onError = (err: unknown) => {
    const e = toErrorData(err);
    needs.record({ ts: now(), kind: 'drill.error', subject: e.subject ?? null, severity: 'warning', message: `drills: ${e.message}`, data: e });
  };
  const requireInv = () => {
    const inv = needs.inventory();
    if (!inv) throw new Error('no inventory');
    return inv;
  };
  // The fault runs' engine: the runbook engine on the console's connectors, same journal and owner.
  let engine: ReturnType<typeof engineForCore>['engine'] | null = null;
  const faultEngine = () => (engine ??= engineForCore(needs.host, requireInv, (e) => needs.push('run.updated', e.run)).engine);

  let scheduler: DrillScheduler | null = null;
  const pushed = new Map<string, number>();
  const push = (view: DrillRunView) => needs.push('drill.updated', view);
  const runner = new DrillRunner({
    db,
    store,
    get engine() {
      return faultEngine();
    },
    owner,
    stopAll: { state: () => theScheduler().stopAll.state() },
    fleet: coreDrillFleet({ host: needs.host, inventory: needs.inventory, runbooks: needs.runbooks, engine: faultEngine, subscribe: needs.subscribe, timers: needs.timers, onError, labTraffic: needs.labTraffic }),
    audit,
    record: needs.record,
    push,
    identity: { user: needs.identity.user, host: needs.identity.host },
    timers: needs.timers,
    ...needs.runner,
    onEnded: (runId, status) => scheduler?.runEnded(runId, status),
  });
  const theScheduler = (): DrillScheduler =>
    (scheduler ??= new DrillScheduler({
      db,
      owner,
      timers: needs.timers,
      globalCap: needs.runner?.globalCap,
      onError,
      start: async (drill, occ) => {
        const started = await runner.start({ name: drill.name, trigger: { kind: 'scheduled', scheduledAt: occ.scheduledAt, localTime: occ.localTime } });
        if (started.view.status === 'skipped') return { refused: { code: 'BAD_REQUEST', message: started.view.reason ?? 'skipped', subject: drill.name } };
        return { runId: started.view.id };
      },
    }));
  let loaded: Promise<void> = Promise.resolve();
  /** The console started (the scheduler runs from then on, once there are drills to give it). */
  let running = false;
  let scheduling = false;
  const reload = () => {
    const inv = needs.inventory();
    if (!inv) return;
    loaded = loaded.then(() =>
      loadDrills(inv.path).then(
        (set) => {
          theScheduler().setDrills(scheduledDrills(set.drills.values(), inv));
          // An inventory that loads only after the console started (desktop: chosen later) starts it then.
          if (needs.schedule && running && !scheduling) {
            scheduling = true;
            void theScheduler().start().catch(onError);
          }
        },
        (err) => onError(err),
      ),
    );
  };
  let followed = now();
  const ownerDuty = () => {
    if (!needs.inventory()) return;
    faultEngine().tick();
    runner.recover();
    const since = followed;
    followed = now();
    // What other processes did to their drills since the last look (a little overlap; versions dedupe).
    for (const { id, version } of store.changedSince(since - 1000, owner.id)) {
      if (pushed.get(id) === version) continue;
      pushed.set(id, version);
      const v = store.get(id);
      if (v) push(v);
    }
  };

  const service: BackgroundService = {
    name: 'drills',
    async start() {
      running = true;
      if (!needs.inventory()) return;
      // A drill's fault must never outlive the drill: what a dead console left is restored now.
      runner.recover();
      // The drills are given to the scheduler either way (drills.list shows their next times); it runs them only in a console.
      reload();
      await loaded;
    },
    async stop() {
      running = false;
      await scheduler?.stop();
      await runner.stop();
    },
  };

  const by = () => `${needs.identity.user}@${needs.identity.host}`;
  return {
    ...DRILLS,
    runner,
    reload,
    ownerDuty,
    services: [service],
    handlers: {
      'drills.list': async () => listDrills(needs.inventory(), theScheduler(), store),
      'drills.plan': async ({ name, seed }) => {
        const plan = await runner.dryRun(name, seed);
        audit.append({ kind: 'drill.dry-run', subject: name, detail: { seed: plan.seed, targets: plan.targets.map((t) => t.name) } });
        return plan;
      },
      'drills.start': async ({ name, seed, confirm }) => (await runner.start({ name, seed, confirm, trigger: { kind: 'manual', user: needs.identity.user, host: needs.identity.host } })).view,
      'drills.abort': async ({ runId }) => runner.abort(runId),
      'drills.runs': async ({ drill, limit }) => store.list({ drill, limit }),
      'drills.run': async ({ runId }) => runner.get(runId),
      'drills.stopAll': async () => {
        theScheduler().stopAll.engage(by(), 'stop-all');
        const aborted = runner.abortAll('stop-all', `the stop-all switch was engaged by ${by()}`);
        audit.append({ kind: 'drill.stop-all', subject: null, detail: { engaged: true, aborted } });
        return { engaged: true as const, aborted };
      },
      'drills.releaseStopAll': async () => {
        theScheduler().stopAll.release(by());
        audit.append({ kind: 'drill.stop-all', subject: null, detail: { engaged: false } });
        return { engaged: false as const };
      },
      'drills.pause': async ({ name }) => {
        theScheduler().pause(name, by());
        audit.append({ kind: 'drill.pause', subject: name, detail: {} });
        return { name, paused: true as const };
      },
      'drills.resume': async ({ name }) => {
        theScheduler().resume(name, by());
        audit.append({ kind: 'drill.resume', subject: name, detail: {} });
        return { name, paused: false as const };
      },
      'drills.linkResponse': async ({ runId, runbookRunId }) => runner.linkResponse(runId, runbookRunId),
    },
  };
}
