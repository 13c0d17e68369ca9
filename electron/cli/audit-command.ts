/**
 * `fleetops audit verify|list`: checks the hash chain of the audit log in a data directory, or
 * prints its newest entries. Exit status: 0 intact / listed, 1 the chain is broken (verify),
 * 3 the command could not run (no store there, unusable store, bad options). `--inventory` of a
 * lab names the lab's own data directory (see data-dir.ts).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { toErrorData } from '../../shared/errors';
import { MAX_AUDIT_LIST_LIMIT, type AuditEntry } from '../core/audit/audit-log';
import type { VerifyResult } from '../core/audit/verify-chain';
import { DEFAULT_STORE_FILE, openStore, type Store } from '../core/store/open-store';
import { fleetMigrations } from '../core/fleet/builtin-features';
import type { CliIo } from './io';
import { chooseDataDir } from './data-dir';
import { defaultDataDir } from './runtime-env';

export const AUDIT_USAGE = `Usage:
  fleetops audit verify [--data-dir DIR | --inventory FILE] [--json]            check the audit log's hash chain
  fleetops audit list [--data-dir DIR | --inventory FILE] [--limit N] [--json]  newest entries first (default 20, at most ${MAX_AUDIT_LIST_LIMIT})
Default DIR: ${defaultDataDir()}; --inventory of a lab (DIR/fleet.yaml) means that lab's own DIR/data.
Exit status: 0 intact (verify) or listed, 1 the chain is broken (verify), 3 the command could not run.`;

const DEFAULT_LIST = 20;

const STORE_OPTIONS = {
  'data-dir': { type: 'string' },
  inventory: { type: 'string', short: 'i' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Every option each subcommand parses (the usage texts and the README list each: test/unit/readme.test.ts). */
export const AUDIT_OPTIONS = {
  verify: STORE_OPTIONS,
  list: { ...STORE_OPTIONS, limit: { type: 'string' } },
} as const;

class UsageError extends Error {}

export async function runAuditCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === 'verify') return withStore('verify', rest, io, AUDIT_OPTIONS.verify, (store, values) => verify(store, values.json === true, io));
    if (sub === 'list') return withStore('list', rest, io, AUDIT_OPTIONS.list, (store, values) => list(store, values.json === true, parseLimit(values.limit), io));
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      io.out(AUDIT_USAGE);
      return sub === undefined ? 3 : 0;
    }
    throw new UsageError(`unknown subcommand "${sub}"`);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`fleetops audit: ${err.message}\n${AUDIT_USAGE}`);
    return 3;
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;
type Values = Record<string, string | boolean | undefined>;

function withStore(name: string, args: string[], io: CliIo, options: OptionSpec, action: (store: Store, values: Values) => number): number {
  let values: Values;
  try {
    values = parseArgs({ args, options, strict: true }).values as Values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) {
    io.out(AUDIT_USAGE);
    return 0;
  }
  if (typeof values['data-dir'] === 'string' && typeof values.inventory === 'string') throw new UsageError('use either --data-dir or --inventory, not both');
  const { dataDir } = chooseDataDir({
    dataDir: typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined,
    inventoryPath: typeof values.inventory === 'string' ? resolve(values.inventory) : null,
  });
  const file = join(dataDir, DEFAULT_STORE_FILE);
  // openStore would create an empty store, which would then "verify": an empty log proves nothing.
  if (!existsSync(file)) {
    io.err(`fleetops audit ${name}: no fleetops store at ${file} (use --data-dir DIR, or --inventory FILE of a lab, to point at the one to check)`);
    return 3;
  }
  let store: Store;
  try {
    store = openStore(dataDir, { migrations: fleetMigrations() });
  } catch (err) {
    const e = toErrorData(err);
    io.err(`fleetops audit ${name}: ${e.code}: ${e.message}`);
    return 3;
  }
  try {
    return action(store, values);
  } finally {
    store.close();
  }
}

function parseLimit(value: string | boolean | undefined): number {
  if (value === undefined) return DEFAULT_LIST;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_AUDIT_LIST_LIMIT) throw new UsageError(`--limit must be an integer from 1 to ${MAX_AUDIT_LIST_LIMIT}, got "${String(value)}"`);
  return n;
}

function verify(store: Store, json: boolean, io: CliIo): number {
  const result = store.audit.verify();
  if (json) io.out(JSON.stringify({ file: store.path, ...result }, null, 2));
  else io.out(formatVerify(result, store.path));
  return result.ok ? 0 : 1;
}

export function formatVerify(result: VerifyResult, file: string): string {
  if (result.ok) {
    const last = result.lastHash === null ? 'the log is empty' : `last hash ${result.lastHash}`;
    return `audit log intact: ${result.entries} ${result.entries === 1 ? 'entry' : 'entries'} in ${file}, ${last}`;
  }
  const b = result.firstBroken;
  return `audit log BROKEN in ${file}: first broken entry is seq ${b.seq} (${isoTime(b.ts)}, kind ${b.kind}): ${b.reason}\n${result.entries} entries in the table`;
}

function list(store: Store, json: boolean, limit: number, io: CliIo): number {
  const entries = store.audit.list({ limit });
  if (json) io.out(JSON.stringify(entries, null, 2));
  else io.out(entries.length === 0 ? 'the audit log is empty' : entries.map(formatEntry).join('\n'));
  return 0;
}

/** One line per entry; an entry from a lab says so right after who made it: `ops@host [lab:/tmp/lab]`. */
export function formatEntry(e: AuditEntry): string {
  const shown = e.origin === null ? e.detail : withoutOrigin(e.detail);
  const detail = shown === null ? '' : `  ${JSON.stringify(shown)}`;
  const origin = e.origin === null ? '' : ` [${e.origin}]`;
  return `${String(e.seq).padStart(6)}  ${isoTime(e.ts)}  ${e.osUser}@${e.host}${origin}  ${e.kind}${e.subject === null ? '' : `  ${e.subject}`}${detail}`;
}

/** The detail without the origin shown beside the user (null when nothing else is left). */
function withoutOrigin(detail: unknown): unknown {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return detail;
  const rest: Record<string, unknown> = { ...(detail as Record<string, unknown>) };
  delete rest.origin;
  return Object.keys(rest).length === 0 ? null : rest;
}

/** A tampered ts may be anything; print what is there rather than throwing on an invalid Date. */
function isoTime(ts: unknown): string {
  const d = typeof ts === 'number' ? new Date(ts) : new Date(Number.NaN);
  return Number.isNaN(d.getTime()) ? `ts ${String(ts)}` : d.toISOString();
}
