import { levelRank, type Level, type NotifyKind, type Transition } from './detect';
import { compareNatural } from '../model/intl';

/**
 * Turns transitions into few, readable notifications. Pure apart from the timers it is given
 * (a fake clock in tests):
 *
 *  - grouped: transitions of one kind in one region within `windowMs` (5 s) of the first become
 *    one notification, sent when that window ends ("3 nodes in us-west-2 unhealthy"); a subject
 *    that got better again before then is dropped from its group (a flap is not news);
 *  - rate-limited: at most `perMinute` notifications in any 60 s; groups past that are held and,
 *    as soon as the oldest sent notification is a minute old, sent as one summary ("5 more
 *    problems: 3 nodes, 2 replicas"), or as themselves if only one group waited.
 */

export interface PlannerTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PlannedNotification {
  title: string;
  body: string;
  /**
   * The same for the same news, so a second tab of the console showing it replaces the first's
   * (the Notification API's `tag`) instead of doubling it.
   */
  tag: string;
  /** What a click opens: the subject (the worst, then the first by name, of a group), or the Overview for a summary. */
  href: string;
  level: Level;
  /** The subjects it is about, worst first. */
  subjects: string[];
  summary: boolean;
}

export interface PlannerOptions {
  timers: PlannerTimers;
  deliver: (n: PlannedNotification) => void;
  /** How long after a group's first transition it is sent; more of its kind and region join it meanwhile. */
  windowMs?: number;
  /** Notifications at most in any 60 s. */
  perMinute?: number;
}

export const GROUP_WINDOW_MS = 5_000;
export const PER_MINUTE = 4;
const MINUTE_MS = 60_000;
/** Lines of a body: one per subject, then "and N more". */
const BODY_LINES = 5;

interface Group {
  key: string;
  kind: NotifyKind;
  region: string | null;
  /** Subject key → its latest transition (a subject that got worse twice in the window counts once, as it is now). */
  items: Map<string, Transition>;
  timer: unknown;
}

const PLURAL: Record<NotifyKind, string> = { node: 'nodes', replica: 'replicas', 'load balancer': 'load balancers', service: 'services' };

function worstFirst(items: Iterable<Transition>): Transition[] {
  return [...items].sort((a, b) => levelRank(b.to) - levelRank(a.to) || compareNatural(a.name, b.name));
}

function plural(n: number, kind: NotifyKind): string {
  return `${n} ${n === 1 ? kind : PLURAL[kind]}`;
}

/** "unhealthy", or "unhealthy or unreachable" when they differ (worst first). */
function statesOf(items: readonly Transition[]): string {
  const states: string[] = [];
  for (const t of items) if (!states.includes(t.state)) states.push(t.state);
  return states.join(' or ');
}

function bodyLines(items: readonly Transition[]): string {
  const lines = items.slice(0, BODY_LINES).map((t) => (t.reason ? `${t.name}: ${t.reason}` : t.name));
  if (items.length > BODY_LINES) lines.push(`and ${items.length - BODY_LINES} more`);
  return lines.join('\n');
}

/** One notification for a group of transitions of one kind (and region). */
export function groupNotification(kind: NotifyKind, region: string | null, transitions: Iterable<Transition>): PlannedNotification {
  const items = worstFirst(transitions);
  const first = items[0];
  const where = region ? ` in ${region}` : '';
  const level = first.to;
  const tag = `fleetops:${kind}:${region ?? ''}:${items
    .map((t) => t.name)
    .sort(compareNatural)
    .join(',')}`;
  if (items.length === 1) {
    const title = kind === 'service' ? `${first.name} is burning its error budget fast` : `${first.name} ${first.state}`;
    const what = kind === 'service' ? 'service' : `${kind}${where}`;
    return { title, body: first.reason ? `${what}: ${first.reason}` : what, tag, href: first.href, level, subjects: [first.name], summary: false };
  }
  const title =
    kind === 'service' ? `${items.length} services are burning their error budget fast` : `${plural(items.length, kind)}${where} ${statesOf(items)}`;
  return { title, body: bodyLines(items), tag, href: first.href, level, subjects: items.map((t) => t.name), summary: false };
}

