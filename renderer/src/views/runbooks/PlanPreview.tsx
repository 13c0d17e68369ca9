import type { RunbookPlan } from '../../../../shared/runbook';
import { describeAction, failedPreconditions, onFailureText } from '../../model/plan-format';
import { HighlightedText } from './HighlightedText';

/**
 * The plan as the engine resolved it: every step numbered from 1 with the exact command it sends
 * and the one that undoes it, targets highlighted; then locks, preconditions and whether the run
 * needs a typed confirmation. Nothing has been sent yet.
 */
export function PlanPreview({ plan, onRun }: { plan: RunbookPlan; onRun: () => void }) {
  const failed = failedPreconditions(plan);
  const params = Object.entries(plan.params);
  return (
    <section className="plan-preview" data-testid="plan-preview" data-runbook={plan.runbook} data-target={plan.target}>
      <h3>
        Plan: {plan.runbook} on <span className="mono">{plan.target}</span>
      </h3>
      {params.length > 0 ? (
        <p className="muted mono">{params.map(([k, v]) => `${k}=${v}`).join(', ')}</p>
      ) : null}
      <p className="muted">On failure: {onFailureText(plan.onFailure)}</p>
      <ol className="plan-steps">
        {plan.steps.map((step) => (
          <li key={step.index} data-testid={`plan-step-${step.index}`} data-mutating={String(step.mutating)} className="plan-step">
            <div className="plan-step-title">
              <span className="step-number">{step.index + 1}.</span> {step.title}
              {step.mutating ? null : <span className="muted"> [changes nothing]</span>}
              {step.irreversible ? (
                <strong className="field-error" data-testid={`plan-irreversible-${step.index}`}>
                  {' '}
                  irreversible: nothing undoes it
                </strong>
              ) : null}
            </div>
            <div className="mono plan-command" data-testid={`plan-command-${step.index}`}>
              <span className="muted">do: </span>
              <HighlightedText text={describeAction(step.action)} targets={step.targets} />
            </div>
            {step.undo ? (
              <div className="mono plan-command" data-testid={`plan-undo-${step.index}`}>
                <span className="muted">undo: </span>
                <HighlightedText text={describeAction(step.undo)} targets={step.targets} />
              </div>
            ) : null}
          </li>
        ))}
      </ol>
      <p data-testid="plan-locks">
        Locks: <span className="mono">{plan.locks.length > 0 ? plan.locks.join(', ') : 'none'}</span>
      </p>
      <ul className="plan-preconditions">
        {plan.preconditions.map((p, i) => (
          <li key={i} data-testid="plan-precondition" data-ok={String(p.ok)} className={p.ok ? 'precondition-ok' : 'precondition-failed'}>
            [{p.ok ? 'ok' : 'FAILED'}] {p.text}
          </li>
        ))}
      </ul>
      <p data-testid="plan-confirmation" data-required={String(plan.confirmation !== null)}>
        {plan.confirmation === null ? (
          'No typed confirmation needed.'
        ) : (
          <>
            {plan.steps.some((s) => s.irreversible) ? 'An irreversible step' : 'Protected'}: type <code>{plan.confirmation}</code> to run.
          </>
        )}
      </p>
      {failed.length > 0 ? (
        <p className="field-error" data-testid="plan-blocked">
          This plan cannot run: {failed.length} precondition{failed.length === 1 ? '' : 's'} failed.
        </p>
      ) : null}
      <button type="button" className="primary" data-testid="plan-run" disabled={failed.length > 0} onClick={onRun}>
        Run…
      </button>
    </section>
  );
}
