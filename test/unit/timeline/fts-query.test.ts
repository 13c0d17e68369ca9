/**
 * The search box's text as an FTS5 query: whatever is typed — FTS5 operators, column filters,
 * NEAR(…), unbalanced quotes, control characters — is searched as literal words, ANDed, with a
 * trailing * as a prefix, and never reaches SQLite as syntax (no SQL error, ever).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ftsQuery } from '../../../electron/core/timeline/fts-query';
import { ev, openFixture, T0, type TimelineFixture } from './helpers';

const cleanups: (() => void)[] = [];
let fx: TimelineFixture;

const MESSAGES = [
  'gpu-a-007 XID 79 on GPU 3: fallen off the bus',
  'replica chat-1 healthy → unhealthy: HTTP 503',
  'NEAR(gpu, bus) is what the operator typed',
  'message: xid in a sentence',
  'say "quoted" words or not',
  'café crème résumé',
  'the OR word and AND word',
];

beforeAll(() => {
  fx = openFixture({}, cleanups);
  fx.store.appendEvents(MESSAGES.map((m, i) => ev(T0 + i, i === 0 ? 'node.xid' : 'note', i === 0 ? 'gpu-a-007' : null, 'info', m)));
});
afterAll(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

const search = (text: string) => fx.timeline.query({ filter: { text }, order: 'asc' }).entries.map((e) => MESSAGES.indexOf(e.message));

describe('ftsQuery', () => {
  it('quotes each word, doubling its quotes; keeps a trailing star as a prefix; drops empty words', () => {
    expect(ftsQuery('gpu  bus')).toBe('"gpu" "bus"');
    expect(ftsQuery('chat*')).toBe('"chat"*');
    expect(ftsQuery('say "quoted')).toBe('"say" """quoted"');
    expect(ftsQuery('NEAR(gpu, message:xid')).toBe('"NEAR(gpu," "message:xid"');
    expect(ftsQuery('a\u0000b')).toBe('"a b"');
    expect(ftsQuery(' * ** ')).toBeNull();
  });
});

describe('searching the timeline', () => {
  it('matches words in the message, the kind and the subject, all of them, a trailing * as a prefix', () => {
    expect(search('xid')).toEqual([0, 3]);
    expect(search('xid bus')).toEqual([0]);
    expect(search('gpu-a-007')).toEqual([0]);
    expect(search('node.xid')).toEqual([0]);
    expect(search('unhealth*')).toEqual([1]);
    expect(search('health*')).toEqual([1]);
    expect(search('cafe resume')).toEqual([5]);
  });

  it('searches FTS5 syntax as literal words, never as a query, and never fails', () => {
    // Column filter: "message:xid" is the two words side by side, not xid in the message column.
    expect(search('message:xid')).toEqual([3]);
    // NEAR(…) is the words near and gpu, adjacent, as typed.
    expect(search('NEAR(gpu,')).toEqual([2]);
    // OR and AND are words: all three must be there.
    expect(search('word OR word')).toEqual([6]);
    expect(search('gpu OR replica')).toEqual([]);
    expect(search('NOT xid')).toEqual([]);
    expect(search('"quoted"')).toEqual([4]);
    const hostile = ['"', '""', '"gpu', 'gpu"', '(', ')', '(gpu', 'NEAR(', 'NEAR(a b, 3)', 'message:', ':', '^gpu', '-gpu', '+', '*gpu', 'gpu**', '{message subject}:gpu', "'; DROP TABLE events; --", 'a\u0000b', '\\', 'x'.repeat(200), 'AND', 'OR', 'NOT'];
    for (const text of hostile) expect(() => search(text), text).not.toThrow();
    for (const text of hostile) expect(() => fx.timeline.histogram({ filter: { text }, buckets: 3 }), text).not.toThrow();
    expect(search('^gpu')).toEqual([0, 2]);
    expect(search("'; DROP TABLE events; --")).toEqual([]);
    expect(fx.store.listEvents({}).length).toBe(MESSAGES.length);
  });

  it('a word with nothing to search for matches nothing alone, and is left out beside others', () => {
    expect(search('(')).toEqual([]);
    expect(search('xid (')).toEqual([0, 3]);
    // Only stars and spaces: no text filter at all.
    expect(search('*')).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
