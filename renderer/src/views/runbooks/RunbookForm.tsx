import type { FormEvent } from 'react';
import type { RunbookSummary } from '../../../../shared/runbook';
import { kindError, paramError } from '../../model/runbook-form';

export interface RunbookFormValues {
  target: string;
  params: Record<string, string>;
  overrideReason: string;
}

interface Props {
  runbook: RunbookSummary;
  targets: readonly string[];
  /** The choices for a parameter naming a replica, a region or a node. */
  optionsFor: (kind: 'replica' | 'region' | 'node') => readonly string[];
  values: RunbookFormValues;
  onChange: (values: RunbookFormValues) => void;
  onPreview: () => void;
  pending: boolean;
}

/** Target, parameters (with their defaults and the patterns they must match) and an optional override reason. */
export function RunbookForm({ runbook, targets, optionsFor, values, onChange, onPreview, pending }: Props) {
  const errors = runbook.params.map((p) => (p.kind !== null ? kindError(p.kind, values.params[p.name] ?? '', p.kind === runbook.target ? values.target : null) : paramError(p.pattern, values.params[p.name] ?? '')));
  const reason = values.overrideReason.trim();
  const reasonError = reason !== '' && reason.length < 3 ? 'a reason needs at least 3 characters' : null;
  const valid = values.target !== '' && errors.every((e) => e === null) && reasonError === null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (valid && !pending) onPreview();
  };
  return (
    <form className="runbook-form" data-testid="runbook-form" onSubmit={submit}>
      <label>
        {runbook.target}
        <select data-testid="runbook-target" value={values.target} onChange={(e) => onChange({ ...values, target: e.target.value })}>
          <option value="">choose a {runbook.target}…</option>
          {targets.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      {runbook.params.map((p, i) =>
        p.kind !== null ? (
          <label key={p.name} title={p.description ?? undefined}>
            {p.name}
            <select
              data-testid={`runbook-param-${p.name}`}
              value={values.params[p.name] ?? ''}
              aria-invalid={errors[i] !== null}
              onChange={(e) => onChange({ ...values, params: { ...values.params, [p.name]: e.target.value } })}
            >
              <option value="">choose a {p.kind}…</option>
              {optionsFor(p.kind)
                .filter((o) => !(p.kind === runbook.target && o === values.target))
                .map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
            </select>
            {p.description ? <span className="muted">{p.description}</span> : null}
            {errors[i] ? <span className="field-error">{errors[i]}</span> : null}
          </label>
        ) : (
          <label key={p.name} title={p.description ?? undefined}>
            {p.name}
            <input
              data-testid={`runbook-param-${p.name}`}
              className="mono"
              value={values.params[p.name] ?? ''}
              placeholder={p.default ?? ''}
              aria-invalid={errors[i] !== null}
              onChange={(e) => onChange({ ...values, params: { ...values.params, [p.name]: e.target.value } })}
            />
            <span className="muted mono">
              {p.default !== null ? `default ${p.default} · ` : ''}pattern {p.pattern}
            </span>
            {p.description ? <span className="muted">{p.description}</span> : null}
            {errors[i] ? <span className="field-error">{errors[i]}</span> : null}
          </label>
        ),
      )}
      <label>
        override reason (optional: lets a failed capacity check pass, and is audited)
        <input
          data-testid="runbook-override"
          value={values.overrideReason}
          maxLength={500}
          aria-invalid={reasonError !== null}
          onChange={(e) => onChange({ ...values, overrideReason: e.target.value })}
        />
        {reasonError ? <span className="field-error">{reasonError}</span> : null}
      </label>
      <button type="submit" className="primary" data-testid="runbook-preview" disabled={!valid || pending}>
        {pending ? 'Planning…' : 'Preview plan'}
      </button>
    </form>
  );
}
