import { useState } from 'react';
import type { DrillPlan } from '../../../../shared/drill';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNote } from '../../components/ErrorNote';
import { confirmationMatches } from '../../model/plan-format';

interface Props {
  plan: DrillPlan;
  pending: boolean;
  error: unknown;
  onConfirm: (typed: string | undefined) => void;
  onCancel: () => void;
}

/**
 * The last word before a fault is injected by hand. A drill that hits a protected cluster asks
 * for its confirmation word typed exactly (the drill's name); any other asks once.
 */
export function ConfirmDrillDialog({ plan, pending, error, onConfirm, onCancel }: Props) {
  const [typed, setTyped] = useState('');
  const matches = confirmationMatches(plan.confirmation, typed);
  return (
    <ConfirmDialog
      testid="drill-confirm-dialog"
      title={<>Inject {plan.fault.kind} now? (drill {plan.drill})</>}
      confirmation={
        plan.confirmation === null
          ? null
          : { word: plan.confirmation, typed, onType: setTyped, why: 'This drill changes a protected cluster.', verb: 'run it', mismatch: !matches, testid: 'drill-confirm-input' }
      }
      error={error ? <ErrorNote error={error} context="drills.start" /> : null}
      submit={{ label: pending ? 'Starting…' : 'Run drill', testid: 'drill-confirm-run', enabled: matches && !pending }}
      cancelTestid="drill-confirm-cancel"
      onSubmit={() => onConfirm(plan.confirmation === null ? undefined : typed)}
      onCancel={onCancel}
    >
      <p>
        {plan.inject.length} inject step{plan.inject.length === 1 ? '' : 's'} on {plan.targets.map((t) => t.name).join(', ')}; the fault is always restored at the end, on an abort, or
        when the console stops. Seed <span className="mono">{plan.seed}</span>.
      </p>
    </ConfirmDialog>
  );
}
