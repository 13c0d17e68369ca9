/**
 * `fleetops run RUNBOOK --inventory FILE --target T [--param k=v ...] (--dry-run | --yes)`.
 * Exit status: 0 the run succeeded, 1 it failed and was rolled back (or stopped to wait),
 * 2 it was refused (lock, read-only, confirmation, bad parameter, failed precondition),
 * 3 the rollback itself failed.
 */
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { toErrorData } from '../../shared/errors';
import type { RunbookPlan } from '../../shared/runbook';
import { FleetCore } from '../core/fleet/core';
import { loadInventoryFile } from '../core/inventory/load-inventory';
import { engineForCore } from '../core/runbook-exec/engine-for-core';
import type { RunView } from '../core/runbook-exec/run-types';
import { formatPlan } from '../core/runbooks/format-plan';
import { loadRunbooks } from '../core/runbooks/load-runbooks';
import { planRunbook } from '../core/runbooks/plan-runbook';
import { PassphraseVault } from '../core/ssh/passphrase-vault';
import type { CliIo } from './io';
import { cliPassphrases, defaultDataDir, inventoryEnvFromProcess, secretFromEnv } from './runtime-env';

export const RUN_USAGE = `Usage: fleetops run RUNBOOK --inventory FILE --target T [--param k=v ...] (--dry-run | --yes)
       [--confirm NAME] [--override REASON] [--read-only] [--read-only-cluster NAME ...] [--data-dir DIR]
Plans the runbook against the inventory and prints every command exactly as it would be sent
(--dry-run), or runs it (--yes). A protected target also needs --confirm with its name.
Exit status: 0 succeeded, 1 failed and rolled back, 2 refused, 3 the rollback failed.`;

