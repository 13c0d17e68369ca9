/**
 * `fleetops run RUNBOOK --inventory FILE --target T [--param k=v ...] (--dry-run | --yes)`.
 * Exit status: 0 the run succeeded, 1 it failed and was rolled back (or stopped to wait),
 * 2 it was refused (lock, read-only, confirmation, bad parameter, failed precondition),
 * 3 the rollback itself failed.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { toErrorData } from '../../shared/errors';
import { FleetCore } from '../core/fleet/core';
import type { RunView } from '../core/runbook-exec/run-types';
import { formatPlan } from '../core/runbooks/format-plan';
import { PassphraseVault } from '../core/ssh/passphrase-vault';
import type { CliIo } from './io';
import { chooseDataDir, cliAuditIdentity } from './data-dir';
import { cliPassphrases, inventoryEnvFromProcess, secretFromEnv } from './runtime-env';

export const RUN_USAGE = `Usage: fleetops run RUNBOOK --inventory FILE --target T [--param k=v ...] (--dry-run | --yes)
       [--confirm NAME] [--override REASON] [--read-only] [--read-only-cluster NAME ...] [--data-dir DIR]
Plans the runbook against the inventory and prints every command exactly as it would be sent
(--dry-run), or runs it (--yes). A protected target also needs --confirm with its name.
       fleetops run (--rollback RUN | --continue RUN) --inventory FILE [--data-dir DIR]
Default DIR: a lab's own DIR/data for a lab's inventory, else the per-user data directory.
Exit status: 0 succeeded, 1 failed and rolled back, 2 refused, 3 the rollback failed.`;

/** Every option `run` parses (the usage texts and the README list each: test/unit/readme.test.ts). */
export const RUN_OPTIONS = {
  inventory: { type: 'string', short: 'i' },
  target: { type: 'string', short: 't' },
  param: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
  confirm: { type: 'string' },
  override: { type: 'string' },
  'read-only': { type: 'boolean', default: false },
  'read-only-cluster': { type: 'string', multiple: true },
  'data-dir': { type: 'string' },
  rollback: { type: 'string' },
  continue: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runRunCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: RUN_OPTIONS, strict: true });
  } catch (err) {
    io.err(`fleetops run: ${(err as Error).message}\n${RUN_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) return (io.out(RUN_USAGE), 0);
  if (values.rollback !== undefined || values.continue !== undefined) return resumeRun(values, io);
  const [runbookName] = positionals;
  if (!runbookName || !values.inventory || !values.target || positionals.length > 1) {
    io.err(`fleetops run: RUNBOOK, --inventory and --target are required\n${RUN_USAGE}`);
    return 2;
  }
  if (values['dry-run'] === values.yes) {
    io.err('fleetops run: say --dry-run (print the plan, send nothing) or --yes (run it)');
    return 2;
  }
  const params: Record<string, string> = {};
  for (const p of values.param ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) {
      io.err(`fleetops run: --param wants k=v, got ${JSON.stringify(p)}`);
      return 2;
    }
    params[p.slice(0, eq)] = p.slice(eq + 1);
  }

  const inventoryPath = resolve(values.inventory);
  let core: FleetCore | null = null;
  try {
    core = await openCore(inventoryPath, values['data-dir'], io);
    const service = core.runbooks();
    for (const r of service.runs()) if (r.status === 'stopped' || r.status === 'interrupted') io.err(`note: run ${r.id} (${r.runbook} on ${r.target}) is ${r.status}; it holds its targets until rolled back or continued`);
    // For this command only: the console's stored switch stays as the operator set it.
    if (values['read-only'] || values['read-only-cluster']?.length) service.restrictForThisProcess({ global: values['read-only'], clusters: values['read-only-cluster'] ?? [] });
    const input = { runbook: runbookName, target: values.target, params, overrideReason: values.override };
    if (values['dry-run']) {
      const plan = await service.plan(input);
      io.out(formatPlan(plan));
      return plan.preconditions.some((p) => !p.ok) ? 2 : 0;
    }
    const offProgress = core.subscribe((e) => {
      if (e.event === 'run.updated') io.out(progressLine(e.payload));
    });
    let view: RunView;
    try {
      const started = await service.run({ ...input, confirm: values.confirm }, { onPlan: (plan) => io.out(formatPlan(plan)) });
      const abort = () => {
        io.err('fleetops run: aborting: cancelling the running step and undoing the finished ones in reverse…');
        service.abort(started.view.id);
      };
      process.once('SIGINT', abort);
      process.once('SIGTERM', abort);
      try {
        view = await started.done;
      } finally {
        process.off('SIGINT', abort);
        process.off('SIGTERM', abort);
      }
    } finally {
      offProgress();
    }
    for (const line of endLines(view)) io.out(line);
    return exitFor(view);
  } catch (err) {
    const e = toErrorData(err);
    io.err(`fleetops run: ${e.code}: ${e.message}${e.code === 'CONFIRMATION_REQUIRED' ? ` (pass --confirm ${values.target} to run it)` : ''}`);
    return 2;
  } finally {
    await core?.stop();
  }
}

/**
 * `fleetops run --rollback RUN | --continue RUN --inventory FILE`: for a run a crash left
 * interrupted (or a failure left stopped): undo what it did, or go on from its step.
 */
async function resumeRun(values: { inventory?: string; 'data-dir'?: string; rollback?: string; continue?: string }, io: CliIo): Promise<number> {
  if (!values.inventory || (values.rollback !== undefined) === (values.continue !== undefined)) {
    io.err(`fleetops run: --rollback RUN or --continue RUN, with --inventory\n${RUN_USAGE}`);
    return 2;
  }
  let core: FleetCore | null = null;
  try {
    core = await openCore(resolve(values.inventory), values['data-dir'], io);
    const service = core.runbooks();
    const offProgress = core.subscribe((e) => {
      if (e.event === 'run.updated') io.out(progressLine(e.payload));
    });
    try {
      const started = values.rollback !== undefined ? service.rollback(values.rollback) : service.continue(values.continue!);
      const view = await started.done;
      for (const line of endLines(view)) io.out(line);
      return exitFor(view);
    } finally {
      offProgress();
    }
  } catch (err) {
    const e = toErrorData(err);
    io.err(`fleetops run: ${e.code}: ${e.message}`);
    return 2;
  } finally {
    await core?.stop();
  }
}

/**
 * The console's engine, headless, for one command: same store, connectors and runbooks. A lab's
 * inventory means the lab's own data directory (unless --data-dir), and entries marked as the lab's.
 */
export async function openCore(inventoryPath: string, dataDirOption: string | undefined, io: CliIo, processLabel = 'fleetops run'): Promise<FleetCore> {
  const { dataDir, labDir, source } = chooseDataDir({ dataDir: dataDirOption, inventoryPath });
  if (source === 'lab') io.err(`note: ${inventoryPath} is a lab's inventory: using the lab's data directory ${dataDir}`);
  const core = new FleetCore({
    dataDir,
    identity: cliAuditIdentity(labDir),
    inventoryPath,
    inventoryEnv: inventoryEnvFromProcess(),
    passphrases: new PassphraseVault({ inner: cliPassphrases() }),
    getSecret: secretFromEnv(),
    watchInventory: false,
    // How a console on the same data directory names this process while it holds a run.
    processLabel,
    // A console on the same data directory keeps the history; this one command would only probe twice.
    history: false,
  });
  try {
    await core.start();
  } catch (err) {
    await core.stop().catch(() => undefined);
    throw err;
  }
  return core;
}

function exitFor(view: RunView): number {
  switch (view.status) {
    case 'succeeded':
      return 0;
    case 'rollback-failed':
      return 3;
    default:
      return 1; // rolled back, or stopped to wait for the operator
  }
}

/** The run's outcome, then each step that ran: its status, how long it took, and what went wrong in its own words. */
function endLines(view: RunView): string[] {
  const lines = [`run ${view.id}: ${view.status}${view.reason ? ` (${view.reason})` : ''}`];
  for (const step of view.steps) {
    if (step.status === 'pending') continue;
    const took = step.durationMs === null ? '' : ` in ${(step.durationMs / 1000).toFixed(1)} s`;
    lines.push(`  ${step.index + 1}. ${step.title}: ${step.status}${took}${step.error !== null ? `: ${step.error}` : ''}`);
  }
  return lines;
}

function progressLine(run: RunView): string {
  const current = run.steps.find((s) => s.status === 'running' || s.status === 'undoing');
  const done = run.steps.filter((s) => s.status === 'succeeded').length;
  return `  [${run.status}] ${done}/${run.steps.length} done${current ? ` · ${current.status} step ${current.index + 1}: ${current.title}` : ''}`;
}
