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
import './styles.css';

const transport = selectTransport();
installTransport(transport);
// Subscribed before anything else runs, so no protocol problem goes unseen.
const problems = createProblemLog(transport);
const queryClient = createQueryClient();
syncCacheWithTransport(queryClient, transport);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App problems={problems} />
    </QueryClientProvider>
  </StrictMode>,
);