export async function runRunCommand(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
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
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.err(`fleetops run: ${(err as Error).message}\n${RUN_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) return (io.out(RUN_USAGE), 0);
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
  let closeEngine = () => {};
  try {
    const inventory = await loadInventoryFile(inventoryPath, inventoryEnvFromProcess());
    const { runbooks, notices } = await loadRunbooks(inventoryPath);
    for (const n of notices) io.err(n);
    const loaded = runbooks.get(runbookName);
    if (!loaded) {
      io.err(`fleetops run: no runbook named "${runbookName}" (known: ${[...runbooks.keys()].sort().join(', ')})`);
      return 2;
    }
    core = new FleetCore({
      dataDir: resolve(values['data-dir'] ?? defaultDataDir()),
      inventoryPath,
      inventoryEnv: inventoryEnvFromProcess(),
      passphrases: new PassphraseVault({ inner: cliPassphrases() }),
      getSecret: secretFromEnv(),
      watchInventory: false,
    });
    await core.start();
    const audit = core.store.audit;
    // Every step transition is on the record: who ran what, where, and what each step did.
    const seen = new Map<string, string>();
    const { engine, close } = engineForCore(core, inventory, (e) => {
      io.out(progressLine(e.run));
      for (const step of e.run.steps) {
        const key = `${e.run.id}/${step.index}`;
        if (seen.get(key) === step.status) continue;
        seen.set(key, step.status);
        if (step.status === 'pending') continue;
        audit.append({ kind: 'runbook.step', subject: e.run.target, detail: { run: e.run.id, runbook: e.run.runbook, step: step.index, title: step.title, status: step.status } });
      }
    });
    closeEngine = close;
    const pending = engine.recover();
    for (const r of pending) io.err(`note: run ${r.id} (${r.runbook} on ${r.target}) is ${r.status}; it holds its targets until rolled back or continued`);
    const holderOf = (subject: string) => {
      for (const r of engine.list()) if (!['succeeded', 'rolled-back', 'rollback-failed'].includes(r.status) && r.plan.locks.includes(subject)) return `run ${r.id} (${r.runbook} on ${r.target}, ${r.status})`;
      return null;
    };
    // Plan against the fleet as it is now: the LBs' own view and a fresh probe of every replica.
    await Promise.all([
      ...inventory.loadBalancers.map((l) => core!.services.loadBalancers.poll(l.name)),
      ...inventory.replicas.map((r) => core!.services.replicas.probeNow(r.name)),
    ]);
    const servingNow = (name: string): string => {
      // A server HAProxy keeps out (MAINT, DRAIN, DOWN, weight 0) serves nobody, whatever its probes say.
      for (const lb of core!.services.loadBalancers.statuses()) {
        const row = lb.servers.find((s) => s.replica === name);
        if (row && (!/^UP\b|^no check$/.test(row.status) || row.weight === 0)) return `out of service (LB: ${row.status})`;
      }
      return core!.services.replicas.status(name)?.health ?? 'unknown';
    };
    const plan = planRunbook(loaded.runbook, {
      inventory,
      target: values.target,
      params,
      readOnly: { global: values['read-only'], clusters: values['read-only-cluster'] ?? [] },
      lockHolder: holderOf,
      replicaHealth: servingNow,
      override: values.override ? { reason: values.override } : undefined,
    });
    io.out(formatPlan(plan));
    audit.append({ kind: values['dry-run'] ? 'runbook.dry-run' : 'runbook.plan', subject: plan.target, detail: plan });
    if (values.override) audit.append({ kind: 'runbook.override', subject: plan.target, detail: { runbook: plan.runbook, reason: values.override } });
    const failed = plan.preconditions.filter((p) => !p.ok);
    if (values['dry-run']) return failed.length ? 2 : 0;
    if (failed.length) {
      audit.append({ kind: 'runbook.refused', subject: plan.target, detail: { runbook: plan.runbook, failed: failed.map((p) => p.text) } });
      io.err(`fleetops run: refused: ${failed.map((p) => p.text).join('; ')}`);
      return 2;
    }
    if (plan.confirmation !== null && values.confirm !== plan.confirmation) {
      audit.append({ kind: 'runbook.refused', subject: plan.target, detail: { runbook: plan.runbook, reason: 'confirmation missing or wrong' } });
      io.err(`fleetops run: refused (CONFIRMATION_REQUIRED): ${plan.target} is protected; pass --confirm ${plan.confirmation} to run it`);
      return 2;
    }
    if (plan.confirmation !== null) audit.append({ kind: 'runbook.confirmation', subject: plan.target, detail: { runbook: plan.runbook, typed: values.confirm } });
    const handle = engine.start(plan, { confirm: values.confirm, operator: { user: safeUser(), host: hostname() } });
    audit.append({ kind: 'runbook.run', subject: plan.target, detail: { run: handle.runId, runbook: plan.runbook, params: plan.params } });
    const abort = () => {
      audit.append({ kind: 'runbook.abort', subject: plan.target, detail: { run: handle.runId, runbook: plan.runbook } });
      io.err('fleetops run: aborting: cancelling the running step and undoing the finished ones in reverse…');
      engine.abort(handle.runId);
    };
    process.once('SIGINT', abort);
    process.once('SIGTERM', abort);
    let view: RunView;
    try {
      view = await handle.done;
    } finally {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    }
    io.out(`run ${view.id}: ${view.status}${view.reason ? ` (${view.reason})` : ''}`);
    audit.append({ kind: 'runbook.end', subject: plan.target, detail: { run: view.id, runbook: plan.runbook, status: view.status, reason: view.reason } });
    return exitFor(view, plan);
  } catch (err) {
    const e = toErrorData(err);
    io.err(`fleetops run: ${e.code}: ${e.message}`);
    return 2;
  } finally {
    closeEngine();
    await core?.stop();
  }
}

function exitFor(view: RunView, _plan: RunbookPlan): number {
  switch (view.status) {
    case 'succeeded':
      return 0;
    case 'rollback-failed':
      return 3;
    default:
      return 1; // rolled back, or stopped to wait for the operator
  }
}

function progressLine(run: RunView): string {
  const current = run.steps.find((s) => s.status === 'running' || s.status === 'undoing');
  const done = run.steps.filter((s) => s.status === 'succeeded').length;
  return `  [${run.status}] ${done}/${run.steps.length} done${current ? ` · ${current.status} step ${current.index + 1}: ${current.title}` : ''}`;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
