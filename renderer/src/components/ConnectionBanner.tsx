import { useConnectionState } from '../api/connection-hooks';
import type { ConnectionState } from '../api/transport';

function bannerText(state: ConnectionState): string | null {
  switch (state.status) {
    case 'open':
      return null;
    case 'connecting':
      return 'Connecting to the fleetops server…';
    case 'reconnecting':
      return `Disconnected — reconnecting (attempt ${state.attempt}, next try in ${Math.ceil(state.retryInMs / 1000)} s). What you see may be out of date.`;
    case 'unauthorized':
      return "This link's token is not valid; open the URL the server printed.";
    case 'closed':
      return 'The connection to the server is closed. Reload the page to reconnect.';
  }
}

export function ConnectionBanner() {
  const state = useConnectionState();
  const text = bannerText(state);
  if (text === null) return null;
  return (
    <div className={`banner banner-connection conn-${state.status}`} role="status" data-testid="connection-banner" data-status={state.status}>
      {text}
    </div>
  );
}
