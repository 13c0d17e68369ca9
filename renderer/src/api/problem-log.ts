import type { FleetApiError } from './errors';
import type { Transport } from './transport';

export interface ProblemLog {
  subscribe(notify: () => void): () => void;
  /** The most recent problems, oldest first; a new array only when it changed. */
  current(): readonly FleetApiError[];
  clear(): void;
}

/**
 * Remembers the transport's protocol problems from the moment the page starts (before React
 * mounts), so a problem reported during startup is still on screen; keeps the last `keep`.
 */
export function createProblemLog(transport: Pick<Transport, 'onProblem'>, keep = 5): ProblemLog {
  let problems: readonly FleetApiError[] = [];
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of [...listeners]) l();
  };
  transport.onProblem((problem) => {
    problems = [...problems, problem].slice(-keep);
    notify();
  });
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    current: () => problems,
    clear() {
      problems = [];
      notify();
    },
  };
}
