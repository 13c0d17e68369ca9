import { useState } from 'react';
import type { RunbookPlan } from '../../../../shared/runbook';
import { confirmationMatches } from '../../model/plan-format';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNote } from '../../components/ErrorNote';

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
  const mutating = plan.steps.filter((s) => s.mutating).length;
  return (
    <ConfirmDialog
      testid="confirm-dialog"
      title={
        <>
          Run {plan.runbook} on {plan.target}?
        </>
      }
      confirmation={
        plan.confirmation === null
          ? null
          : { word: plan.confirmation, typed, onType: setTyped, why: 'This target is protected.', verb: 'run', mismatch: !matches, testid: 'confirm-input' }
      }
      error={error ? <ErrorNote error={error} context="runbooks.run" /> : null}
      submit={{ label: pending ? 'Starting…' : 'Run', testid: 'confirm-run', enabled: matches && !pending }}
      cancelTestid="confirm-cancel"
      onSubmit={() => onConfirm(plan.confirmation === null ? undefined : typed)}
      onCancel={onCancel}
    >
      <p>
        {plan.steps.length} steps, {mutating} of them change the fleet. Locks: <span className="mono">{plan.locks.join(', ') || 'none'}</span>.
      </p>
    </ConfirmDialog>
  );
}
