/**
 * The engine: one object that owns the store, the inventory, the SSH pool and the monitors, and
 * composes the features (feature.ts) that implement the contract: each contract method exactly
 * once. Electron's IPC glue, the WebSocket server and the CLI all drive this same object.
 *
 * Reading order: the shared parts every feature uses through a narrow interface (store,
 * coordination and gate, history, SSH pool, monitors), then the features built on them, then
 * start/stop and the inventory they all follow.
 */
import type { PushEvent } from '../../../shared/contract';
import { type FleetErrorData, FleetError, toErrorData } from '../../../shared/errors';
import type { Topology } from '../../../shared/inventory';
import { osAuditIdentity, type AuditIdentity } from '../audit/identity';
import { drillsFeature, type DrillsFeature } from '../drills/drills-feature';
import { drillReportsFeature } from '../drills/report/report-feature';
import { storeReportSource } from '../drills/report/report-source';
import { inProcessLabFaults, remoteLabFaults } from '../drills/lab-fault-port';
import type { OtherTraffic } from '../drills/observe/observer-types';
import { incidentEventSource } from '../incidents/bundle/incident-events';
import { DRILL_AFTERMATH_MS, incidentsFeature } from '../incidents/incidents-feature';
import { loadSigningKey } from '../bundle/signing-key';
import { DrillRunStore } from '../drills/run/drill-run-store';
import { labDirOfInventory } from '../lab/lab-files';
import { composeFeatures, type ComposedFeatures, type CoreFeature, type Push } from '../feature';
import { ChangeGate } from '../gate/change-gate';
import { gateFeature } from '../gate/gate-feature';
import { ReadOnlySwitch } from '../gate/read-only-switch';
import { historyFeature } from '../history/history-feature';
import { openHistory, type HistoryOptions, type HistoryStore } from '../history/history-store';
import { loadInventoryFile, type InventoryEnv, type LoadedInventory } from '../inventory/load-inventory';
import { watchInventory, type InventoryWatchResult } from '../inventory/watch-inventory';
import { labFeature } from '../lab/lab-feature';
import type { LabFleet } from '../lab/lab-fleet';
import type { LabServices } from '../lab/lab-services';
import type { LoadBalancerStatus } from '../../../shared/services';
import { openCoordination, type Coordination } from '../locks/coordination';
import { ownershipFeature, type OwnershipFeature } from '../locks/ownership-feature';
import { realTimers, type Timers } from '../probe/scheduler';
import type { Handlers } from '../rpc/handlers';
import type { RunbookService } from '../runbook-exec/runbook-service';
import { runbooksFeature, type RunbooksFeature } from '../runbook-exec/runbooks-feature';
import { LayeredSecretStore, type SecretStore } from '../secrets/secret-store';
import { ServicesEngine } from '../services/services-engine';
import { servicesFeature } from '../services/services-feature';
import { PassphraseVault } from '../ssh/passphrase-vault';
import { SshPool } from '../ssh/pool';
import type { SshPoolOptions } from '../ssh/types';
import { openStore, type AppendEventInput, type Store } from '../store/open-store';
import { timelineFeature, type TimelineOptions } from '../timeline/timeline-feature';
import { trainingForCore } from '../training/training-for-core';
import { capacityFeature } from '../capacity/capacity-feature';
import { cachedRecoveryRuns, capacityFactsFor } from '../capacity/capacity-for-core';
import { BUILTIN_FEATURES, FLEET, fleetMigrations } from './builtin-features';
import { EventBus, type PushListener } from './event-bus';
import { HostKeyPrompts } from './host-key-prompts';
import { FleetMonitor } from './monitor';
import { trustFeature } from './trust-feature';

export type { Handlers };

