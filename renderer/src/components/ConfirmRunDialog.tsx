import { useState, type FormEvent } from 'react';
import type { RunbookPlan } from '../../../shared/runbook';
import { confirmationMatches } from '../model/plan-format';
import { ErrorNote } from './ErrorNote';

interface Props {
  plan: RunbookPlan;
  pending: boolean;
  error: unknown;
  onConfirm: (typed: string | undefined) => void;
  onCancel: () => void;
}

/**
 * The last word before anything is sent. A protected target asks for its name typed exactly;
 * any other run still asks once, so a stray click on "Run…" changes nothing.
 */
export function ConfirmRunDialog({ plan, pending, error, onConfirm, onCancel }: Props) {
  const [typed, setTyped] = useState('');
  const matches = confirmationMatches(plan.confirmation, typed);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!matches || pending) return;
    onConfirm(plan.confirmation === null ? undefined : typed);
  };
  const mutating = plan.steps.filter((s) => s.mutating).length;
  return (
    <div className="dialog-backdrop">
      <form className="dialog" role="dialog" aria-modal="true" aria-labelledby="confirm-title" data-testid="confirm-dialog" onSubmit={submit}>
        <h2 id="confirm-title">
          Run {plan.runbook} on {plan.target}?
        </h2>
        <p>
          {plan.steps.length} steps, {mutating} of them change the fleet. Locks: <span className="mono">{plan.locks.join(', ') || 'none'}</span>.
        </p>
        {plan.confirmation !== null ? (
          <label className="confirm-label">
            This target is protected. Type <code>{plan.confirmation}</code> to run:
            <input
              data-testid="confirm-input"
              autoFocus
              autoComplete="off"
              spellCheck={false}
              value={typed}
              aria-invalid={typed !== '' && !matches}
              onChange={(e) => setTyped(e.target.value)}
            />
          </label>
        ) : null}
        {error ? <ErrorNote error={error} context="runbooks.run" /> : null}
        <div className="actions">
          <button type="submit" className="primary" data-testid="confirm-run" disabled={!matches || pending}>
            {pending ? 'Starting…' : 'Run'}
          </button>
          <button type="button" data-testid="confirm-cancel" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
