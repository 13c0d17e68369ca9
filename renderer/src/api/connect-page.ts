import type { QueryClient } from '@tanstack/react-query';
import { installTransport } from './client';
import { createProblemLog, type ProblemLog } from './problem-log';
import { syncCacheWithTransport } from './push-sync';
import { fleetQueries } from './queries/fleet';
import { selectTransport } from './select-transport';
import type { Transport } from './transport';

/**
 * Everything that listens to the transport, attached the moment it exists (selectTransport's
 * `wire`): the page's early socket hands over what it received before (the snapshot's reply and
 * the pushes after it) on the next microtask, so a listener attached after an `await` never
 * heard those pushes — a host key listed only in a push was lost until the list changed again.
 */
function wireTransport(transport: Transport, queryClient: QueryClient): ProblemLog {
  installTransport(transport);
  // Before anything else, so no protocol problem goes unseen.
  const problems = createProblemLog(transport);
  syncCacheWithTransport(queryClient, transport);
  // Sent as soon as the socket opens (or takes the early socket's reply); the console's own query for it joins this fetch.
  void queryClient.prefetchQuery(fleetQueries.snapshot());
  return problems;
}

/** The page's transport, chosen (select-transport.ts) and wired into `queryClient` before it reports anything. */
export async function connectPage(queryClient: QueryClient): Promise<{ transport: Transport; problems: ProblemLog }> {
  let problems: ProblemLog | null = null;
  const transport = await selectTransport((t) => {
    problems = wireTransport(t, queryClient);
  });
  if (problems === null) throw new Error('the transport was not wired');
  return { transport, problems };
}
