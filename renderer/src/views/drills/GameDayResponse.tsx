import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { FleetSnapshot } from '../../../../shared/contract';
import type { DrillRunView } from '../../../../shared/drill-run';
import { useLinkDrillResponse } from '../../api/mutations/drills';
import { usePlanRunbook, useRunRunbook } from '../../api/mutations/runbooks';
import { runbookQueries } from '../../api/queries/runbooks';
import { ErrorNote } from '../../components/ErrorNote';
import { initialParams, overrideToSend, paramsToSend, targetOptions } from '../../model/runbook-form';
import { ConfirmRunDialog } from '../runbooks/ConfirmRunDialog';
import { PlanPreview } from '../runbooks/PlanPreview';
import { RunbookForm, type RunbookFormValues } from '../runbooks/RunbookForm';

type Props = { run: DrillRunView; snapshot: Pick<FleetSnapshot, 'replicas' | 'topology'> };

/**
 * A game day's response: the operator chooses a runbook and its target (the drill's own target
 * offered first), previews it, confirms, and the run it starts is linked to the drill — its start
 * is the human response time the drill measures. The same preview and confirmation as on the
 * Runbooks view: a drill changes nothing about how a runbook is run.
 */
export function GameDayResponse({ run, snapshot }: Props) {
  const runbooks = useQuery(runbookQueries.list());
  const plan = usePlanRunbook();
  const start = useRunRunbook();
  const link = useLinkDrillResponse();
  const [chosen, setChosen] = useState('');
  const [values, setValues] = useState<RunbookFormValues>({ target: '', params: {}, overrideReason: '' });
  const [confirming, setConfirming] = useState(false);
  const runbook = runbooks.data?.find((r) => r.name === chosen);
  const { replicas, topology } = snapshot;
  const targets = useMemo(() => (runbook ? targetOptions({ replicas, topology }, runbook.target) : []), [replicas, topology, runbook]);
  const drillTarget = run.plan.targets.find((t) => runbook && t.kind === runbook.target)?.name ?? '';

  const choose = (name: string) => {
    setChosen(name);
    const r = runbooks.data?.find((x) => x.name === name);
    const preset = r ? (run.plan.targets.find((t) => t.kind === r.target)?.name ?? '') : '';
    setValues({ target: preset, params: r ? initialParams(r) : {}, overrideReason: '' });
    plan.reset();
  };
  const preview = () => {
    if (!runbook) return;
    plan.mutate({ runbook: runbook.name, target: values.target, params: paramsToSend(runbook, values.params), overrideReason: overrideToSend(values.overrideReason) });
  };
  const confirm = (typed: string | undefined) => {
    const input = plan.variables;
    if (!input) return;
    start.mutate(
      { ...input, confirm: typed },
      {
        onSuccess: (started) => {
          setConfirming(false);
          link.mutate({ runId: run.id, runbookRunId: started.id });
        },
      },
    );
  };

  return (
    <section className="game-day-response" data-testid="drill-response" aria-labelledby="drill-response-title">
      <h3 id="drill-response-title">Respond: start a runbook for this drill</h3>
      <label>
        runbook{' '}
        <select data-testid="drill-response-runbook" value={chosen} onChange={(e) => choose(e.target.value)}>
          <option value="">choose a runbook…</option>
          {(runbooks.data ?? []).map((r) => (
            <option key={r.name} value={r.name}>
              {r.name} (on a {r.target})
            </option>
          ))}
        </select>
      </label>
      {runbooks.error ? <ErrorNote error={runbooks.error} context="runbooks.list" /> : null}
      {runbook ? (
        <>
          {drillTarget ? <p className="muted">The drill's target: <span className="mono">{drillTarget}</span></p> : null}
          <RunbookForm
            runbook={runbook}
            targets={targets}
            optionsFor={(kind) => targetOptions({ replicas, topology }, kind)}
            values={values}
            onChange={(next) => {
              setValues(next);
              plan.reset();
            }}
            onPreview={preview}
            pending={plan.isPending}
          />
        </>
      ) : null}
      {plan.error ? <ErrorNote error={plan.error} context="runbooks.plan" /> : null}
      {plan.data ? (
        <PlanPreview
          plan={plan.data}
          onRun={() => {
            start.reset();
            setConfirming(true);
          }}
        />
      ) : null}
      {confirming && plan.data ? <ConfirmRunDialog plan={plan.data} pending={start.isPending} error={start.error} onConfirm={confirm} onCancel={() => setConfirming(false)} /> : null}
      {link.error ? <ErrorNote error={link.error} context="drills.linkResponse" /> : null}
    </section>
  );
}
