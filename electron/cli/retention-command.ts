/**
 * `fleetops retention [--events-days N]`: how many days of events a data directory's timeline
 * keeps (default 90; events an incident holds and imported ones are kept whatever it says), shown
 * or set. Set in the store, so every console and CLI on that directory prunes alike from its next
 * pass, and audited (`settings.retention`): shortening it deletes evidence sooner. Exit status:
 * 0 shown or set, 3 bad options or no store there.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { toErrorData } from '../../shared/errors';
import { fleetMigrations } from '../core/fleet/builtin-features';
import { DEFAULT_STORE_FILE, openStore } from '../core/store/open-store';
import { EVENT_RETENTION_SETTING } from '../core/timeline/retention-setting';
import { chooseDataDir } from './data-dir';
import type { CliIo } from './io';
import { defaultDataDir } from './runtime-env';

export const RETENTION_USAGE = `Usage: fleetops retention [--events-days N] [--data-dir DIR | --inventory FILE] [--json]
Shows (or, with --events-days, sets) how many days of events the timeline keeps: older ones are
pruned, except those an incident holds and those imported from bundles. Default 90.
  --events-days N   keep N days (1 to 3650); every console on the data directory applies it at its next pass
Default DIR: ${defaultDataDir()}; --inventory of a lab (DIR/fleet.yaml) means that lab's own DIR/data.`;

/** Every option it parses (the usage texts and the README list each: test/unit/readme.test.ts). */
export const RETENTION_OPTIONS = {
  'events-days': { type: 'string' },
  'data-dir': { type: 'string' },
  inventory: { type: 'string', short: 'i' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runRetentionCommand(argv: string[], io: CliIo): Promise<number> {
  let values: { 'events-days'?: string; 'data-dir'?: string; inventory?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: RETENTION_OPTIONS, strict: true }));
  } catch (err) {
    io.err(`fleetops retention: ${(err as Error).message}\n${RETENTION_USAGE}`);
    return 3;
  }
  if (values.help) {
    io.out(RETENTION_USAGE);
    return 0;
  }
  if (values['data-dir'] !== undefined && values.inventory !== undefined) {
    io.err(`fleetops retention: use either --data-dir or --inventory, not both\n${RETENTION_USAGE}`);
    return 3;
  }
  const days = values['events-days'];
  if (days !== undefined && !(/^\d+$/.test(days) && EVENT_RETENTION_SETTING.schema.safeParse(Number(days)).success)) {
    io.err(`fleetops retention: --events-days must be a whole number of days from 1 to 3650, got "${days}"`);
    return 3;
  }
  const { dataDir } = chooseDataDir({ dataDir: values['data-dir'], inventoryPath: values.inventory ? resolve(values.inventory) : null });
  if (!existsSync(join(dataDir, DEFAULT_STORE_FILE))) {
    io.err(`fleetops retention: no fleetops store at ${join(dataDir, DEFAULT_STORE_FILE)} (use --data-dir DIR, or --inventory FILE of a lab)`);
    return 3;
  }
  try {
    const store = openStore(dataDir, { migrations: fleetMigrations() });
    try {
      const before = store.settings.get(EVENT_RETENTION_SETTING);
      if (days !== undefined && Number(days) !== before.value) {
        store.settings.set(EVENT_RETENTION_SETTING, Number(days));
        store.audit.append({ kind: 'settings.retention', subject: null, detail: { eventsDays: Number(days), before: before.value } });
      }
      const now = store.settings.get(EVENT_RETENTION_SETTING);
      if (values.json) io.out(JSON.stringify({ eventsDays: now.value, source: now.source, problem: now.problem }));
      else io.out(`events kept ${now.value} days${now.source === 'initial' ? ' (the default)' : ''}${now.problem ? ` — ${now.problem}` : ''}; an incident's events and imported ones are kept whatever this says`);
      return 0;
    } finally {
      store.close();
    }
  } catch (err) {
    const e = toErrorData(err);
    io.err(`fleetops retention: ${e.code}: ${e.message}`);
    return 3;
  }
}
