import { describe, expect, it } from 'vitest';
import { redundancyDisplay, referenceLines } from '../../../renderer/src/model/redundancy';

describe('referenceLines', () => {
  it('puts 43.8 minutes a month beside 99.9% and 4.4 beside 99.99%', () => {
    expect(referenceLines()).toEqual([
      { target: 99.9, minutesText: '43.8 min' },
      { target: 99.99, minutesText: '4.4 min' },
    ]);
  });
});

describe('redundancyDisplay', () => {
  it("shows one replica's availability and the engine's 1 − (1 − a)^N estimate with their outage per month", () => {
    // 99% alone is 438.3 min a month; two of them, 99.99%, 4.4 min.
    const [row] = redundancyDisplay({ redundancy: [{ backend: 'llama', replicas: 2, single: 0.99, estimate: 1 - (1 - 0.99) ** 2 }] });
    expect(row).toEqual({
      backend: 'llama',
      replicas: 2,
      singleText: '99.00%',
      singleDowntimeText: '438.3 min (7h 18m) / month',
      estimateText: '99.990%',
      estimateDowntimeText: '4.4 min / month',
      meets: [
        { target: 99.9, meets: true },
        { target: 99.99, meets: true },
      ],
    });
  });

  it('reads each estimate against each line: 99.9% alone meets 99.9 but not 99.99', () => {
    const [one, three] = redundancyDisplay({
      redundancy: [
        { backend: 'a', replicas: 1, single: 0.999, estimate: 0.999 },
        { backend: 'b', replicas: 3, single: 0.9, estimate: 1 - 0.1 ** 3 },
      ],
    });
    expect(one.meets).toEqual([
      { target: 99.9, meets: true },
      { target: 99.99, meets: false },
    ]);
    expect(one.estimateDowntimeText).toBe('43.8 min / month');
    expect(three.estimateText).toBe('99.90%');
    expect(three.meets.map((m) => m.meets)).toEqual([true, false]);
  });

  it('says "not measured" and gives no verdict when a replica has no probe history yet', () => {
    const [row] = redundancyDisplay({ redundancy: [{ backend: 'x', replicas: 2, single: null, estimate: null }] });
    expect(row.singleText).toBe('not measured');
    expect(row.estimateText).toBe('not measured');
    expect(row.estimateDowntimeText).toBe('–');
    expect(row.meets.map((m) => m.meets)).toEqual([null, null]);
  });
});
