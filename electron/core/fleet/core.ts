/**
 * The engine: one object that owns the store, the inventory, the SSH pool, the monitor and
 * (optionally) the lab, and implements every method of the contract exactly once. Electron's
 * IPC glue, the WebSocket server and the CLI all drive this same object.
 */
import type { PushEvent } from '../../../shared/contract';
import { FleetError, toErrorData, type FleetErrorData } from '../../../shared/errors';
import type { Topology } from '../../../shared/inventory';
import type { HostKeyPrompt, LabInfo } from '../../../shared/status';
import type { HistoryQuery } from '../../../shared/history';
import { osAuditIdentity, type AuditIdentity } from '../audit/identity';
import { lbServerSubject } from '../history/history-sink';
import { openHistory, type HistoryOptions, type HistoryStore } from '../history/history-store';
import { watchInventory, type InventoryWatchResult } from '../inventory/watch-inventory';
import { loadInventoryFile, type InventoryEnv, type LoadedInventory } from '../inventory/load-inventory';
import type { LabFleet } from '../lab/lab-fleet';
import type { LabServices } from '../lab/lab-services';
import type { Timers } from '../probe/scheduler';
import { RunbookService } from '../runbook-exec/runbook-service';
import { LayeredSecretStore, type SecretStore } from '../secrets/secret-store';
import { PassphraseVault } from '../ssh/passphrase-vault';
import { SshPool } from '../ssh/pool';
import type { SshPoolOptions } from '../ssh/types';
import { ServicesEngine } from '../services/services-engine';
import { openStore, type AppendEventInput, type Store } from '../store/open-store';
import { openCoordination, type Coordination } from '../locks/coordination';
import { ChangeGate } from '../gate/change-gate';
import { LbChanges } from '../gate/lb-changes';
import { ReadOnlySwitch } from '../gate/read-only-switch';
import { EventBus, type PushListener } from './event-bus';
import { FleetMonitor } from './monitor';
import { trustHandlers } from './trust-handlers';

import type { Handlers } from '../rpc/handlers';
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
}

