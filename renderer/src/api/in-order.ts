/**
 * Hands what a transport received (replies and pushed events) to its receivers in the order it
 * arrived, when checking some of it has to wait (parse.ts: a value the quick check does not take
 * is parsed by zod, loaded on first need). The order matters: a node's detail fetched with
 * `node.get` is kept current by the pushes that follow its reply (cache-updates.ts), and the
 * snapshot's `seq` must meet the pushes in the server's order.
 *
 * While nothing waits, a checked value is handed over at once, in the task that received it.
 */
export interface InOrder {
  /** Runs `check` now (it throws or rejects what it refuses), and hands its outcome on in arrival order. */
  deliver<T>(check: () => T | Promise<T>, onValue: (value: T) => void, onError: (error: unknown) => void): void;
}

const isPromise = <T>(v: T | Promise<T>): v is Promise<T> => typeof (v as { then?: unknown } | null)?.then === 'function';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export function inOrder(): InOrder {
  let waiting = 0;
  let tail: Promise<void> = Promise.resolve();
  function deliver<T>(check: () => T | Promise<T>, onValue: (value: T) => void, onError: (error: unknown) => void): void {
      // Settled into an outcome at once, so a refusal waiting its turn is never an unhandled rejection.
      let outcome: Outcome<T> | Promise<Outcome<T>>;
      try {
        const checked = check();
        outcome = isPromise(checked)
          ? checked.then(
              (value): Outcome<T> => ({ ok: true, value }),
              (error: unknown): Outcome<T> => ({ ok: false, error }),
            )
          : { ok: true, value: checked };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (waiting === 0 && !isPromise(outcome)) return outcome.ok ? onValue(outcome.value) : onError(outcome.error);
      waiting++;
      const settled = outcome;
      tail = tail
        .then(() => settled)
        .then((o) => (o.ok ? onValue(o.value) : onError(o.error)))
        // A receiver that throws must not stop the ones after it; its error is still reported, as a throw in a task would be.
        .catch((err: unknown) => {
          setTimeout(() => {
            throw err;
          });
        })
        .finally(() => {
          waiting--;
        });
  }
  return { deliver };
}
