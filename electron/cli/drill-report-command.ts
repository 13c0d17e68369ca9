/**
 * `fleetops drill report RUN|last [--format md|json|html|bundle] [--drill NAME]`: a drill run's
 * report, the same one the console exports (electron/core/drills/report/), printed to stdout or
 * written to a file; `bundle` is all three in one signed bundle (electron/core/bundle/), signed
 * with the data directory's key, that `fleetops bundle verify` checks anywhere. Reads the store of a data directory without a console running (`--inventory` of a
 * lab means the lab's own, see data-dir.ts). Exit status: 0 printed, 3 the report could not be
 * made (bad options, no store, no such run).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type Database from 'better-sqlite3';
import { DrillReportFormat } from '../../shared/drill-report';
import { toErrorData } from '../../shared/errors';
import { osAuditIdentity } from '../core/audit/identity';
import { loadSigningKey } from '../core/bundle/signing-key';
import { writeBundle } from '../core/bundle/write-bundle';
import { renderDrillReport } from '../core/drills/report/render-report';
import { reportInputFor, resolveDrillRun, storeReportSource } from '../core/drills/report/report-source';
import { fleetMigrations } from '../core/fleet/builtin-features';
import { openConnection } from '../core/store/connection';
import { DEFAULT_STORE_FILE, openStore } from '../core/store/open-store';
import { chooseDataDir } from './data-dir';
import type { CliIo } from './io';
import { defaultDataDir, secretFromEnv } from './runtime-env';

export const DRILL_REPORT_USAGE = `Usage: fleetops drill report RUN|last [--format md|json|html|bundle] [--drill NAME] [--output FILE]
                            [--data-dir DIR | --inventory FILE]
  RUN is a drill run's id; last is the newest run (of --drill NAME when given).
  --format   md (default), json, html (one self-contained page with the plot), or bundle (all
             three in one file signed with the data directory's key; needs --output)
  --output   write the report to FILE instead of printing it
Default DIR: ${defaultDataDir()}; --inventory of a lab (DIR/fleet.yaml) means that lab's own DIR/data.
Exit status: 0 printed, 3 the report could not be made.`;

/** Every option it parses (the usage texts and the README list each: test/unit/readme.test.ts). */
export const DRILL_REPORT_OPTIONS = {
  format: { type: 'string' },
  drill: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'data-dir': { type: 'string' },
  inventory: { type: 'string', short: 'i' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runDrillReportCommand(argv: string[], io: CliIo, now: () => number = Date.now): Promise<number> {
  const parsed = parse(argv);
  if (typeof parsed === 'string') return usageError(io, parsed);
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(DRILL_REPORT_USAGE);
    return 0;
  }
  if (positionals.length !== 1) return usageError(io, positionals.length === 0 ? 'name the run: its id, or last' : `one run at a time, got ${positionals.join(' ')}`);
  const bundle = values.format === 'bundle';
  const format = DrillReportFormat.safeParse(bundle ? 'md' : (values.format ?? 'md'));
  if (!format.success) return usageError(io, `--format must be md, json, html or bundle, got "${values.format}"`);
  if (bundle && values.output === undefined) return usageError(io, 'a bundle is a binary file: give --output FILE');
  if (values.drill !== undefined && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(values.drill)) return usageError(io, `--drill must be a drill name, got "${values.drill}"`);
  if (values['data-dir'] !== undefined && values.inventory !== undefined) return usageError(io, 'use either --data-dir or --inventory, not both');

  const { dataDir } = chooseDataDir({ dataDir: values['data-dir'], inventoryPath: values.inventory === undefined ? null : resolve(values.inventory) });
  const file = join(dataDir, DEFAULT_STORE_FILE);
  // openStore would create an empty store; a report of nothing helps no one.
  if (!existsSync(file)) {
    io.err(`fleetops drill report: no fleetops store at ${file} (use --data-dir DIR, or --inventory FILE of a lab)`);
    return 3;
  }
  try {
    // Opened once with every migration, so an older data directory gets the drill tables (empty) rather than an SQL error.
    openStore(dataDir, { migrations: fleetMigrations() }).close();
    // A reader can meet a lock too (a console recovering the WAL after a crash): it waits, as the writers do.
    const db = openConnection(file, { readonly: true, fileMustExist: true });
    try {
      const source = storeReportSource(db);
      const run = resolveDrillRun(source, positionals[0], values.drill);
      if (bundle) {
        const input = reportInputFor(source, run, now());
        const parts = DrillReportFormat.options.map((f) => {
          const r = renderDrillReport(input, f);
          return { name: `report.${f}`, mediaType: r.mediaType, content: r.content };
        });
        const key = await loadSigningKey(dataDir, secretFromEnv());
        const who = osAuditIdentity();
        const bytes = await writeBundle({ kind: 'drill-report', subject: run.id, title: `Drill ${run.drill} run ${run.id} (${run.status})`, createdBy: `${who.user}@${who.host}`, parts }, key, new Date(now()));
        writeFileSync(resolve(values.output!), bytes);
        io.err(`wrote the signed report bundle of drill ${run.drill} run ${run.id} (${run.status}) to ${resolve(values.output!)}, signed by ${key.fingerprint}`);
        return 0;
      }
      const report = renderDrillReport(reportInputFor(source, run, now()), format.data);
      if (values.output === undefined) io.out(report.content);
      else {
        writeFileSync(resolve(values.output), report.content);
        io.err(`wrote the ${format.data} report of drill ${run.drill} run ${run.id} (${run.status}) to ${resolve(values.output)}`);
      }
      return 0;
    } finally {
      db.close();
    }
  } catch (err) {
    const e = toErrorData(err);
    io.err(`fleetops drill report: ${e.code}: ${e.message}`);
    return 3;
  }
}

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: DRILL_REPORT_OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    return (err as Error).message;
  }
}

function usageError(io: CliIo, message: string): number {
  io.err(`fleetops drill report: ${message}\n${DRILL_REPORT_USAGE}`);
  return 3;
}
