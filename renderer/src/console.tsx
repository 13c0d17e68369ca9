import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { ProblemLog } from './api/problem-log';
import { App } from './components/App';
import { createNavigation } from './model/navigation';
import { NavigationProvider } from './navigation-context';
import { notificationSink, notifySetting } from './notifications/browser';
import { startNotifications } from './notifications/controller';
import { ROUTES } from './views';

/**
 * The console itself — React, the views, navigation, notifications: most of the page's code, in
 * a chunk of its own that main.tsx loads while the snapshot is on its way. It starts on a
 * transport already installed and a query cache already in step with the pushes.
 */
export function startConsole({ queryClient, problems }: { queryClient: QueryClient; problems: ProblemLog }): void {
  // The token left the address bar before this reads it (selectTransport, in main.tsx).
  const navigation = createNavigation(window, ROUTES);
  // Follows the snapshot from its first fetch on, or from the one already cached (that one is
  // where every subject starts from); notifies only when the operator turned it on (the
  // header's "notify" setting).
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