export interface CoreDeps {
  dataDir: string;
  inventoryPath: string | null;
  inventoryEnv: InventoryEnv;
  /**
   * Passphrases of encrypted identity files: what the operator enters in the console, in front
   * of the process's own source (terminal, environment, keychain) given as the vault's inner
   * provider. Default: an empty vault with no other source.
   */
  passphrases?: PassphraseVault;
  lab?: LabFleet | null;
  /** The lab's replicas, HAProxy and traffic generator (serve --lab). */
  labServices?: LabServices | null;
  /** The incident rule's cadence (tests shorten it): incidents-feature.ts. */
  incidents?: { quietMs?: number; settleEveryMs?: number };
  /**
   * Replica secrets (auth.secretRef): what the operator sets in the console (`secrets.set`), in
   * front of the environment (serve) or the keychain (desktop). Default: a memory-only store in
   * front of `getSecret`.
   */
  secrets?: SecretStore;
  /** Resolves a replica's auth secretRef when no `secrets` store is given (environment, tests). */
  getSecret?: (ref: string) => Promise<string | undefined>;
  /** Frontend probe / availability push cadence, ms (tests shorten them). */
  servicesCadenceMs?: { frontend?: number; publish?: number };
  timers?: Timers;
  ssh?: Omit<SshPoolOptions, 'onHostKeyUnknown' | 'passphrases'>;
  monitorConcurrency?: number;
  /** Watch the inventory file for edits (default true). */
  watchInventory?: boolean;
  onDrift?: (ms: number) => void;
  /** Who acts from this process: on every audit entry and every run it starts. Default the OS user and host. */
  identity?: AuditIdentity;
  /** What this process is, as another process on the same data directory names it ("fleetops run"). Default "fleetops". */
  processLabel?: string;
  /** This process's ownership lease (default 30 s) and how often it is renewed and others' runs followed (default 1 s). */
  ownership?: { leaseMs?: number; tickMs?: number; pidAlive?: (pid: number) => boolean };
  /**
   * The history of what the monitors measure (raw 1 h, rollups 24 h / 30 d; `history.series`),
   * on by default; options for tests, `false` turns it off (the benchmark's "off" run).
   */
  history?: false | HistoryOptions;
  /**
   * Drills: `schedule` runs the drill scheduler while this core runs (the console: desktop and
   * serve; not one-shot commands); the runner's cadence (tests shorten it).
   */
  drills?: { schedule?: boolean; tickMs?: number; settleMs?: number; baselineTimeoutMs?: number; globalCap?: number };
  /** The timeline's retention (default: events older than 90 days pruned, incidents' and imported ones kept) and search limits. */
  timeline?: TimelineOptions;
  /** How often each training job's checkpoints are listed (default 60 s) and the training overview republished (default 1 s): tests shorten them. */
  training?: { checkpointEveryMs?: number; publishEveryMs?: number };
}

export class FleetCore {
  readonly bus = new EventBus();
  readonly store: Store;
  /** This process's row among the owners of the data directory, its lock table and its connection. */
  readonly coordination: Coordination;
  /** The one gate every change to the fleet or to trust passes. */
  readonly gate: ChangeGate;
  /** null when the history is off. */
  readonly history: HistoryStore | null;
  readonly pool: SshPool;
  readonly monitor: FleetMonitor;
  readonly services: ServicesEngine;
  /** Every contract method, each from the one feature that implements it. */
  readonly handlers: Handlers;
  private readonly features: ComposedFeatures;
  private readonly runbookFeature: RunbooksFeature;
  private readonly drills: DrillsFeature;
  private readonly ownership: OwnershipFeature;
  private readonly hostKeys: HostKeyPrompts;
  private inventory: LoadedInventory | null = null;
  private inventoryError: FleetErrorData | null = null;
  private watcher: { close(): void } | null = null;
  private readonly now: () => number;
  private stopped = false;

