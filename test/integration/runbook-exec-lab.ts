/** Shared by the runbook-exec integration tests and their crash child: the journal DB and the drain plan. */
import Database from 'better-sqlite3';
import { HaproxyRuntime } from '../../electron/core/haproxy/runtime-client';
import { OWNERSHIP_MIGRATION } from '../../electron/core/locks/ownership-migration';
import { RUNBOOK_JOURNAL_MIGRATION } from '../../electron/core/runbook-exec/journal-migration';
import { RunbookEngine, type RunbookEngineDeps } from '../../electron/core/runbook-exec/run-engine';
import { createStepActions } from '../../electron/core/runbook-exec/step-actions';
import type { PlannedAction, RunbookPlan } from '../../shared/runbook';

/** The journal tables alone (the real store gets them as migration 4, after the audit log's 3). */
export function openJournalDb(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  // As the store does: durable across app crashes (what the journal is for) without an fsync per write.
  db.pragma('synchronous = NORMAL');
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'runbook_runs'").get()) db.exec(RUNBOOK_JOURNAL_MIGRATION.up + OWNERSHIP_MIGRATION.up);
  return db;
}

export interface LabRuntimeAddress {
  host: string;
  port: number;
}

export function labEngine(db: Database.Database, runtime: LabRuntimeAddress, onEvent?: RunbookEngineDeps['onEvent']): RunbookEngine {
  const rt = new HaproxyRuntime({ kind: 'tcp', host: runtime.host, port: runtime.port });
  const actions = createStepActions({ runtimeFor: () => rt, pollIntervalMs: 50 });
  return new RunbookEngine({ db, actions, onEvent });
}

const setState = (server: string, state: 'ready' | 'drain' | 'maint'): PlannedAction => ({
  type: 'lb.set-state',
  loadBalancer: 'lab',
  backend: 'llm',
  server,
  state,
  command: `set server llm/${server} state ${state}`,
});

/**
 * drain → wait sessions-zero → maint → wait until DOWN. A server in maintenance is never DOWN, so
 * the last step waits (up to `lastWaitSeconds`) until it is aborted or the process is killed.
 */
export function drainPlan(server: string, lastWaitSeconds: number): RunbookPlan {
  const wait = (until: 'sessions-zero' | 'down'): PlannedAction => ({ type: 'lb.wait', loadBalancer: 'lab', backend: 'llm', server, until, timeoutSeconds: lastWaitSeconds });
  return {
    runbook: 'drain-server',
    target: `llm/${server}`,
    params: { server },
    confirmation: null,
    onFailure: 'rollback',
    steps: [
      { index: 0, title: 'drain', action: setState(server, 'drain'), undo: setState(server, 'ready'), mutating: true, targets: [server] },
      { index: 1, title: 'wait for sessions to end', action: wait('sessions-zero'), undo: null, mutating: false, targets: [server] },
      { index: 2, title: 'maintenance', action: setState(server, 'maint'), undo: setState(server, 'ready'), mutating: true, targets: [server] },
      { index: 3, title: 'wait until down', action: wait('down'), undo: null, mutating: false, targets: [server] },
    ],
    preconditions: [],
    locks: [`llm/${server}`],
  };
}
