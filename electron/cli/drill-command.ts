/**
 * `fleetops drill run|list|stop-all|report`. `drill run` runs one drill from a system scheduler
 * (cron, a systemd timer) on the console's headless engine, same store and guardrails; its exit
 * status says what happened: 0 passed, 1 failed an expectation (or aborted), 2 refused or
 * skipped, 3 the restore failed (the fault may still be in place). `drill report` is
 * drill-report-command.ts.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DrillRunView } from '../../shared/drill-run';
import { isFinalDrillStatus } from '../../shared/drill-run';
import { toErrorData } from '../../shared/errors';
import { formatDrillPlan } from '../core/drills/format-drill-plan';
import type { FleetCore } from '../core/fleet/core';
import { runDrillReportCommand } from './drill-report-command';
import type { CliIo } from './io';
import { openCore } from './run-command';

export const DRILL_USAGE = `Usage: fleetops drill run NAME --inventory FILE [--dry-run] [--yes] [--seed S] [--confirm NAME] [--data-dir DIR]
  Plans the drill (--dry-run: print it, send nothing) or runs it to the end: inject, observe,
  restore, judge. A drill on a protected cluster wants --yes (or --confirm NAME) to run.
  Exit status: 0 passed, 1 failed an expectation or was aborted, 2 refused or skipped, 3 the restore failed.
       fleetops drill list --inventory FILE [--json] [--data-dir DIR]
  Every drill, its schedule (next five times) and its last run.
       fleetops drill stop-all --inventory FILE [--release] [--data-dir DIR]
  Aborts and restores every running drill (in every console on the data directory) and refuses
  new ones until released with --release.
       fleetops drill report RUN|last [--format md|json|html]   (see fleetops drill report --help)`;

/** Every option it parses (the usage texts and the README list each: test/unit/readme.test.ts). */
export const DRILL_OPTIONS = {
  inventory: { type: 'string', short: 'i' },
  'dry-run': { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
  seed: { type: 'string' },
  confirm: { type: 'string' },
  json: { type: 'boolean', default: false },
  release: { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runDrillCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'report') return runDrillReportCommand(rest, io);
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') return (io.out(DRILL_USAGE), sub === undefined ? 2 : 0);
  if (sub !== 'run' && sub !== 'list' && sub !== 'stop-all') {
    io.err(`fleetops drill: unknown subcommand "${sub}"\n${DRILL_USAGE}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: DRILL_OPTIONS, strict: true });
  } catch (err) {
    io.err(`fleetops drill ${sub}: ${(err as Error).message}\n${DRILL_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) return (io.out(DRILL_USAGE), 0);
  if (!values.inventory) {
    io.err(`fleetops drill ${sub}: --inventory is required\n${DRILL_USAGE}`);
    return 2;
  }
  if (sub === 'run' && (positionals.length !== 1 || !positionals[0])) {
    io.err(`fleetops drill run: name one drill\n${DRILL_USAGE}`);
    return 2;
  }
  let core: FleetCore | null = null;
  try {
    core = await openCore(resolve(values.inventory), values['data-dir'], io, `fleetops drill ${sub}`);
    if (sub === 'list') return await list(core, values.json, io);
    if (sub === 'stop-all') return await stopAll(core, values.release, io);
    return await runDrill(core, positionals[0]!, values, io);
  } catch (err) {
    const e = toErrorData(err);
    io.err(`fleetops drill ${sub}: ${e.code}: ${e.message}${e.code === 'CONFIRMATION_REQUIRED' ? ' (pass --yes to run it)' : ''}`);
    return 2;
  } finally {
    await core?.stop();
  }
}

async function runDrill(core: FleetCore, name: string, values: { 'dry-run': boolean; yes: boolean; seed?: string; confirm?: string }, io: CliIo): Promise<number> {
  if (values['dry-run']) {
    const plan = await core.handlers['drills.plan']({ name, seed: values.seed });
    io.out(formatDrillPlan(plan));
    return plan.preconditions.some((p) => !p.ok) ? 2 : 0;
  }
  // The typed confirmation of a protected drill: --yes says "I mean it" for a scheduled command line.
  const plan = values.confirm === undefined && values.yes ? await core.handlers['drills.plan']({ name, seed: values.seed }) : null;
  const confirm = values.confirm ?? plan?.confirmation ?? undefined;
  const off = core.subscribe((e) => {
    if (e.event === 'drill.updated') progress(e.payload, io);
  });
  const seen = new Set<string>();
  const progress = (v: DrillRunView, out: CliIo) => {
    for (const m of v.milestones) {
      const key = `${m.name}@${m.at}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.out(`  ${m.sinceInjectSeconds === null ? '      ' : `T+${m.sinceInjectSeconds.toFixed(1).padStart(5)}`} ${m.name}: ${m.text}`);
    }
  };
  try {
    const started = await core.handlers['drills.start']({ name, seed: values.seed, confirm });
    io.out(`drill ${name}: run ${started.id} (seed ${started.seed})`);
    const abort = () => {
      io.err('fleetops drill run: aborting: restoring the fault…');
      core.handlers['drills.abort']({ runId: started.id }).catch(() => undefined);
    };
    process.once('SIGINT', abort);
    process.once('SIGTERM', abort);
    let view: DrillRunView;
    try {
      view = isFinalDrillStatus(started.status) ? started : await ended(core, started.id);
    } finally {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    }
    progress(view, io);
    io.out(`drill ${name}: ${view.status}${view.reason ? ` (${view.reason})` : ''}`);
    for (const e of view.expectations) io.out(`  ${e.passed ? 'pass' : 'FAIL'}  ${e.text}`);
    return exitFor(view);
  } finally {
    off();
  }
}

/** The run's end, as pushed by the runner in this process. */
function ended(core: FleetCore, runId: string): Promise<DrillRunView> {
  return new Promise((resolve) => {
    const off = core.subscribe((e) => {
      if (e.event === 'drill.updated' && e.payload.id === runId && isFinalDrillStatus(e.payload.status)) {
        off();
        resolve(e.payload);
      }
    });
    // It may have ended between the start and the subscription.
    void core.handlers['drills.run']({ runId }).then((v) => {
      if (isFinalDrillStatus(v.status)) {
        off();
        resolve(v);
      }
    });
  });
}

export function exitFor(view: Pick<DrillRunView, 'status'>): number {
  switch (view.status) {
    case 'passed':
      return 0;
    case 'skipped':
      return 2;
    case 'restore-failed':
      return 3;
    default:
      return 1; // failed an expectation, or aborted (and restored)
  }
}

async function list(core: FleetCore, json: boolean, io: CliIo): Promise<number> {
  const l = await core.handlers['drills.list']({});
  if (json) {
    io.out(JSON.stringify(l, null, 2));
    return l.errors.length > 0 ? 2 : 0;
  }
  if (l.stopAll.engaged) io.out(`STOP-ALL engaged${l.stopAll.by ? ` by ${l.stopAll.by}` : ''}: no drill starts until released`);
  for (const d of l.drills) {
    const sched = d.schedule ? `${d.schedule.cron} ${d.schedule.timeZone}${d.schedule.paused ? ' (paused)' : ''}; next ${d.schedule.upcoming.map((u) => u.localTime + (u.blackout ? ' [blackout]' : '')).join(', ') || '—'}` : 'by hand only';
    const last = d.lastRun ? `last ${d.lastRun.status} ${new Date(d.lastRun.startedAt).toISOString()}` : 'never run';
    io.out(`${d.name}  [${d.faultKind}, response ${d.response}, ${d.source}]  ${sched}  ${last}`);
  }
  for (const e of l.errors) io.err(`${e.file ? `${e.file}: ` : ''}${e.message}`);
  return l.errors.length > 0 ? 2 : 0;
}

async function stopAll(core: FleetCore, release: boolean, io: CliIo): Promise<number> {
  if (release) {
    await core.handlers['drills.releaseStopAll']({});
    io.out('stop-all released: drills may start again');
    return 0;
  }
  const r = await core.handlers['drills.stopAll']({});
  io.out(`stop-all engaged: ${r.aborted.length === 0 ? 'no drill was running' : `aborting ${r.aborted.join(', ')}`}; new drills are refused until \`fleetops drill stop-all --release\``);
  // A drill this process aborts is restored before it exits (core.stop waits); others' owners act on their next tick.
  return 0;
}
