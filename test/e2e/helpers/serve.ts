/**
 * `fleetops serve` started in-process, exactly as the CLI starts it (same argv parsing, same
 * core, same server), with a throw-away data directory and its output kept for diagnostics.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtRendererDir, startServe, type ServeHandle } from '../../../electron/cli/serve-command';
import type { ProbeCadence } from './cadence';

/** e2e tests drive the built console; say how to build it rather than fail on a blank page. */
export function requireBuiltRenderer(): void {
  const index = join(builtRendererDir(), 'index.html');
  if (!existsSync(index)) {
    throw new Error(`e2e tests need the built console, but ${index} is missing: run \`npm run build:renderer\` first (\`npm test\` does it).`);
  }
}

export interface E2eServe {
  handle: ServeHandle;
  /** The URL serve printed, token included. */
  url: string;
  /** http://127.0.0.1:PORT, without path or token. */
  origin: string;
  /** Everything serve wrote to stdout/stderr. */
  output: string[];
  stop(): Promise<void>;
}

export async function startE2eServe(args: readonly string[]): Promise<E2eServe> {
  requireBuiltRenderer();
  const dataDir = await mkdtemp(join(tmpdir(), 'fleetops-e2e-data-'));
  const output: string[] = [];
  const io = { out: (t: string) => void output.push(t), err: (t: string) => void output.push(`[err] ${t}`) };
  let handle: ServeHandle;
  try {
    handle = await startServe([...args, '--data-dir', dataDir], io);
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const url = new URL(handle.server.url);
  return {
    handle,
    url: handle.server.url,
    origin: url.origin,
    output,
    stop: async () => {
      try {
        await handle.stop();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** The node names the engine watches, sorted: what the page must show. */
export function watchedNodeNames(serve: E2eServe): string[] {
  return serve.handle.core.monitor
    .statuses()
    .map((s) => s.name)
    .sort();
}

/**
 * The probe settings the engine really uses for the watched nodes (all must share them), so
 * deadlines follow the inventory rather than a copy of its numbers.
 */
export function watchedCadence(serve: E2eServe): ProbeCadence {
  const settings = serve.handle.core.monitor.statuses().map((s) => serve.handle.core.monitor.node(s.name)?.probe);
  const first = settings[0];
  if (!first || settings.some((p) => JSON.stringify(p) !== JSON.stringify(first))) {
    throw new Error(`watched nodes do not share one probe cadence: ${JSON.stringify(settings)}`);
  }
  return first;
}
