import { useSyncExternalStore } from 'react';
import type { ProblemLog } from '../api/problem-log';
import { ErrorNote } from './ErrorNote';

/** Frames or pushed events that failed the contract: the cache may be missing an update, so say so. */
export function ProblemBanner({ log }: { log: ProblemLog }) {
  const problems = useSyncExternalStore(log.subscribe, log.current);
  if (problems.length === 0) return null;
  return (
    <div className="banner banner-problem" data-testid="protocol-problems">
      <div className="banner-title">
        The server sent data this console could not read; the view may be missing updates.
        <button type="button" onClick={log.clear}>
          Dismiss
        </button>
      </div>
      {problems.map((p, i) => (
        <ErrorNote key={i} error={p} />
      ))}
    </div>
  );
}
