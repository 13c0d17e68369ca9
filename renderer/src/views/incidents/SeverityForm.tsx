import { useState } from 'react';
import type { IncidentSeverity } from '../../../../shared/incident';
import { useIncidentAction } from '../../api/mutations/incidents';
import { ErrorNote } from '../../components/ErrorNote';

const SEVERITIES: IncidentSeverity[] = ['sev1', 'sev2', 'sev3'];

/** A person's severity, with why (the rule set it by SLO impact and protected clusters; it only ever raises it). */
export function SeverityForm({ id, severity, disabled }: { id: string; severity: IncidentSeverity; disabled: boolean }) {
  const action = useIncidentAction();
  const [next, setNext] = useState<IncidentSeverity>(severity);
  const [reason, setReason] = useState('');
  return (
    <form
      className="incident-severity-form"
      onSubmit={(e) => {
        e.preventDefault();
        action.mutate({ id, action: 'severity', severity: next, reason: reason.trim() || undefined }, { onSuccess: () => setReason('') });
      }}
    >
      <label>
        Severity{' '}
        <select data-testid="incident-severity" value={next} disabled={disabled} onChange={(e) => setNext(e.target.value as IncidentSeverity)}>
          {SEVERITIES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>{' '}
      <label>
        why{' '}
        <input data-testid="incident-severity-reason" value={reason} disabled={disabled} maxLength={500} onChange={(e) => setReason(e.target.value)} />
      </label>{' '}
      <button type="submit" data-testid="incident-severity-set" disabled={disabled || next === severity || action.isPending}>
        Set severity
      </button>
      {action.error ? <ErrorNote error={action.error} context="incidents.setSeverity" /> : null}
    </form>
  );
}
