import type { RunView } from '../../../../shared/runbook';
import { useAbortRun, useContinueRun, useRollbackRun } from '../../api/mutations/runbooks';
import { useNow } from '../../hooks';
import { describeAction } from '../../model/plan-format';
import { isRunActive, runActions, runStatusText, stepDuration } from '../../model/run-format';
import { ErrorNote } from '../../components/ErrorNote';
import { HighlightedText } from './HighlightedText';

/**
 * One run, live: each step's status, command, output and time, as `run.updated` pushes them;
 * Abort while it runs; Roll back / Continue once it waits for the operator.
 */
export function RunDetail({ run, onClose, anchorId }: { run: RunView; onClose: () => void; anchorId?: string }) {
  const active = isRunActive(run.status);
  // Only a run in progress has a clock to tick; a finished one shows fixed durations.
  const now = useNow(active ? 1_000 : 3_600_000);
  const abort = useAbortRun();
  const rollback = useRollbackRun();
  const cont = useContinueRun();
  const actions = runActions(run.status);
  const busy = abort.isPending || rollback.isPending || cont.isPending;
  return (
    <section className="run-view" id={anchorId} tabIndex={-1} data-testid="run-view" data-run-id={run.id} data-status={run.status} aria-label={`run ${run.id}`}>
      <header className="panel-header">
        <h3>
          {run.runbook} on <span className="mono">{run.target}</span>
        </h3>
        <span className={`pill run-${run.status}`} data-testid="run-status">
          {run.status}
        </span>
        <span className="muted">{runStatusText(run)}</span>
        <button type="button" aria-label="Close run view" onClick={onClose}>
          ×
        </button>
      </header>
      <ol className="run-steps">
        {run.steps.map((step) => {
          const planned = run.plan.steps.find((p) => p.index === step.index);
          return (
            <li key={step.index} className={`run-step step-${step.status}`} data-testid={`run-step-${step.index}`} data-status={step.status}>
              <div className="plan-step-title">
                <span className="step-number">{step.index + 1}.</span> {step.title}{' '}
                <span className={`pill step-${step.status}`}>{step.status}</span> <span className="muted">{stepDuration(step, now)}</span>
              </div>
              {planned ? (
                <div className="mono plan-command muted">
                  <HighlightedText text={describeAction(planned.action)} targets={planned.targets} />
                </div>
              ) : null}
              {step.error ? <div className="field-error">{step.error}</div> : null}
              {step.output !== '' ? (
                <pre className="run-output" tabIndex={0} data-testid={`run-step-output-${step.index}`}>
                  {step.output}
                </pre>
              ) : null}
            </li>
          );
        })}
      </ol>
      <div className="actions">
        {actions.abort ? (
          <button type="button" data-testid="run-abort" disabled={busy} onClick={() => abort.mutate(run.id)}>
            Abort
          </button>
        ) : null}
        {actions.rollback ? (
          <button type="button" data-testid="run-rollback" disabled={busy} onClick={() => rollback.mutate(run.id)}>
            Roll back
          </button>
        ) : null}
        {actions.continue ? (
          <button type="button" data-testid="run-continue" disabled={busy} onClick={() => cont.mutate(run.id)}>
            Continue
          </button>
        ) : null}
      </div>
      {abort.error ? <ErrorNote error={abort.error} context="runs.abort" /> : null}
      {rollback.error ? <ErrorNote error={rollback.error} context="runs.rollback" /> : null}
      {cont.error ? <ErrorNote error={cont.error} context="runs.continue" /> : null}
    </section>
  );
}
