/**
 * What a transport received reaches its receivers in arrival order, also when checking one of
 * them waits (renderer/src/api/in-order.ts); nothing waits while nothing has to.
 */
import { describe, expect, it, vi } from 'vitest';
import { inOrder } from '../../../renderer/src/api/in-order';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('inOrder', () => {
  it('hands a value checked at once over at once', () => {
    const got: string[] = [];
    const d = inOrder();
    d.deliver(() => 'a', (v) => got.push(v), () => got.push('error'));
    d.deliver(() => {
      throw new Error('refused');
    }, (v) => got.push(v), (e) => got.push((e as Error).message));
    expect(got).toEqual(['a', 'refused']);
  });

  it('holds what comes after a value that waits, and hands everything over in arrival order', async () => {
    const got: string[] = [];
    const d = inOrder();
    const slow = deferred<string>();
    const failing = deferred<string>();
    d.deliver(() => slow.promise, (v) => got.push(v), () => got.push('error'));
    d.deliver(() => 'b', (v) => got.push(v), () => got.push('error'));
    d.deliver(() => failing.promise, (v) => got.push(v), (e) => got.push(`refused ${(e as Error).message}`));
    d.deliver(() => {
      throw new Error('at once');
    }, (v) => got.push(v), (e) => got.push(`refused ${(e as Error).message}`));
    failing.reject(new Error('later'));
    await Promise.resolve();
    expect(got).toEqual([]);
    slow.resolve('a');
    await vi.waitFor(() => expect(got).toEqual(['a', 'b', 'refused later', 'refused at once']));
    // Once the line is empty, at once again.
    d.deliver(() => 'c', (v) => got.push(v), () => got.push('error'));
    expect(got.at(-1)).toBe('c');
  });

  it('a receiver that throws does not stop the ones after it, and its error is still thrown', async () => {
    const got: string[] = [];
    const d = inOrder();
    const slow = deferred<string>();
    d.deliver(
      () => slow.promise,
      (v) => {
        got.push(v);
        throw new Error('receiver broke');
      },
      () => undefined,
    );
    d.deliver(() => 'b', (v) => got.push(v), () => undefined);
    // The error is thrown from a timer of its own, as a throw in a task would be: caught here.
    const thrown = new Promise<unknown>((resolve) => {
      const real = globalThis.setTimeout;
      vi.spyOn(globalThis, 'setTimeout').mockImplementationOnce(((fn: () => void) => {
        try {
          fn();
        } catch (err) {
          resolve(err);
        }
        return real(() => undefined, 0);
      }) as typeof setTimeout);
    });
    slow.resolve('a');
    expect(((await thrown) as Error).message).toBe('receiver broke');
    await vi.waitFor(() => expect(got).toEqual(['a', 'b']));
    vi.restoreAllMocks();
  });
});
