import { useState, useSyncExternalStore } from 'react';
import { parseNotify, type NotifyChoice } from '../model/preferences';
import { notificationSink, notifySetting } from './browser';
import type { NotifyPermission } from './controller';

const LABELS: Record<NotifyChoice, string> = {
  off: 'off',
  critical: 'when down',
  warning: 'when down or degraded',
};

const TITLE =
  'Desktop notifications when a node, replica or load balancer turns unhealthy or unreachable, or a service burns its error budget fast ' +
  '(“when down”); “when down or degraded” adds degraded and throttled. Changes only, grouped by kind and region, at most a few a minute.';

/**
 * The header's notification setting, remembered in this browser like the theme. Choosing a
 * level is the gesture the browser's permission prompt needs: it is asked for here, and only
 * here (never when the page loads). Refused, the setting goes back to off and says why.
 */
export function NotificationSwitch() {
  const choice = useSyncExternalStore(notifySetting.subscribe, notifySetting.get);
  const [permission, setPermission] = useState<NotifyPermission>(() => notificationSink.permission());
  /** Set when a level was chosen but the browser refuses: then (only) the refusal is worth saying. */
  const [refused, setRefused] = useState(false);
  /** The browser's prompt is open: the choice applies once it is answered. */
  const [asking, setAsking] = useState(false);
  const unsupported = permission === 'unsupported';

  const ask = (next: NotifyChoice) => {
    setAsking(true);
    // Called straight from the event handler: the prompt needs the gesture.
    void notificationSink.request().then((p) => {
      setAsking(false);
      setPermission(p);
      setRefused(p !== 'granted');
      notifySetting.set(p === 'granted' ? next : 'off');
    });
  };

  return (
    <span className="theme-switch" data-testid="notify-switch">
      <label title={unsupported ? 'This browser (or a page not served over https) cannot show notifications.' : TITLE}>
        notify
        <select
          data-testid="notify-select"
          data-permission={permission}
          value={choice}
          disabled={unsupported}
          onChange={(e) => {
            const next = parseNotify(e.target.value);
            const now = notificationSink.permission();
            setPermission(now);
            if (next !== 'off' && now === 'default') {
              ask(next);
              return;
            }
            setRefused(next !== 'off' && now !== 'granted');
            notifySetting.set(next === 'off' || now === 'granted' ? next : 'off');
          }}
        >
          {(Object.keys(LABELS) as NotifyChoice[]).map((c) => (
            <option key={c} value={c}>
              {LABELS[c]}
            </option>
          ))}
        </select>
      </label>
      {asking ? (
        <span className="muted" role="status" data-testid="notify-asking">
          answer the browser’s prompt…
        </span>
      ) : refused && permission !== 'granted' ? (
        <span className="muted" role="status" data-testid="notify-blocked" data-permission={permission}>
          {permission === 'denied' ? 'blocked in the browser’s site settings' : 'not allowed by the browser'}
        </span>
      ) : choice !== 'off' && permission === 'default' ? (
        <button type="button" data-testid="notify-allow" onClick={() => ask(choice)}>
          allow notifications
        </button>
      ) : null}
    </span>
  );
}
