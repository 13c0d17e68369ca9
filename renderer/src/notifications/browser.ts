import { NOTIFY_KEY, type NotifyChoice } from '../model/preferences';
import { saveNotify, storedNotify } from '../preferences';
import type { NotificationSink, NotifyPermission, Setting } from './controller';
import type { PlannedNotification } from './planner';

/**
 * The page's side of notifications: the Notification API (the browser's in `serve`; Electron's
 * renderer implementation on the desktop, where electron/main/security.ts grants exactly this
 * permission and nothing else) and the chosen level, kept in localStorage like the theme.
 */

export interface BrowserNotificationSink extends NotificationSink {
  /** Asks the browser. Only from a user's gesture (the setting's change): browsers ignore or penalise asking at load. */
  request(): Promise<NotifyPermission>;
}

function api(): typeof Notification | undefined {
  return typeof window !== 'undefined' && typeof window.Notification === 'function' ? window.Notification : undefined;
}

export const notificationSink: BrowserNotificationSink = {
  permission() {
    const N = api();
    return N ? N.permission : 'unsupported';
  },
  async request() {
    const N = api();
    if (!N) return 'unsupported';
    try {
      return await N.requestPermission();
    } catch {
      return N.permission;
    }
  },
  show(n: PlannedNotification, onClick: () => void) {
    const N = api();
    if (!N) return;
    let note: Notification;
    try {
      note = new N(n.title, { body: n.body, tag: n.tag });
    } catch {
      // Some browsers (Chrome on Android) allow notifications from service workers only.
      return;
    }
    // The click's default (not prevented) brings the page's tab forward; onClick focuses the
    // window as well and opens the subject.
    note.onclick = () => {
      note.close();
      onClick();
    };
  },
};

/** The chosen level, in this tab and any other of the same console (the `storage` event). */
class StoredSetting implements Setting<NotifyChoice> {
  private value: NotifyChoice | null = null;
  private readonly listeners = new Set<() => void>();
  private watching = false;

  get = (): NotifyChoice => {
    if (this.value === null) this.value = storedNotify();
    return this.value;
  };

  set(next: NotifyChoice): void {
    this.value = next;
    saveNotify(next);
    this.emit();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.watch();
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private watch(): void {
    if (this.watching || typeof window === 'undefined') return;
    this.watching = true;
    window.addEventListener('storage', (e) => {
      if (e.key !== NOTIFY_KEY && e.key !== null) return;
      const next = storedNotify();
      if (next === this.value) return;
      this.value = next;
      this.emit();
    });
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}

export const notifySetting = new StoredSetting();