  constructor(private readonly deps: CoreDeps) {
    const now = (this.now = deps.timers?.now ?? Date.now);
    const identity = deps.identity ?? osAuditIdentity();
    const passphrases = deps.passphrases ?? new PassphraseVault();
    const secrets = deps.secrets ?? new LayeredSecretStore({ inner: deps.getSecret });
    const record = (e: AppendEventInput): void => this.record(e);
    const push: Push = (event, payload) => this.bus.emit(event, payload);
    const inventory = (): LoadedInventory | null => this.inventory;

    // The shared parts: opened with the schema every registered feature brings (builtin-features.ts).
    // Audit entries are timeline events too (audit-mirror.ts): pushed like any other once committed.
    this.store = openStore(deps.dataDir, { migrations: fleetMigrations(), auditIdentity: identity, onAuditMirrored: (e) => this.bus.emit('event.appended', e) });
    this.coordination = openCoordination(this.store.path, {
      label: deps.processLabel ?? 'fleetops',
      identity,
      now,
      leaseMs: deps.ownership?.leaseMs,
      pidAlive: deps.ownership?.pidAlive,
    });
    this.gate = new ChangeGate({
      readOnly: new ReadOnlySwitch({ settings: this.store.settings, audit: this.store.audit, record, now }),
      locks: this.coordination.locks,
      owner: this.coordination.owner,
      audit: this.store.audit,
      record,
      inventory,
      now,
    });
    this.history =
      deps.history === false
        ? null
        : openHistory(this.store.path, {
            timers: deps.timers,
            onError: (err) => record({ ts: now(), kind: 'history.write.failed', subject: null, severity: 'warning', message: `keeping the history failed (retrying): ${err.message}`, data: err.toData() }),
            ...deps.history,
          });
    this.hostKeys = new HostKeyPrompts({ record, push, now });
    this.pool = new SshPool({ ...deps.ssh, passphrases, onHostKeyUnknown: (p) => this.hostKeys.unknown(p) });
    this.monitor = new FleetMonitor({
      pool: this.pool,
      timers: deps.timers,
      concurrency: deps.monitorConcurrency,
      onDrift: deps.onDrift,
      appendEvent: record,
      publishNodes: (update) => push('nodes.updated', update),
      history: this.history ?? undefined,
    });
    this.services = new ServicesEngine({
      pool: this.pool,
      requests: this.store.requests,
      getSecret: (ref) => secrets.get(ref),
      appendEvent: record,
      publishReplicas: (replicas) => push('replicas.updated', { replicas }),
      publishLoadBalancers: (loadBalancers) => push('loadBalancers.updated', { loadBalancers }),
      publishServices: (services) => push('services.updated', { services }),
      timers: deps.timers,
      onDrift: deps.onDrift,
      frontendIntervalMs: deps.servicesCadenceMs?.frontend,
      publishIntervalMs: deps.servicesCadenceMs?.publish,
      history: this.history ?? undefined,
    });

    // The features, each given only what it uses. Services start in this order and stop in reverse.
    // The drills' lab faults (lab.fault / lab.clear steps) go to the lab in this process, or to
    // the one the inventory belongs to through its control API (`fleetops lab` in another process).
    const labDir = deps.inventoryPath === null ? null : labDirOfInventory(deps.inventoryPath);
    const labFaults = deps.lab ? inProcessLabFaults(deps.lab, deps.labServices ?? null) : labDir ? remoteLabFaults(labDir) : null;
    // Training clusters: Slurm read on its own cadence, jobs' checkpoints listed over SSH; the runbooks reach Slurm through the same connector.
    const training = trainingForCore({ db: this.coordination.db, inventory, monitor: this.monitor, pool: this.pool, secret: (ref) => secrets.get(ref), subscribe: (l) => this.bus.subscribe(l), record, push, now, timers: deps.timers, cadence: deps.training });
    const host = { store: this.store, bus: this.bus, coordination: this.coordination, gate: this.gate, pool: this.pool, monitor: this.monitor, services: this.services, labFaults, slurm: training.slurm };
    this.runbookFeature = runbooksFeature({
      host,
      inventory,
      inventoryError: () => this.inventoryError,
      identity,
      gate: this.gate,
      record,
      now,
    });
    this.drills = drillsFeature({
      host,
      inventory,
      runbooks: () => this.runbookFeature.service(),
      subscribe: (l) => this.bus.subscribe(l),
      identity,
      record,
      push,
      timers: deps.timers ?? realTimers,
      runner: deps.drills,
      schedule: deps.drills?.schedule ?? false,
      labTraffic: labTrafficOf(deps.labServices ?? null),
    });
    this.ownership = ownershipFeature({ owner: this.coordination.owner, duties: [() => this.runbookFeature.ownerDuty(), () => this.drills.ownerDuty()], tickMs: deps.ownership?.tickMs, record, now });
    const { replicas, loadBalancers, availability } = this.services;
    this.features = composeFeatures(
      [
        this.runbookFeature,
        this.fleetFeature(),
        servicesFeature({ engine: this.services }),
        this.ownership,
        historyFeature({
          history: this.history,
          subjects: {
            gpuCount: (node) => this.monitor.node(node)?.gpus.count,
            hasReplica: (name) => replicas.status(name) !== undefined,
            loadBalancers: () => this.inventory?.loadBalancers ?? [],
          },
        }),
        gateFeature({ gate: this.gate, loadBalancers, inventory, db: this.coordination.db, identity, record, now }),
        trustFeature({ gate: this.gate, hostKeys: this.hostKeys, pool: this.pool, monitor: this.monitor, passphrases, secrets, replicas, inventory, record, now }),
        labFeature({ lab: deps.lab ?? null, labServices: deps.labServices ?? null, availability, record, now }),
        drillReportsFeature({ source: storeReportSource(this.coordination.db), now }),
        incidentsFeature({ db: this.coordination.db, audit: this.store.audit, push, record, heldByDrills: () => new DrillRunStore(this.coordination.db, now).heldByDrills(now() - DRILL_AFTERMATH_MS),
          inMaintenance: (replica) => replicaInMaintenance(this.services.loadBalancers.statuses(), replica), inventory, subscribe: (l) => this.bus.subscribe(l), identity, now, timers: deps.timers, ...deps.incidents,
          // Export signs with the data directory's key (or the one the secret fleetops-signing-key gives); import is refused while read-only is on globally.
          bundles: { dataDir: deps.dataDir, signingKey: () => loadSigningKey(deps.dataDir, (ref) => secrets.get(ref)), events: incidentEventSource(this.coordination.db, now), readOnly: () => this.gate.readOnly.frozen([]).length > 0, flushHistory: () => this.history?.flush({ close: false }) } }),
        timelineFeature({ path: this.store.path, inventory, now, timers: deps.timers, record, options: deps.timeline }),
        training.feature,
        capacityFeature({
          facts: capacityFactsFor({
            recoveryRuns: cachedRecoveryRuns(this.coordination.db),
            inventory,
            nodeStatus: (name) => {
              const n = this.monitor.status(name);
              return n && n.since !== null ? { health: n.health, reasons: n.reasons } : undefined;
            },
            replica: (name) => replicas.status(name),
            services: () => availability.services(),
            loadBalancers: () => loadBalancers.statuses(),
            trainingNodes: () => training.feature.overview().nodes,
            now,
          }),
          subscribe: (l) => this.bus.subscribe(l),
          push,
          now,
          timers: deps.timers,
        }),
        // Last: it stops first, so every running drill is restored while the rest still runs.
        this.drills,
      ],
      { registered: BUILTIN_FEATURES },
    );
    this.handlers = this.features.handlers;
    this.features.connect(push);
  }

