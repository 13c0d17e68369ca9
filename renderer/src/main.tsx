import './zod-jitless';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { installTransport } from './api/client';
import { createProblemLog } from './api/problem-log';
import { syncCacheWithTransport } from './api/push-sync';
import { createQueryClient } from './api/query-client';
import { selectTransport } from './api/select-transport';
import { App } from './components/App';
import { createNavigation } from './model/navigation';
import { NavigationProvider } from './navigation-context';
import { notificationSink, notifySetting } from './notifications/browser';
import { startNotifications } from './notifications/controller';
import { applyTheme, storedTheme } from './preferences';
import { ROUTES } from './views';
import './styles.css';

// Before anything is drawn, so a pinned theme never flashes the other one.
applyTheme(storedTheme());

async function start(): Promise<void> {
  // Its first, synchronous part takes the token out of the address bar before navigation reads it.
  const selecting = selectTransport();
  const navigation = createNavigation(window, ROUTES);
  const transport = await selecting;
  installTransport(transport);
  // Subscribed before anything else runs, so no protocol problem goes unseen.
  const problems = createProblemLog(transport);
  const queryClient = createQueryClient();
  syncCacheWithTransport(queryClient, transport);
  // Follows the snapshot from its first fetch on (that one is where every subject starts from);
  // notifies only when the operator turned it on (the header's "notify" setting).
  startNotifications({
    client: queryClient,
    setting: notifySetting,
    sink: notificationSink,
    focus: () => window.focus(),
    open: (href) => navigation.go(href),
  });

  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <NavigationProvider navigation={navigation}>
          <App problems={problems} />
        </NavigationProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}

start().catch((err: unknown) => {
  // Nothing rendered: say why on the page instead of leaving it blank.
  const root = document.getElementById('root');
  if (root) root.textContent = `fleetops could not start: ${err instanceof Error ? err.message : String(err)}`;
  throw err;
});
