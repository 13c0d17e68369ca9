import { useState, type FormEvent } from 'react';
import { useConnectionState } from '../api/connection-hooks';
import { TOKEN_STORAGE_KEY, tokenFromInput } from '../api/token';
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

/**
 * A link to a page of the console carries no token (it is never in a URL), so a tab with none —
 * in a browser where no console tab is open — asks for the printed URL here. The token goes to
 * this tab's sessionStorage and the page reloads at the same address: the linked page opens.
 */
function TokenForm() {
  const [text, setText] = useState('');
  const token = tokenFromInput(text);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (token === null) return;
    window.sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
    window.location.reload();
  };
  return (
    <form className="token-form" onSubmit={submit} data-testid="token-form">
      <label>
        URL printed by <code>fleetops serve</code> (or its token)
        <input
          type="password"
          autoComplete="off"
          spellCheck={false}
          data-testid="token-input"
          value={text}
          aria-invalid={text !== '' && token === null}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <button type="submit" data-testid="token-submit" disabled={token === null}>
        Connect
      </button>
    </form>
  );
}

export function ConnectionBanner() {
  const state = useConnectionState();
  const text = bannerText(state);
  if (text === null) return null;
  return (
    <div className={`banner banner-connection conn-${state.status}`} role="status" data-testid="connection-banner" data-status={state.status}>
      {text}
      {state.status === 'unauthorized' ? <TokenForm /> : null}
    </div>
  );
}
