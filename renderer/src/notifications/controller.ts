import { hashKey, type QueryClient } from '@tanstack/react-query';
import type { FleetSnapshot } from '../../../shared/contract';
import { fleetQueries } from '../api/queries/fleet';
import type { NotifyChoice } from '../model/preferences';
import { levelRank, TransitionDetector, type Level } from './detect';
import { NotificationPlanner, type PlannedNotification, type PlannerTimers } from './planner';

/**
 * Notifications, wired: every new fleet snapshot in the query cache (pushes merged by
 * push-sync.ts, or a refetch after a reconnect) goes through the detector; the transitions at
 * or above the chosen level go to the planner (grouping, rate limit), and what it plans goes to
 * the sink (the browser's or Electron's Notification API). No DOM here: the sink, the setting,
 * focus and navigation are handed in, so it runs in Node tests with fake ones.
 *
 * The detector always follows the snapshots, notifications on or off: turning them on later
 * reports changes from then on, never a backlog.
 */

/** The Notification API's permission, or `unsupported` where the page has none (an insecure origin, an old browser). */
export type NotifyPermission = 'granted' | 'denied' | 'default' | 'unsupported';

export interface NotificationSink {
  permission(): NotifyPermission;
  /** Shows `n`; `onClick` runs when the operator clicks it. */
  show(n: PlannedNotification, onClick: () => void): void;
}

/** A value the page keeps (the chosen level) and tells about changes to (this tab, or another one). */
export interface Setting<T> {
  get(): T;
  subscribe(listener: () => void): () => void;
}

export interface NotificationOptions {
  client: QueryClient;
  setting: Setting<NotifyChoice>;
  sink: NotificationSink;
  /** Brings the console's window forward. */
  focus: () => void;
  /** Opens a `#/…` link, as a click on it would. */
  open: (href: string) => void;
  timers?: PlannerTimers;
  windowMs?: number;
  perMinute?: number;
}

const realTimers: PlannerTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

function floorOf(choice: NotifyChoice): Level | null {
  return choice === 'off' ? null : choice;
}

/** Starts following the snapshot; returns the stop function. */
export function startNotifications(opts: NotificationOptions): () => void {
  const { client, setting, sink } = opts;
  const detector = new TransitionDetector();
  const planner = new NotificationPlanner({
    timers: opts.timers ?? realTimers,
    windowMs: opts.windowMs,
    perMinute: opts.perMinute,
    deliver: (n) => {
      // Checked again when it goes out: the setting or the permission may have changed in the window.
      if (floorOf(setting.get()) === null || sink.permission() !== 'granted') return;
      sink.show(n, () => {
        opts.focus();
        opts.open(n.href);
      });
    },
  });
  const snapshotKey = fleetQueries.snapshot().queryKey;
  const snapshotHash = hashKey(snapshotKey);
  let last: FleetSnapshot | undefined;

  const check = () => {
    const data = client.getQueryData<FleetSnapshot>(snapshotKey);
    if (data === undefined || data === last) return;
    last = data;
    const changes = detector.update(data);
    const floor = floorOf(setting.get());
    if (floor === null) return;
    const min = levelRank(floor);
    for (const b of changes.better) if (levelRank(b.to) < min) planner.recover(b.key);
    const news = changes.worse.filter((t) => levelRank(t.to) >= min);
    // Asked only when there is news: reading the permission may cost a round trip to the browser process.
    if (news.length > 0 && sink.permission() === 'granted') planner.add(news);
  };

  const stopCache = client.getQueryCache().subscribe((event) => {
    if (event.query.queryHash === snapshotHash) check();
  });
  const stopSetting = setting.subscribe(() => {
    if (floorOf(setting.get()) === null) planner.clear();
  });
  // The snapshot already cached (if any) is where every subject starts from.
  check();
  return () => {
    stopCache();
    stopSetting();
    planner.clear();
  };
}