  subscribe(listener: PushListener): () => void {
    return this.bus.subscribe(listener);
  }

  async start(): Promise<void> {
    const path = this.deps.inventoryPath;
    if (path) {
      const apply = (r: InventoryWatchResult) => (r.ok ? this.applyInventory(r.inventory) : this.applyInventoryError(r.error));
      if (this.deps.watchInventory === false) {
        try {
          apply({ ok: true, inventory: await loadInventoryFile(path, this.deps.inventoryEnv) });
        } catch (err) {
          apply({ ok: false, error: toErrorData(err) });
        }
      } else {
        // The watcher reads the file once at start, then on every change; wait for that first read.
        await new Promise<void>((resolveFirst) => {
          this.watcher = watchInventory(path, this.deps.inventoryEnv, (r) => {
            apply(r);
            resolveFirst();
          });
        });
      }
    }
    await this.features.start();
  }

  /** One tick of this process's duties as an owner (also called by tests instead of waiting). */
  ownerTick(): void {
    if (!this.stopped) this.ownership.tick();
  }

  /** The runbook service; INVENTORY_NOT_LOADED (naming the inventory's error, if any) until an inventory loads. */
  runbooks(): RunbookService {
    return this.runbookFeature.service();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    try {
      await this.features.stop();
    } finally {
      // A clean stop: this process owns nothing any more; runs it left in flight are recovered by the next one to look.
      this.coordination.close();
      await this.pool.closeAll();
      try {
        this.history?.close();
      } finally {
        this.store.close();
      }
    }
  }

