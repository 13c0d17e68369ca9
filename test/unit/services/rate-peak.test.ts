import { describe, expect, it } from 'vitest';
import { RatePeak } from '../../../electron/core/services/rate-peak';

describe('RatePeak', () => {
  it('gives the highest rate of the last five minutes, per backend; older samples fall out', () => {
    const p = new RatePeak();
    const min = 60_000;
    expect(p.add('llama', 0, 40)).toBe(40);
    expect(p.add('llama', 1 * min, 5)).toBe(40);
    expect(p.add('batch', 1 * min, 7)).toBe(7);
    expect(p.add('llama', 4 * min, 12)).toBe(40);
    // Five minutes after the 40 it no longer counts.
    expect(p.add('llama', 5 * min, 3)).toBe(12);
    expect(p.add('batch', 5 * min, null)).toBe(7);
  });

  it('is null without a sample, and a poll without a rate adds none', () => {
    const p = new RatePeak();
    expect(p.add('llama', 0, null)).toBeNull();
    expect(p.add('llama', 1000, 9)).toBe(9);
  });

  it('forgets backends the inventory no longer has', () => {
    const p = new RatePeak();
    p.add('old', 0, 100);
    p.keepOnly(new Set(['llama']));
    expect(p.add('old', 1000, 1)).toBe(1);
  });
});
