// First and alone in the page's entry: the WebSocket opens, and asks for the snapshot when it
// does (boot-socket.ts). The rest comes as a chunk of its own (fetched alongside: vite.config.mts),
// so the socket's open event is handled while that chunk downloads and compiles, instead of
// after the whole console's code has evaluated.
import './boot-socket';
// The one style sheet, linked from index.html (cssCodeSplit: false): nothing waits for it later.
import './styles.css';

import('./start').catch((err: unknown) => {
  // Nothing rendered: say why on the page instead of leaving it blank (a chunk that failed to load).
  const root = document.getElementById('root');
  if (root) root.textContent = `fleetops could not start: ${err instanceof Error ? err.message : String(err)}`;
  throw err;
});
