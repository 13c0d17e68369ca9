import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { FleetSnapshot } from '../../../shared/contract';
import type { RunbookSummary } from '../../../shared/runbook';
import { usePlanRunbook, useRunRunbook } from '../api/mutations/runbooks';
import { runbookQueries, runQueries } from '../api/queries/runbooks';
import { initialParams, overrideToSend, paramsToSend, targetOptions } from '../model/runbook-form';
import { ConfirmRunDialog } from './ConfirmRunDialog';
import { ErrorNote } from './ErrorNote';
import { PlanPreview } from './PlanPreview';
import { RunbookForm, type RunbookFormValues } from './RunbookForm';
import { RunDetail } from './RunDetail';
import { RunHistory } from './RunHistory';

type Props = { snapshot: Pick<FleetSnapshot, 'replicas' | 'topology' | 'runs'> };

/** Runbooks: choose one and a target, preview the exact plan, confirm, watch it run; then the history. */
export function RunbooksPanel({ snapshot }: Props) {
  const runbooks = useQuery(runbookQueries.list());
  const listed = useQuery(runQueries.list());
  const plan = usePlanRunbook();
  const run = useRunRunbook();
  const [chosen, setChosen] = useState<string | null>(null);
  const [values, setValues] = useState<RunbookFormValues>({ target: '', params: {}, overrideReason: '' });
  const [confirming, setConfirming] = useState(false);
  const [selectedRun, setSelectedRun] = useState<string | null>(null);

  const runbook = runbooks.data?.find((r) => r.name === chosen);
  const { replicas, topology } = snapshot;
  // Keyed on the two lists it reads, not the snapshot, which changes with every node push.
  const targets = useMemo(() => (runbook ? targetOptions({ replicas, topology }, runbook.target) : []), [replicas, topology, runbook]);
  // Both are kept current by run.updated; the list may reach further back than the snapshot.
  const runs = listed.data ?? snapshot.runs;
  const shownRun = selectedRun === null ? undefined : (runs.find((r) => r.id === selectedRun) ?? (run.data?.id === selectedRun ? run.data : undefined));

  const choose = (r: RunbookSummary) => {
    setChosen(r.name);
    setValues({ target: '', params: initialParams(r), overrideReason: '' });
    plan.reset();
  };
  // A preview is only good for the inputs it was made from.
  const change = (next: RunbookFormValues) => {
    setValues(next);
    plan.reset();
  };
  const preview = () => {
    if (!runbook) return;
    plan.mutate({
      runbook: runbook.name,
      target: values.target,
      params: paramsToSend(runbook, values.params),
      overrideReason: overrideToSend(values.overrideReason),
    });
  };
  const start = (confirm: string | undefined) => {
    const input = plan.variables;
    if (!input) return;
    run.mutate(
      { ...input, confirm },
      {
        onSuccess: (view) => {
          setConfirming(false);
          setSelectedRun(view.id);
        },
      },
    );
  };

  return (
    <section className="panel" aria-labelledby="runbooks-title" data-testid="runbooks-panel">
      <h2 id="runbooks-title">Runbooks</h2>
      {runbooks.error ? <ErrorNote error={runbooks.error} context="runbooks.list" /> : null}
      <ul className="runbook-list">
        {(runbooks.data ?? []).map((r) => (
          <li key={r.name}>
            <button
              type="button"
              className={`runbook-item${r.name === chosen ? ' selected' : ''}`}
              data-testid={`runbook-${r.name}`}
              aria-pressed={r.name === chosen}
              onClick={() => choose(r)}
            >
              <span className="mono">{r.name}</span> <span className="pill">{r.target}</span>
              {r.builtin ? <span className="muted"> built-in</span> : null}
              <span className="runbook-description muted">{r.description}</span>
            </button>
          </li>
        ))}
      </ul>
      {runbooks.data?.length === 0 ? <p className="empty">No runbook is loaded.</p> : null}
      {runbook ? (
        <RunbookForm runbook={runbook} targets={targets} optionsFor={(kind) => targetOptions({ replicas, topology }, kind)} values={values} onChange={change} onPreview={preview} pending={plan.isPending} />
      ) : null}
      {plan.error ? <ErrorNote error={plan.error} context="runbooks.plan" /> : null}
      {plan.data ? (
        <PlanPreview
          plan={plan.data}
          onRun={() => {
            run.reset();
            setConfirming(true);
          }}
        />
      ) : null}
      {confirming && plan.data ? (
        <ConfirmRunDialog plan={plan.data} pending={run.isPending} error={run.error} onConfirm={start} onCancel={() => setConfirming(false)} />
      ) : null}
      {shownRun ? <RunDetail key={shownRun.id} run={shownRun} onClose={() => setSelectedRun(null)} /> : null}
      {listed.error ? <ErrorNote error={listed.error} context="runs.list" /> : null}
      <RunHistory runs={runs} selected={selectedRun} onSelect={setSelectedRun} />
    </section>
  );
}
