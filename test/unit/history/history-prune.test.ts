/**
 * The history's pruning in bounded batches (electron/core/history/history-prune.ts): a backlog
 * past retention (a console started after a day away) is deleted a batch per transaction, so no
 * transaction holds the write lock past other processes' busy timeout; and every write
 * transaction of the history takes that lock up front (BEGIN IMMEDIATE).
 */
import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../../electron/core/history/history-store';
import { nodeReading } from './fixtures';
import { DAY, HOUR, T0, historyFiles } from './store-setup';

const { setup } = historyFiles();
const statements = (sql: string[], re: RegExp) => sql.filter((s) => re.test(s)).length;

describe('pruning a backlog', () => {
  it('the flushes delete it a batch each, one transaction each, the next 100 ms later', () => {
    const t = setup();
    const h = t.open({ pruneBatch: 5 });
    for (let i = 0; i < 12; i++) h.recordNodeProbe(`n${i}`, nodeReading(T0));
    h.flush({ all: true });
    t.timers.advance(10_000); // the flush timer those readings set: nothing left to do, none set again
    expect(t.timers.pending.size).toBe(0);
    const raw = () => t.count('SELECT COUNT(*) FROM history_raw');
    expect(raw()).toBe(12);

    // Back after more than the hour raw readings are kept: all twelve are past it.
    t.timers.nowMs = T0 + HOUR + 5 * MINUTE_MS;
    h.recordNodeProbe('n0', nodeReading(t.timers.now()));
    t.sql.length = 0;
    t.timers.advance(10_000); // the flush: the new reading written, five old ones deleted
    expect(raw()).toBe(1 + 7);
    t.timers.advance(100);
    expect(raw()).toBe(1 + 2);
    t.timers.advance(100);
    expect(raw()).toBe(1);
    expect(statements(t.sql, /^BEGIN IMMEDIATE$/)).toBe(3);
    expect(statements(t.sql, /^BEGIN/)).toBe(3);
    // Caught up: back to the usual cadence, nothing more to delete.
    t.sql.length = 0;
    t.timers.advance(5000);
    expect(statements(t.sql, /^BEGIN/)).toBe(0);
  });

  it('prune() goes through all of it, a batch per transaction, and says how much', () => {
    const t = setup();
    const h = t.open({ pruneBatch: 5 });
    for (let i = 0; i < 12; i++) h.recordNodeProbe(`n${i}`, nodeReading(T0));
    h.flush({ all: true });
    t.sql.length = 0;
    expect(h.prune(T0 + 31 * DAY)).toEqual({ raw: 12, minute: 12, halfHour: 12 });
    expect(statements(t.sql, /^BEGIN IMMEDIATE$/)).toBe(3); // 5 + 5 + 2 of each table
    expect(t.count('SELECT COUNT(*) FROM history_raw') + t.count('SELECT COUNT(*) FROM history_rollup')).toBe(0);
  });

  it('refuses a batch that would never finish', () => {
    const t = setup();
    expect(() => t.open({ pruneBatch: 0 })).toThrow(/prune batch must be a positive whole number/);
  });
});
