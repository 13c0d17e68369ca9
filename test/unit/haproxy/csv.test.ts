import { describe, expect, it } from 'vitest';
import { parseCsvRecords } from '../../../electron/core/haproxy/csv';

describe('parseCsvRecords', () => {
  it('splits plain records, keeping empty fields and the trailing one after a final comma', () => {
    expect(parseCsvRecords('a,b,\n,x,\n')).toEqual([
      ['a', 'b', ''],
      ['', 'x', ''],
    ]);
  });

  it('reads quoted fields the way HAProxy writes them: commas, doubled quotes and line breaks inside', () => {
    expect(parseCsvRecords('"a,b","say ""hi""","two\nlines",z\n')).toEqual([['a,b', 'say "hi"', 'two\nlines', 'z']]);
  });

  it('accepts CRLF line ends and a last line without one', () => {
    expect(parseCsvRecords('a,b\r\nc,d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('returns null for an unclosed quote or text glued after a closing quote', () => {
    expect(parseCsvRecords('"never closed,\n')).toBeNull();
    expect(parseCsvRecords('"a"b,c\n')).toBeNull();
  });
});
