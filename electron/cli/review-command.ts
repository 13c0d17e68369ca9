/**
 * `fleetops review FILE [--port N] [--trust]`: an incident bundle opened for offline review, with
 * no fleet: the bundle is checked and imported into a fresh data directory of its own (under the
 * system's temporary directory, removed when review stops), the global read-only switch is
 * turned on there, and the console is served on it (serve-command.ts) with no inventory — its
 * Incidents and Timeline views show the imported incident, nothing can change a fleet, and the
 * reviewer's own data directory is never touched. A refused bundle exits as `incident import`
 * does (1 signed by a key you do not trust, 3 refused: the part and what is wrong) and leaves
 * nothing behind.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { toErrorData } from '../../shared/errors';
import { fleetMigrations } from '../core/fleet/builtin-features';
import { ReadOnlySwitch } from '../core/gate/read-only-switch';
import { openStore } from '../core/store/open-store';
import { importIncidentCommand } from './incident-bundle-command';
import type { CliIo } from './io';
import { startServe, type ServeHandle } from './serve-command';

export const REVIEW_USAGE = `Usage: fleetops review FILE [--port N] [--trust]
Checks an incident bundle, imports it into a temporary data directory of its own (removed when
review stops) and serves the console on it, read-only and with no fleet, on 127.0.0.1.
  -p, --port N   port to listen on (default: any free port)
  --trust        accept the bundle's signer although this machine does not trust it
Exit status: 0 stopped after review, 1 signed by a key you do not trust (use --trust, or
\`fleetops bundle trust FILE\`), 3 refused (the part and what is wrong) or it could not start.`;

/** Every option it parses (the usage texts and the README list each: test/unit/readme.test.ts). */
export const REVIEW_OPTIONS = {
  port: { type: 'string', short: 'p' },
  trust: { type: 'boolean' },
  'renderer-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ReviewHandle {
  serve: ServeHandle;
  /** The temporary data directory (removed by stop()). */
  workspace: string;
  incidentId: string;
  stop(): Promise<void>;
}

/** Imports and serves; null (having said why, and removed the workspace) when the bundle is refused. */
export async function startReview(argv: string[], io: CliIo): Promise<{ handle: ReviewHandle | null; code: number }> {
  const { values, positionals } = parseArgs({ args: argv, options: REVIEW_OPTIONS, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new Error(positionals.length === 0 ? 'name the bundle file to review' : `one bundle at a time, got ${positionals.join(' ')}`);
  const workspace = await mkdtemp(join(tmpdir(), 'fleetops-review-'));
  // However the process ends, the workspace goes with it (a signal after start, a crash).
  const removeNow = () => rmSync(workspace, { recursive: true, force: true });
  process.once('exit', removeNow);
  const cleanup = async () => {
    process.off('exit', removeNow);
    await rm(workspace, { recursive: true, force: true });
  };
  try {
    const imported = await importIncidentCommand({ dataDir: workspace, file: positionals[0]!, trust: values.trust ?? false }, io, true);
    if (imported.id === null) {
      await cleanup();
      return { handle: null, code: imported.code };
    }
    // Read-only before the console starts: nothing it serves may change a fleet (it has none) or trust.
    const store = openStore(workspace, { migrations: fleetMigrations() });
    try {
      new ReadOnlySwitch({ settings: store.settings, audit: store.audit, record: (e) => store.appendEvent(e), now: Date.now }).set({ global: true, clusters: [] });
    } finally {
      store.close();
    }
    const serve = await startServe(['--data-dir', workspace, ...(values.port ? ['--port', values.port] : []), ...(values['renderer-dir'] ? ['--renderer-dir', values['renderer-dir']] : [])], io);
    io.out(`review: incident ${imported.id}, read-only, in ${workspace} (removed when review stops: Ctrl+C)`);
    return {
      code: 0,
      handle: {
        serve,
        workspace,
        incidentId: imported.id,
        stop: async () => {
          try {
            await serve.stop();
          } finally {
            await cleanup();
          }
        },
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

export async function runReviewCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(REVIEW_USAGE);
    return 0;
  }
  // Listening before the URL is printed, as serve does: a signal during start-up stops it right after.
  let stop = () => {};
  const stopped = new Promise<void>((resolveStop) => {
    stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const unlisten = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  let started: Awaited<ReturnType<typeof startReview>>;
  try {
    started = await startReview(argv, io);
  } catch (err) {
    unlisten();
    io.err(`fleetops review: ${toErrorData(err).message}\n${REVIEW_USAGE}`);
    return 3;
  }
  if (!started.handle) {
    unlisten();
    return started.code;
  }
  await stopped;
  unlisten();
  io.out('stopping…');
  await started.handle.stop();
  return 0;
}
