import { describe, expect, it } from 'vitest';
import { formatClock, formatDuration, snippet } from '../../../electron/core/replica/replica-text';

describe('replica text', () => {
  it.each([
    [0, '0 s'],
    [1.2, '2 s'],
    [30, '30 s'],
    [119, '119 s'],
    [150, '3 min'],
    [3600, '60 min'],
    [7200, '2 h'],
    [7500, '2 h 5 min'],
  ])('formats %d s as %s', (s, text) => expect(formatDuration(s)).toBe(text));

  it('shows local wall-clock time', () => {
    expect(formatClock(new Date(2025, 0, 2, 9, 5, 7).getTime())).toBe('09:05:07');
  });

  it('keeps snippets to one short line', () => {
    expect(snippet('  a\n\tb  ')).toBe('a b');
    expect(snippet('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)} …`);
  });
});
