import { connectPage } from './api/connect-page';
import { connectionSettled } from './api/connection-settled';
import { PERF_MARK, perfMark } from './api/perf-marks';
import { createQueryClient } from './api/query-client';
import { applyTheme, storedTheme } from './preferences';

/**
 * The page starts in three parts, so that the snapshot — what the first render waits for most —
 * is asked for first: the entry (main.tsx) only opens the socket, which asks for the snapshot as
 * soon as it opens; this part (the transport, the contract, the query cache) takes the socket
 * over and keeps the cache in step with the pushes from the first one on; the console
 * (console.tsx: React, the views, most of the code) is evaluated while the server builds and
 * sends the snapshot. Both are fetched alongside the entry (vite.config.mts preloads them).
 */

// Before anything is drawn, so a pinned theme never flashes the other one.
applyTheme(storedTheme());

/** How long a socket that does not open may hold the console back (connection-settled.ts). */
const OPEN_WAIT_MS = 1000;

async function start(): Promise<void> {
  perfMark(PERF_MARK.boot);
  const queryClient = createQueryClient();
  // Its first, synchronous part takes the token out of the address bar before anything reads it;
  // the cache listens to the transport (and asks for the snapshot) from the moment it exists.
  const { transport, problems } = await connectPage(queryClient);
  await connectionSettled(transport, OPEN_WAIT_MS);
  const { startConsole } = await import('./console');
  startConsole({ queryClient, problems });
}

start().catch((err: unknown) => {
  // Nothing rendered: say why on the page instead of leaving it blank.
  const root = document.getElementById('root');
  if (root) root.textContent = `fleetops could not start: ${err instanceof Error ? err.message : String(err)}`;
  throw err;
});