export class FleetCore {
  readonly bus = new EventBus();
  readonly store: Store;
  readonly pool: SshPool;
  readonly monitor: FleetMonitor;
  readonly services: ServicesEngine;
  /** null when the history is off. */
  readonly history: HistoryStore | null;
  readonly handlers: Handlers;
  private inventory: LoadedInventory | null = null;
  private inventoryError: FleetErrorData | null = null;
  private watcher: { close(): void } | null = null;
  private readonly pendingHostKeys = new Map<string, HostKeyPrompt>();
  private readonly unsubscribeLab: Array<() => void> = [];
  private readonly now: () => number;
  private stopped = false;
  private readonly passphrases: PassphraseVault;
  private readonly secrets: SecretStore;
  private readonly identity: AuditIdentity;
  /** Created with the first good inventory: runbooks are read from its directory. */
  private runbookService: RunbookService | null = null;
  /** The runbook (re)load in flight, so a call right after an inventory change sees the new set. */
  private runbooksLoaded: Promise<void> = Promise.resolve();
  /** This process's row among the owners of the data directory, its lock table and its connection. */
  readonly coordination: Coordination;
  /** The one gate every change to the fleet or to trust passes. */
  readonly gate: ChangeGate;
  private readonly lbChanges: LbChanges;
  private ownerTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly deps: CoreDeps) {
    this.now = deps.timers?.now ?? Date.now;
    this.passphrases = deps.passphrases ?? new PassphraseVault();
    this.secrets = deps.secrets ?? new LayeredSecretStore({ inner: deps.getSecret });
    this.identity = deps.identity ?? osAuditIdentity();
    this.store = openStore(deps.dataDir, { auditIdentity: this.identity });
    this.coordination = openCoordination(this.store.path, {
      label: deps.processLabel ?? 'fleetops',
      identity: this.identity,
      now: this.now,
      leaseMs: deps.ownership?.leaseMs,
      pidAlive: deps.ownership?.pidAlive,
    });
    this.gate = new ChangeGate({
      readOnly: new ReadOnlySwitch({ settings: this.store.settings, audit: this.store.audit, record: (e) => this.record(e), now: this.now }),
      locks: this.coordination.locks,
      owner: this.coordination.owner,
      audit: this.store.audit,
      record: (e) => this.record(e),
      inventory: () => this.inventory,
      now: this.now,
    });
    this.history =
      deps.history === false
        ? null
        : openHistory(this.store.path, {
            timers: deps.timers,
            onError: (err) => this.record({ ts: this.now(), kind: 'history.write.failed', subject: null, severity: 'warning', message: `keeping the history failed (retrying): ${err.message}`, data: err.toData() }),
            ...deps.history,
          });
    this.pool = new SshPool({
      ...deps.ssh,
      passphrases: this.passphrases,
      onHostKeyUnknown: (p) => this.onHostKeyUnknown(p),
    });
    this.monitor = new FleetMonitor({
      pool: this.pool,
      timers: deps.timers,
      concurrency: deps.monitorConcurrency,
      onDrift: deps.onDrift,
      appendEvent: (e) => this.record(e),
      publishNodes: (nodes) => this.bus.emit('nodes.updated', { nodes }),
      history: this.history ?? undefined,
    });
    this.services = new ServicesEngine({
      pool: this.pool,
      requests: this.store.requests,
      getSecret: (ref) => this.secrets.get(ref),
      appendEvent: (e) => this.record(e),
      publishReplicas: (replicas) => this.bus.emit('replicas.updated', { replicas }),
      publishLoadBalancers: (loadBalancers) => this.bus.emit('loadBalancers.updated', { loadBalancers }),
      publishServices: (services) => this.bus.emit('services.updated', { services }),
      timers: deps.timers,
      onDrift: deps.onDrift,
      frontendIntervalMs: deps.servicesCadenceMs?.frontend,
      publishIntervalMs: deps.servicesCadenceMs?.publish,
      history: this.history ?? undefined,
    });
    if (deps.lab) this.unsubscribeLab.push(deps.lab.onChange((info) => this.bus.emit('lab.changed', info)));
    const labServices = deps.labServices;
    if (labServices) {
      this.unsubscribeLab.push(labServices.onChange((info) => this.bus.emit('labServices.changed', info)));
      // The lab's users: every generated request counts toward the service behind that frontend.
      this.unsubscribeLab.push(
        labServices.onTrafficOutcome((o, frontend) => {
          const service = this.services.availability.serviceForFrontend(frontend);
          if (service && !this.stopped) this.services.availability.record(service, o.ok, o.latencyMs, o.at);
        }),
      );
    }
    this.lbChanges = new LbChanges({
      gate: this.gate,
      runtimeFor: (lb, backend) => this.services.loadBalancers.runtimeFor(lb, backend),
      refresh: async (lb) => {
        await this.services.loadBalancers.poll(lb);
        return this.services.loadBalancers.status(lb)!;
      },
      inventory: () => this.inventory,
      db: this.coordination.db,
      identity: this.identity,
      record: (e) => this.record(e),
      now: this.now,
    });
    this.handlers = this.createHandlers();
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
    await this.runbooksLoaded;
    this.monitor.start();
    this.services.start();
    // The lease says this process is alive to the others; the same tick recovers what dead
    // owners left and follows runs other processes work on. unref: it never keeps a CLI alive.
    this.ownerTimer = setInterval(() => this.ownerTick(), this.deps.ownership?.tickMs ?? 1000);
    this.ownerTimer.unref();
  }

  /** One tick of this process's duties as an owner (also called by tests instead of waiting). */
  ownerTick(): void {
    if (this.stopped) return;
    try {
      if (this.runbookService) this.runbookService.tick();
      else this.coordination.owner.heartbeat();
    } catch (err) {
      // A busy or failing store must not kill the process; say so once per kind of failure.
      const e = toErrorData(err);
      this.record({ ts: this.now(), kind: 'ownership.tick.failed', subject: null, severity: 'error', message: `renewing this process's lease failed: ${e.message}`, data: e });
    }
  }

  /** The runbook service; INVENTORY_NOT_LOADED (naming the inventory's error, if any) until an inventory loads. */
  runbooks(): RunbookService {
    if (this.runbookService) return this.runbookService;
    const why = this.inventoryError ? `: ${this.inventoryError.message}` : '';
    throw new FleetError('INVENTORY_NOT_LOADED', `no inventory is loaded${why}; runbooks need one to plan against`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.ownerTimer) clearInterval(this.ownerTimer);
    this.watcher?.close();
    this.monitor.stop();
    this.services.stop();
    for (const off of this.unsubscribeLab) off();
    await this.runbooksLoaded;
    this.runbookService?.close();
    // A clean stop: this process owns nothing any more; runs it left in flight are recovered by the next one to look.
    this.coordination.close();
    await this.pool.closeAll();
    try {
      this.history?.close();
    } finally {
      this.store.close();
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

  private applyInventory(inv: LoadedInventory): void {
    const first = this.inventory === null;
    this.inventory = inv;
    this.inventoryError = null;
    this.monitor.setNodes(inv.nodes);
    this.services.setInventory(inv);
    for (const name of [...this.pendingHostKeys.keys()]) if (!this.monitor.node(name)) this.pendingHostKeys.delete(name);
    this.record({
      ts: this.now(),
      kind: 'inventory.loaded',
      subject: null,
      severity: 'info',
      message: `${first ? 'loaded' : 'reloaded'} ${inv.path}: ${inv.nodes.length} nodes in ${inv.topology.regions.length} regions`,
    });
    this.bus.emit('inventory.changed', { topology: inv.topology, error: null });
    this.loadRunbooks();
  }

  /** Runbooks live beside the inventory: (re)read them whenever it (re)loads. */
  private loadRunbooks(): void {
    this.runbookService ??= new RunbookService({ core: this, inventory: () => this.inventory, identity: this.identity, gate: this.gate });
    const service = this.runbookService;
    this.runbooksLoaded = this.runbooksLoaded.then(() =>
      service.reload().then(
        (notices) => {
          for (const n of notices) this.record({ ts: this.now(), kind: 'runbooks.notice', subject: null, severity: 'info', message: n });
        },
        (err) => {
          const e = toErrorData(err);
          this.record({ ts: this.now(), kind: 'runbooks.invalid', subject: e.subject ?? null, severity: 'error', message: e.message, data: e });
        },
      ),
    );
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

  private onHostKeyUnknown(p: { targetKey: string; host: string; port: number; keyType: string; fingerprint: string; knownHostsFile: string }): void {
    const prev = this.pendingHostKeys.get(p.targetKey);
    if (prev && prev.fingerprint === p.fingerprint) return;
    this.pendingHostKeys.set(p.targetKey, {
      node: p.targetKey,
      host: p.host,
      port: p.port,
      keyType: p.keyType,
      fingerprint: p.fingerprint,
      knownHostsFile: p.knownHostsFile,
    });
    this.record({
      ts: this.now(),
      kind: 'hostkey.unknown',
      subject: p.targetKey,
      severity: 'warning',
      message: `${p.targetKey}: unknown host key ${p.keyType} ${p.fingerprint} for ${p.host}:${p.port}; waiting for the operator to trust it`,
    });
    this.bus.emit('hostKeys.changed', { pending: [...this.pendingHostKeys.values()] });
  }

  private async loadedRunbooks(): Promise<RunbookService> {
    await this.runbooksLoaded;
    return this.runbooks();
  }

  private requireLabServices(): LabServices {
    if (!this.deps.labServices) throw new FleetError('LAB_NOT_RUNNING', 'no lab replicas run in this console (start it with `fleetops serve --lab`)');
    return this.deps.labServices;
  }

  private requireLab(): LabFleet {
    if (!this.deps.lab) throw new FleetError('LAB_NOT_RUNNING', 'no lab fleet runs in this console (start it with `fleetops serve --lab`)');
    return this.deps.lab;
  }

  private createHandlers(): Handlers {
    return {
      'fleet.snapshot': async () => ({
        topology: this.topology(),
        inventoryError: this.inventoryError,
        nodes: this.monitor.statuses(),
        pendingHostKeys: [...this.pendingHostKeys.values()],
        lab: this.deps.lab ? this.deps.lab.info() : null,
        replicas: this.services.replicas.statuses(),
        loadBalancers: this.services.loadBalancers.statuses(),
        services: this.services.availability.services(),
        labServices: this.deps.labServices ? this.deps.labServices.info() : null,
        runs: this.runbookService?.runs() ?? [],
        readOnly: this.gate.readOnly.value,
      }),
      'runbooks.list': async () => (await this.loadedRunbooks()).list(),
      'runbooks.plan': async (input) => (await this.loadedRunbooks()).plan(input),
      'runbooks.run': async (input) => (await (await this.loadedRunbooks()).run(input)).view,
      'runs.list': async () => this.runbooks().runs(),
      'runs.abort': async ({ runId }) => this.runbooks().abort(runId),
      'runs.rollback': async ({ runId }) => this.runbooks().rollback(runId).view,
      'runs.continue': async ({ runId }) => this.runbooks().continue(runId).view,
      'settings.setReadOnly': async (setting) => this.gate.readOnly.set(setting),
      'lb.previewChange': ({ change, ...target }) => this.lbChanges.preview(target, change),
      'lb.setServerState': ({ loadBalancer, backend, server, state, confirm, revertOf }) =>
        this.lbChanges.apply({ loadBalancer, backend, server }, { kind: 'state', state }, { confirm, revertOf, origin: 'console' }),
      'lb.setWeight': ({ loadBalancer, backend, server, weight, confirm, revertOf }) =>
        this.lbChanges.apply({ loadBalancer, backend, server }, { kind: 'weight', weight }, { confirm, revertOf, origin: 'console' }),
      'lab.replicaFault': async ({ replica, kind, retryAfterSeconds, slowMs }) => {
        const info = await this.requireLabServices().setReplicaFault(replica, kind, { retryAfterSeconds, slowMs });
        this.record({ ts: this.now(), kind: kind ? 'lab.replica.fault' : 'lab.replica.cleared', subject: replica, severity: 'info', message: kind ? `lab: ${kind} on replica ${replica}` : `lab: cleared replica ${replica}` });
        return info;
      },
      'lab.traffic': async ({ ratePerSecond }) => {
        const info = await this.requireLabServices().setTrafficRate(ratePerSecond);
        this.record({ ts: this.now(), kind: 'lab.traffic', subject: null, severity: 'info', message: ratePerSecond > 0 ? `lab: traffic generator at ${ratePerSecond} req/s` : 'lab: traffic generator stopped' });
        return info;
      },
      'node.get': async ({ name }) => {
        const status = this.monitor.status(name);
        if (!status) throw new FleetError('NOT_FOUND', `no node named "${name}" in the inventory`, { subject: name });
        return status;
      },
      'events.list': async (q) => this.store.listEvents(q),
      'availability.series': async ({ service, range }) => this.services.availability.series(service, range),
      'history.series': async (q) => {
        if (!this.history) throw new FleetError('NOT_FOUND', 'this console keeps no history (it was started with the history off)');
        return this.history.series(q, (known) => this.inInventory(known));
      },
      ...trustHandlers({
        gate: this.gate,
        pendingHostKeys: this.pendingHostKeys,
        pool: this.pool,
        monitor: this.monitor,
        passphrases: this.passphrases,
        secrets: this.secrets,
        services: this.services,
        inventory: () => this.inventory,
        record: (e) => this.record(e),
        hostKeysChanged: () => this.bus.emit('hostKeys.changed', { pending: [...this.pendingHostKeys.values()] }),
        now: this.now,
      }),
      'lab.status': async () => (this.deps.lab ? this.deps.lab.info() : null),
      'lab.injectFault': async (fault) => {
        const info = this.requireLab().inject(fault);
        this.recordLab('lab.fault.injected', `lab: injected ${fault.kind} on ${fault.node}${fault.gpuIndex !== undefined ? ` GPU ${fault.gpuIndex}` : ''}`, fault.node, info);
        return info;
      },
      'lab.clearFault': async ({ node, kind }) => {
        const info = this.requireLab().clear(node, kind);
        this.recordLab('lab.fault.cleared', `lab: cleared ${kind ?? 'all faults'} on ${node}`, node, info);
        return info;
      },
    };
  }

  /** Whether the inventory has the subject of a history query (so no history yet is an empty series, not NOT_FOUND). */
  private inInventory(q: HistoryQuery): boolean {
    switch (q.kind) {
      case 'gpu':
        return q.gpu < (this.monitor.node(q.subject)?.gpus.count ?? 0);
      case 'node':
        return this.monitor.node(q.subject) !== undefined;
      case 'replica':
        return this.services.replicas.status(q.subject) !== undefined;
      case 'lbServer':
        return (this.inventory?.loadBalancers ?? []).some((lb) => lb.backends.some((b) => b.servers.some((s) => lbServerSubject(lb.name, b.name, s) === q.subject)));
    }
  }

  private recordLab(kind: string, message: string, node: string, info: LabInfo): void {
    this.record({ ts: this.now(), kind, subject: node, severity: 'info', message, data: { faults: info.faults } });
  }
}

export type { PushEvent };
