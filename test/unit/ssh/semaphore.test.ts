import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../../electron/core/ssh/semaphore';

describe('Semaphore', () => {
  it('grants at most `permits` at once and hands them out in request order', async () => {
    const sem = new Semaphore(2);
    const order: number[] = [];
    const r1 = await sem.acquire();
    const r2 = await sem.acquire();
    expect(sem.inUse).toBe(2);
    const waiters = [3, 4, 5].map((n) => sem.acquire().then((release) => (order.push(n), release)));
    await Promise.resolve();
    expect(sem.waiting).toBe(3);
    expect(order).toEqual([]);

    r1();
    const r3 = await waiters[0];
    expect(order).toEqual([3]);
    expect(sem.inUse).toBe(2);
    r2();
    r3();
    const [r4, r5] = [await waiters[1], await waiters[2]];
    expect(order).toEqual([3, 4, 5]);
    r4();
    r5();
    expect(sem.inUse).toBe(0);
    expect(sem.waiting).toBe(0);
  });

  it('ignores a second release of the same permit', async () => {
    const sem = new Semaphore(1);
    const release = await sem.acquire();
    release();
    release();
    expect(sem.inUse).toBe(0);
    await sem.acquire();
    expect(sem.inUse).toBe(1);
    let granted = false;
    void sem.acquire().then(() => (granted = true));
    await Promise.resolve();
    expect(granted).toBe(false);
  });

  it('refuses fewer than one permit', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
    expect(() => new Semaphore(1.5)).toThrow(RangeError);
  });
});
