import type { ViewProps } from '../types';
import { RunbooksPanel } from './RunbooksPanel';

/** Failover runbooks: the list, plan and run, the live run and the history (`#/runbook/NAME`, `#/run/ID`). */
export function RunbooksView({ snapshot, subject }: ViewProps) {
  return (
    <div className="view-body">
      <header className="view-header">
        <h1>Runbooks</h1>
      </header>
      <RunbooksPanel
        snapshot={snapshot}
        selectedRun={subject?.kind === 'run' ? subject.name : null}
        routeRunbook={subject?.kind === 'runbook' ? subject.name : null}
      />
    </div>
  );
}
