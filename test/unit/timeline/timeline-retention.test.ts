/**
 * Retention: events older than the age are pruned in bounded batches — except those an incident
 * holds (its window, on its subjects, its own, fleet-wide) and every imported one — the audit
 * table is never touched, and the FTS index follows each delete. As a service it runs on its
 * timer, catches up a second apart, and records a failure once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppendEventInput } from '../../../electron/core/store/event-log';
import { INCIDENT_MARGIN_MS } from '../../../electron/core/timeline/incident-window';
import { TimelineRetention, timelineRetentionService } from '../../../electron/core/timeline/timeline-retention';
import type { Timers } from '../../../electron/core/probe/scheduler';
import { ev, insertIncident, MIN, openFixture, T0 } from './helpers';
import { IMPORTED } from './oracle';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

const DAY = 86_400_000;
const NOW = T0 + 100 * DAY;
const AGE = 90 * DAY;
const OLD = NOW - AGE - DAY;
const INCIDENT = '6f1d1c1e-2b1a-4c3d-9e8f-0a1b2c3d4e5f';

/** Old and new events around an old incident on a1, each message saying whether it must stay. */
function setup(batch = 3) {
  const fx = openFixture({ now: () => NOW }, cleanups);
  insertIncident(fx.db, { id: INCIDENT, startedAt: OLD, resolvedAt: OLD + 30 * MIN, subjects: ['a1'] });
  const events: AppendEventInput[] = [
    ev(OLD - 2 * DAY, 'node.health', 'a1', 'info', 'prune old'),
    ev(OLD - INCIDENT_MARGIN_MS - 1, 'node.health', 'a1', 'info', 'prune before the window'),
    ev(OLD - INCIDENT_MARGIN_MS, 'node.health', 'a1', 'warning', 'keep window start'),
    ev(OLD + MIN, 'node.health', 'b1', 'error', 'prune other subject in the window'),
    ev(OLD + 2 * MIN, 'inventory.loaded', null, 'info', 'keep fleet-wide in the window'),
    ev(OLD + 3 * MIN, 'audit.incident.ack', INCIDENT, 'info', 'keep the incident own'),
    ev(OLD + 30 * MIN + INCIDENT_MARGIN_MS, 'node.health', 'a1', 'info', 'keep window end'),
    ev(OLD + 31 * MIN + INCIDENT_MARGIN_MS, 'node.health', 'a1', 'info', 'prune after the window'),
    ev(OLD - 3 * DAY, 'node.xid', 'z1', 'error', 'keep imported', IMPORTED),
    ev(OLD + DAY / 2, 'lb.health', 'lb1', 'warning', 'prune zebra'),
    ev(NOW - AGE + 1, 'node.health', 'a1', 'info', 'keep young enough'),
    ev(NOW, 'node.health', 'b1', 'info', 'keep new'),
  ];
  fx.store.appendEvents(events);
  const retention = new TimelineRetention(fx.db, () => NOW, { maxAgeMs: AGE, batch });
  const messages = () => (fx.db.prepare('SELECT message FROM events ORDER BY ts, id').pluck().all() as string[]).filter((m) => !m.startsWith('alice@'));
  return { fx, retention, messages, events };
}

describe('timeline retention', () => {
  it('prunes what is past the age, keeps what an incident holds and every imported event', () => {
    const { fx, retention, messages, events } = setup();
    const before = fx.store.audit.append({ kind: 'change', subject: 'a1', ts: OLD - 5 * DAY });
    let total = { deleted: 0, kept: 0 };
    for (let pass = 0; ; pass++) {
      const r = retention.prune(1);
      total = { deleted: total.deleted + r.deleted, kept: total.kept + r.kept };
      // Bounded: one batch of 3 old events read per call.
      expect(r.deleted + r.kept).toBeLessThanOrEqual(3);
      if (r.done) break;
      expect(pass).toBeLessThan(10);
    }
    expect(messages()).toEqual(events.filter((e) => e.message.startsWith('keep')).sort((a, b) => a.ts - b.ts).map((e) => e.message));
    // Every old event read once in the pass: the kept ones are not read again batch after batch.
    expect(total).toEqual({ deleted: 6, kept: 5 });
    // The audit entry stays; its mirror was old and tied to no incident, so it went.
    expect(fx.store.audit.list().map((e) => e.seq)).toEqual([before.seq]);
    expect(fx.store.audit.verify()).toMatchObject({ ok: true });
    expect(fx.db.prepare("SELECT count(*) FROM events WHERE kind = 'audit.change'").pluck().get()).toBe(0);
  });

  it('the FTS index follows every delete', () => {
    const { fx, retention } = setup(100);
    expect(fx.timeline.query({ filter: { text: 'zebra' } }).entries).toHaveLength(1);
    expect(retention.prune(1)).toMatchObject({ deleted: 5, kept: 5, done: true });
    expect(fx.timeline.query({ filter: { text: 'zebra' } }).entries).toEqual([]);
    expect(fx.timeline.query({ filter: { text: 'keep' } }).entries).toHaveLength(7);
    expect(() => fx.db.exec("INSERT INTO events_fts (events_fts) VALUES ('integrity-check')")).not.toThrow();
  });

  it('runs as a service on its timer: a minute after start, a second apart while it has more, then every interval; a failure recorded once', () => {
    const { fx, retention, messages } = setup(2);
    const timers = fakeTimers();
    const recorded: AppendEventInput[] = [];
    const service = timelineRetentionService(retention, { timers, record: (e) => recorded.push(e), batchesPerRun: 1, everyMs: 600_000 });
    service.start();
    expect(timers.pending()).toEqual([60_000]);
    timers.fire();
    expect(timers.pending()).toEqual([1000]);
    while (timers.pending()[0] === 1000) timers.fire();
    expect(timers.pending()).toEqual([600_000]);
    expect(messages().filter((m) => m.startsWith('prune'))).toEqual([]);
    fx.db.close();
    timers.fire();
    timers.fire();
    expect(recorded.map((e) => [e.kind, e.severity])).toEqual([['timeline.prune.failed', 'warning']]);
    service.stop();
    expect(timers.pending()).toEqual([]);
  });
});

function fakeTimers(): Timers & { pending(): number[]; fire(): void } {
  let queue: Array<{ fn: () => void; ms: number; id: number }> = [];
  let next = 0;
  return {
    now: () => NOW,
    setTimeout(fn, ms) {
      queue.push({ fn, ms, id: ++next });
      return next;
    },
    clearTimeout(id) {
      queue = queue.filter((t) => t.id !== id);
    },
    pending: () => queue.map((t) => t.ms),
    fire() {
      const t = queue.shift();
      t?.fn();
    },
  };
}
