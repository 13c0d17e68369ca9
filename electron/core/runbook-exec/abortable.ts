import { FleetError } from '../../../shared/errors';

/** The error an action rejects with when its AbortSignal fires: the engine tells it apart from a failure. */
export function abortedError(what: string): FleetError {
  return new FleetError('INTERNAL', `${what}: cancelled (the run was aborted)`, { detail: { aborted: true } });
}

export function isAbortedError(err: unknown): boolean {
  return err instanceof FleetError && (err.detail as { aborted?: unknown } | undefined)?.aborted === true;
}

/** Resolves after `ms`, or rejects at once when `signal` fires (the timer is cleared: nothing lingers). */
export function sleep(ms: number, signal: AbortSignal, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortedError(what));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(what));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles with `work`, or rejects as soon as `signal` fires. For I/O that cannot itself be
 * cancelled (an SSH exec): the caller stops waiting; the remote side may still finish.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(abortedError(what));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(what));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

export interface PollOptions {
  timeoutMs: number;
  intervalMs: number;
  signal: AbortSignal;
  /** For messages: "b/llm to reach sessions-zero". */
  what: string;
  now: () => number;
}

/**
 * Calls `check` until it returns a value (not undefined), the deadline passes (COMMAND_FAILED
 * carrying the last observation `describe` gives), or the signal fires (aborted error).
 */
export async function pollUntil<T, O>(
  check: () => Promise<{ done: T | undefined; observed: O }>,
  describe: (last: O | undefined) => string,
  opts: PollOptions,
): Promise<T> {
  const deadline = opts.now() + opts.timeoutMs;
  let last: O | undefined;
  const timedOut = () =>
    new FleetError('COMMAND_FAILED', `timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for ${opts.what}; last seen: ${describe(last)}`, {
      detail: { timeoutMs: opts.timeoutMs },
    });
  for (;;) {
    if (opts.signal.aborted) throw abortedError(opts.what);
    // A check that hangs (a probe, a runtime API that stopped answering) must not hold the step past its timeout.
    const r = await withinDeadline(raceAbort(check(), opts.signal, opts.what), Math.max(0, deadline - opts.now()));
    if (r === DEADLINE) throw timedOut();
    last = r.observed;
    if (r.done !== undefined) return r.done;
    if (opts.now() >= deadline) throw timedOut();
    await sleep(Math.min(opts.intervalMs, Math.max(0, deadline - opts.now())), opts.signal, opts.what);
  }
}

const DEADLINE = Symbol('deadline');

/** `p`, or DEADLINE once `ms` have passed first (the timer is cleared either way). */
function withinDeadline<T>(p: Promise<T>, ms: number): Promise<T | typeof DEADLINE> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<typeof DEADLINE>((resolve) => {
    timer = setTimeout(() => resolve(DEADLINE), ms);
  });
  return Promise.race([p, expiry]).finally(() => clearTimeout(timer));
}