  topology(): Topology | null {
    return this.inventory?.topology ?? null;
  }

  /** Appends to the event store and tells every client. Nothing is logged and dropped. */
  record(e: AppendEventInput): void {
    // Probes cut short by stop() still report; the store is closed by then.
    if (this.stopped) return;
    const row = this.store.appendEvent(e);
    this.bus.emit('event.appended', row);
  }

  /** The core's own methods, and the node monitor as its background service. */
  private fleetFeature(): CoreFeature<'fleet.snapshot' | 'node.get' | 'events.list'> {
    return {
      ...FLEET,
      handlers: {
        'fleet.snapshot': async () => ({
          topology: this.topology(),
          inventoryError: this.inventoryError,
          ...this.monitor.snapshotSummaries(),
          pendingHostKeys: this.hostKeys.list(),
          lab: this.deps.lab ? this.deps.lab.info() : null,
          replicas: this.services.replicas.statuses(),
          loadBalancers: this.services.loadBalancers.statuses(),
          services: this.services.availability.services(),
          labServices: this.deps.labServices ? this.deps.labServices.info() : null,
          runs: this.runbookFeature.runs(),
          readOnly: this.gate.readOnly.value,
        }),
        'node.get': async ({ name }) => {
          const status = this.monitor.status(name);
          if (!status) throw new FleetError('NOT_FOUND', `no node named "${name}" in the inventory`, { subject: name });
          return status;
        },
        'events.list': async (q) => this.store.listEvents(q),
      },
      services: [{ name: 'node monitor', start: () => this.monitor.start(), stop: () => this.monitor.stop() }],
    };
  }

  private applyInventory(inv: LoadedInventory): void {
    const first = this.inventory === null;
    this.inventory = inv;
    this.inventoryError = null;
    this.monitor.setNodes(inv.nodes);
    this.services.setInventory(inv);
    this.hostKeys.retain((name) => this.monitor.node(name) !== undefined);
    this.record({
      ts: this.now(),
      kind: 'inventory.loaded',
      subject: null,
      severity: 'info',
      message: `${first ? 'loaded' : 'reloaded'} ${inv.path}: ${inv.nodes.length} nodes in ${inv.topology.regions.length} regions`,
    });
    this.bus.emit('inventory.changed', { topology: inv.topology, error: null });
    // Runbooks live beside the inventory: (re)read them whenever it (re)loads.
    this.runbookFeature.reload();
    this.drills.reload();
  }

  private applyInventoryError(error: FleetErrorData): void {
    // A bad edit keeps the last good inventory running; the error is shown until fixed.
    this.inventoryError = error;
    this.record({
      ts: this.now(),
      kind: 'inventory.invalid',
      subject: null,
      severity: 'error',
      message: `${error.message}${this.inventory ? ' (still using the last good inventory)' : ''}`,
      data: error,
    });
    this.bus.emit('inventory.changed', { topology: this.topology(), error });
  }
}

export type { PushEvent };

/** The lab's traffic generator, as the drills' observer takes other traffic. */
function labTrafficOf(services: Pick<LabServices, 'onTrafficOutcome'> | null): OtherTraffic | undefined {
  return services ? (listener) => services.onTrafficOutcome(listener) : undefined;
}

/**
 * Whether a load balancer has the replica in maintenance; null while none has reported its server
 * yet (not polled, or the poll failed): the incident rule waits for a word rather than guess.
 */
function replicaInMaintenance(lbs: readonly LoadBalancerStatus[], replica: string): boolean | null {
  const servers = lbs.flatMap((lb) => lb.servers.filter((s) => s.replica === replica));
  if (servers.length === 0) return lbs.length === 0 ? false : null;
  return servers.some((s) => s.status.startsWith('MAINT'));
}
