import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type Database from 'better-sqlite3';
import { capacityExitCode, type CapacityOverview, type ServingCheck, type Tally } from '../../shared/capacity';
import { toErrorData } from '../../shared/errors';
import { capacityOnce } from '../core/capacity/capacity-once';
import { loadInventoryFile } from '../core/inventory/load-inventory';
import { SshPool } from '../core/ssh/pool';
import { openConnection } from '../core/store/connection';
import { DEFAULT_STORE_FILE } from '../core/store/open-store';
import { chooseDataDir } from './data-dir';
import type { CliIo } from './io';
import { cliPassphrases, inventoryEnvFromProcess, secretFromEnv } from './runtime-env';

export const CAPACITY_USAGE = `Usage: fleetops capacity --inventory FILE [--json] [--data-dir DIR] [--concurrency N]
Per failure domain what serves, what stands by (warm or cold spares) and what is broken, and for
each service whether it survives losing its largest failure domain (region, else cluster): the
load carried by what is left, plus warm spares, plus cold spares after their start-up, and the
SLO left. Measures once (nodes, replicas, load balancers, Slurm); replica availability over 24 h
and replacement drills' recovery times come from the data directory's store when it has them
(default: the lab's own for a lab inventory, else the operator's).
Exit status: 0 every service survives its largest-domain loss, 1 one only survives with cold
spares or below its SLO, 2 one does not, 3 the command could not run (bad inventory, …).`;

/** Every option `capacity` parses (the usage texts and the README list each: test/unit/readme.test.ts). */
export const CAPACITY_OPTIONS = {
  inventory: { type: 'string', short: 'i' },
  json: { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
  concurrency: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runCapacityCommand(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: CAPACITY_OPTIONS, strict: true }));
  } catch (err) {
    io.err(`fleetops capacity: ${(err as Error).message}\n${CAPACITY_USAGE}`);
    return 3;
  }
  if (values.help) {
    io.out(CAPACITY_USAGE);
    return 0;
  }
  if (!values.inventory) {
    io.err(`fleetops capacity: --inventory FILE is required\n${CAPACITY_USAGE}`);
    return 3;
  }
  const concurrency = values.concurrency === undefined ? 32 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) {
    io.err('fleetops capacity: --concurrency must be an integer from 1 to 1024');
    return 3;
  }
  const inventoryPath = resolve(values.inventory);
  let inventory;
  try {
    inventory = await loadInventoryFile(inventoryPath, inventoryEnvFromProcess());
  } catch (err) {
    const e = toErrorData(err);
    io.err(`fleetops capacity: ${e.code}: ${e.message}`);
    for (const d of (e.detail as { errors?: { file: string; line: number; column: number; path: string; message: string }[] } | undefined)?.errors ?? []) {
      io.err(`  ${d.file}:${d.line}:${d.column}: ${d.path ? `${d.path}: ` : ''}${d.message}`);
    }
    return 3;
  }
  // Read only, and only a store that exists: this command measures, it never creates a data directory.
  const { dataDir } = chooseDataDir({ dataDir: values['data-dir'], inventoryPath });
  const storeFile = join(dataDir, DEFAULT_STORE_FILE);
  const db = existsSync(storeFile) ? openReadOnly(storeFile) : null;
  const pool = new SshPool({ passphrases: cliPassphrases(), connectTimeoutMs: 10_000 });
  let overview: CapacityOverview;
  try {
    overview = await capacityOnce(pool, inventory, { getSecret: secretFromEnv(), now: Date.now, concurrency, db });
  } finally {
    await pool.closeAll();
    db?.close();
  }
  if (values.json) io.out(JSON.stringify(overview, null, 2));
  else io.out(formatCapacity(overview, db ? storeFile : null));
  return capacityExitCode(overview.worst);
}

function openReadOnly(file: string): Database.Database | null {
  try {
    // A reader can meet a lock too (a console recovering the WAL after a crash): it waits, as the writers do.
    const db = openConnection(file, { readonly: true, fileMustExist: true });
    // A store from before drills existed has no drill_runs: then nothing was measured by drills.
    const has = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name IN ('drill_runs', 'request_buckets')`).all().length === 2;
    if (has) return db;
    db.close();
    return null;
  } catch {
    return null;
  }
}

const VERDICT_WORD = { survives: 'SURVIVES', 'cold-only': 'COLD-ONLY', 'below-slo': 'BELOW-SLO', fails: 'FAILS' } as const;
const tally = (t: Tally) => `${t.active} active, ${t.warm} warm, ${t.cold} cold, ${t.failed} failed`;
const pct = (a: number | null) => (a === null ? '-' : `${(a * 100).toFixed(3)}%`);
const line = (label: string, c: ServingCheck) => `    ${label.padEnd(16)} ${c.ok ? 'ok  ' : 'SHORT'} ${c.text}`;

export function formatCapacity(o: CapacityOverview, store: string | null): string {
  const out: string[] = [];
  for (const s of o.services) {
    out.push(`${s.loadBalancer}/${s.service}  ${VERDICT_WORD[s.loss.verdict]}  ${s.loss.text}`);
    out.push(`    members          ${tally(s.tally)}${s.k !== null ? `; N+k: needs ${s.needed}, k = ${s.k}` : ''}`);
    out.push(line('now', s.now));
    out.push(line('after the loss', s.loss.left));
    out.push(line('+ warm spares', s.loss.withWarm));
    out.push(line('+ cold spares', s.loss.withCold) + (s.loss.coldAfterSeconds !== null ? ` (after ${Math.round(s.loss.coldAfterSeconds)} s)` : ''));
    if (s.ratio.needed !== null) out.push(`    capacity/peak    ${s.ratio.actual === null ? 'unknown' : `${Math.round(s.ratio.actual * 100)}%`}; surviving one of ${s.ratio.domains} domains needs ${Math.round(s.ratio.needed * 100)}%`);
    for (const a of s.advice) out.push(`    +${a.added} spare${a.added === 1 ? ' ' : 's'}        availability ${pct(a.availability)} (+${a.gainPoints.toFixed(4)} points)${a.little ? ': little gained' : ''}`);
    out.push(`    recovery         ${s.recovery.warmSeconds !== null ? `warm ${Math.round(s.recovery.warmSeconds)} s, ` : ''}${s.recovery.coldSeconds !== null ? `cold ${Math.round(s.recovery.coldSeconds)} s` : ''}${s.recovery.coldSeconds !== null || s.recovery.warmSeconds !== null ? ': ' : ''}${s.recovery.text}`);
    for (const m of s.members) if (m.state !== 'active') out.push(`    ${m.replica.padEnd(16)} ${m.state}${m.reason ? `: ${m.reason}` : ''}`);
  }
  if (o.services.length === 0) out.push('no load-balancer backend in the inventory: no service to judge');
  out.push('');
  for (const d of o.domains) out.push(`${d.kind} ${d.name}${d.region ? ` (${d.region})` : ''}: nodes ${tally(d.nodes)}; GPUs ${tally(d.gpus)}; replicas ${tally(d.replicas)}`);
  for (const n of o.spareNodes) out.push(`spare node ${n.node} (${n.cluster}, ${n.gpus} GPUs, ${n.source}): ${n.readiness}${n.reason ? `: ${n.reason}` : ''}`);
  out.push('');
  out.push(store ? `availability over 24 h and drill recovery times from ${store}` : 'no console store found: availability over 24 h and drill recovery times unknown (use --data-dir)');
  return out.join('\n');
}
