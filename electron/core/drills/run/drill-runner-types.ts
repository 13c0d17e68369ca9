/**
 * What the drill runner needs, as narrow interfaces: the store rows, the runbook engine that
 * holds the fault, the fleet (plan, scope, observer, verdicts, response runbooks) and the record
 * (audit, events, pushes). drills-feature.ts builds them from the core; unit tests give scripted
 * ones.
 */
import type Database from 'better-sqlite3';
import type { DrillFile, DrillPlan } from '../../../../shared/drill';
import type { DrillRunStatus, DrillRunView } from '../../../../shared/drill-run';
import type { RunView } from '../../../../shared/runbook';
import type { AuditLog } from '../../audit/audit-log';
import type { ProcessOwner } from '../../locks/process-owner';
import type { Timers } from '../../probe/scheduler';
import type { RunbookEngine } from '../../runbook-exec/run-engine';
import type { AppendEventInput } from '../../store/event-log';
import type { StopAllSwitch } from '../schedule/stop-all-switch';
import type { DrillObserver, LbServerRef, ObserverConfig } from '../observe/observer-types';
import type { DrillRunStore } from './drill-run-store';

/** Who the drill's fault runs as; what a response run is. */
export type FaultEngine = Pick<RunbookEngine, 'start' | 'abort' | 'rollback' | 'revert' | 'get' | 'recover' | 'list' | 'holderOf'>;

/** What the fault touches, as the observer watches it. */
export interface DrillScope {
  /** The targets' servers in HAProxy: polled fast, compared with the baseline after the restore. */
  lbServers: LbServerRef[];
  /** Target replicas and nodes: console detection, healthy again for the baseline. */
  subjects: string[];
  /** Replicas of the service outside the blast radius: one turning unhealthy aborts the drill. */
  outside: string[];
}

export interface DrillFleet {
  /** Plans the named drill against the fleet as it is now (throws NOT_FOUND, DRILL_INVALID, …). */
  plan(name: string, seed?: string): Promise<{ plan: DrillPlan; drill: DrillFile }>;
  scope(plan: DrillPlan): DrillScope;
  observer(config: ObserverConfig): DrillObserver;
  /** The console's verdict on a node or replica now ("healthy", …), undefined without one. */
  health(subject: string): string | undefined;
  /** Starts the drill's runbook response (through the runbook service: planned, gated, audited). */
  startResponse(plan: DrillPlan): Promise<{ runId: string; done: Promise<RunView> }>;
  /** A runbook run by id (the operator's linked response), null if unknown. */
  runbookRun(runId: string): RunView | null;
  /** A replica's node and when its last health probe answered healthy (null: the last failed, or none yet); null for an unknown replica. */
  replicaAnswer(replica: string): { node: string | null; lastHealthyAt: number | null } | null;
  /** An open incident on the drill's targets or its service's replicas (and their nodes), or null. */
  openIncident(plan: DrillPlan): { id: string; title: string } | null;
  /** Whether `at` is inside one of the drill's schedule's blackout windows. */
  inBlackout(drill: DrillFile, at: number): boolean;
}

export interface DrillRunnerDeps {
  db: Database.Database;
  store: DrillRunStore;
  engine: FaultEngine;
  owner: Pick<ProcessOwner, 'id' | 'isAlive'>;
  stopAll: Pick<StopAllSwitch, 'state'>;
  fleet: DrillFleet;
  audit: Pick<AuditLog, 'append'>;
  record: (e: AppendEventInput) => void;
  push: (view: DrillRunView) => void;
  identity: { user: string; host: string };
  timers: Timers;
  newId?: () => string;
  /** Drills running at once across every process (default 1: a drill injects a real fault). */
  globalCap?: number;
  /** How often a running drill looks at its stop conditions and the store (default 250 ms). */
  tickMs?: number;
  /** How long the end state (detected, hypothesis holding, response done) must last before the restore (default 5 s). */
  settleMs?: number;
  /** The longest the runner waits after the restore for everything to be back to its baseline (default 3 min). */
  baselineTimeoutMs?: number;
  /** A run ended (the scheduler's runEnded). */
  onEnded?: (runId: string, status: DrillRunStatus) => void;
}