/** One notification for everything held back by the rate limit (a subject held twice counts once, as it was last). */
export function summaryNotification(transitions: readonly Transition[], overviewHref: string): PlannedNotification {
  const latest = new Map<string, Transition>();
  for (const t of transitions) latest.set(t.key, t);
  const all = worstFirst(latest.values());
  const byKind = new Map<NotifyKind, number>();
  for (const t of all) byKind.set(t.kind, (byKind.get(t.kind) ?? 0) + 1);
  const counts = [...byKind].map(([kind, n]) => plural(n, kind)).join(', ');
  return {
    title: `${all.length} more problem${all.length === 1 ? '' : 's'}: ${counts}`,
    body: bodyLines(all),
    tag: `fleetops:summary:${all
      .map((t) => t.key)
      .sort(compareNatural)
      .join(',')}`,
    href: overviewHref,
    level: all[0]?.to ?? 'warning',
    subjects: all.map((t) => t.name),
    summary: true,
  };
}

export class NotificationPlanner {
  private readonly timers: PlannerTimers;
  private readonly deliver: (n: PlannedNotification) => void;
  private readonly windowMs: number;
  private readonly perMinute: number;
  private readonly pending = new Map<string, Group>();
  /** When each of the last notifications went out (at most perMinute of them matter). */
  private sent: number[] = [];
  private held: Group[] = [];
  private heldTimer: unknown = null;

  constructor(opts: PlannerOptions, private readonly overviewHref = '#/overview') {
    this.timers = opts.timers;
    this.deliver = opts.deliver;
    this.windowMs = opts.windowMs ?? GROUP_WINDOW_MS;
    this.perMinute = Math.max(1, opts.perMinute ?? PER_MINUTE);
  }

  add(transitions: readonly Transition[]): void {
    for (const t of transitions) {
      const key = `${t.kind}|${t.region ?? ''}`;
      let group = this.pending.get(key);
      if (!group) {
        group = { key, kind: t.kind, region: t.region, items: new Map(), timer: null };
        const g = group;
        group.timer = this.timers.setTimeout(() => this.flush(g), this.windowMs);
        this.pending.set(key, group);
      }
      group.items.set(t.key, t);
    }
  }

  /** The subject got better before its group (or the summary it waits for) was sent: it is no longer news. */
  recover(subjectKey: string): void {
    for (const group of [...this.pending.values()]) {
      if (!group.items.delete(subjectKey) || group.items.size > 0) continue;
      this.timers.clearTimeout(group.timer);
      this.pending.delete(group.key);
    }
    for (const group of this.held) group.items.delete(subjectKey);
    this.held = this.held.filter((g) => g.items.size > 0);
  }

  /** Drops everything pending and held (notifications turned off, or the page closing). */
  clear(): void {
    for (const group of this.pending.values()) this.timers.clearTimeout(group.timer);
    this.pending.clear();
    this.held = [];
    if (this.heldTimer !== null) this.timers.clearTimeout(this.heldTimer);
    this.heldTimer = null;
  }

  private flush(group: Group): void {
    if (this.pending.get(group.key) !== group) return;
    this.pending.delete(group.key);
    if (group.items.size === 0) return;
    if (this.takeSlot()) {
      this.deliver(groupNotification(group.kind, group.region, group.items.values()));
      return;
    }
    this.held.push(group);
    this.scheduleHeld();
  }

  /** True (and the slot is counted) when a notification may go out now. */
  private takeSlot(): boolean {
    const now = this.timers.now();
    this.sent = this.sent.filter((at) => now - at < MINUTE_MS);
    if (this.sent.length >= this.perMinute) return false;
    this.sent.push(now);
    return true;
  }

  private scheduleHeld(): void {
    if (this.heldTimer !== null) return;
    const now = this.timers.now();
    const oldest = Math.min(...this.sent);
    this.heldTimer = this.timers.setTimeout(() => {
      this.heldTimer = null;
      this.releaseHeld();
    }, Math.max(0, oldest + MINUTE_MS - now));
  }

  private releaseHeld(): void {
    if (this.held.length === 0) return;
    if (!this.takeSlot()) {
      this.scheduleHeld();
      return;
    }
    const held = this.held;
    this.held = [];
    this.deliver(
      held.length === 1
        ? groupNotification(held[0].kind, held[0].region, held[0].items.values())
        : summaryNotification(
            held.flatMap((g) => [...g.items.values()]),
            this.overviewHref,
          ),
    );
  }
}
