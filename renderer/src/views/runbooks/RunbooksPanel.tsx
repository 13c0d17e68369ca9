import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FleetSnapshot } from '../../../../shared/contract';
import type { RunbookSummary } from '../../../../shared/runbook';
import { usePlanRunbook, useRunRunbook } from '../../api/mutations/runbooks';
import { runbookQueries, runQueries } from '../../api/queries/runbooks';
import { useRevealSubject } from '../../hooks';
import { runbookHref, runHref, viewHref } from '../../model/route';
import { initialParams, overrideToSend, paramsToSend, targetOptions } from '../../model/runbook-form';
import { useNavigation } from '../../navigation-context';
import { ConfirmRunDialog } from './ConfirmRunDialog';
import { ErrorNote } from '../../components/ErrorNote';
import { PlanPreview } from './PlanPreview';
import { RunbookForm, type RunbookFormValues } from './RunbookForm';
import { RunDetail } from './RunDetail';
import { RunHistory } from './RunHistory';
import { parseRunbookLink, type RunbookLink } from './runbook-link';

type Props = {
  snapshot: Pick<FleetSnapshot, 'replicas' | 'topology' | 'runs'>;
  /** The run the route names (`#/run/ID`): shown live under the form. */
  selectedRun: string | null;
  /** The runbook the route names (`#/runbook/NAME`, or a link with the form filled in: views/runbooks/runbook-link.ts): chosen in the form. */
  routeRunbook: string | null;
};

/** The DOM id of a run's live view, where `#/run/ID` scrolls to. */
export const runAnchorId = (id: string): string => `subject:run:${id}`;

/**
 * Runbooks: choose one and a target, preview the exact plan, confirm, watch it run; then the
 * history. The run shown and the runbook chosen follow the route, so both can be linked to.
 */
export function RunbooksPanel({ snapshot, selectedRun, routeRunbook }: Props) {
  const runbooks = useQuery(runbookQueries.list());
  const listed = useQuery(runQueries.list());
  const plan = usePlanRunbook();
  const run = useRunRunbook();
  const [chosen, setChosen] = useState<string | null>(null);
  const [values, setValues] = useState<RunbookFormValues>({ target: '', params: {}, overrideReason: '' });
  const [confirming, setConfirming] = useState(false);
  const navigation = useNavigation();
  const setSelectedRun = (id: string | null) => navigation.go(id === null ? viewHref('runbooks') : runHref(id));

  const runbook = runbooks.data?.find((r) => r.name === chosen);
  const { replicas, topology } = snapshot;
  // Keyed on the two lists it reads, not the snapshot, which changes with every node push.
  const targets = useMemo(() => (runbook ? targetOptions({ replicas, topology }, runbook.target) : []), [replicas, topology, runbook]);
  // Both are kept current by run.updated; the list may reach further back than the snapshot.
  const runs = listed.data ?? snapshot.runs;
  const shownRun = selectedRun === null ? undefined : (runs.find((r) => r.id === selectedRun) ?? (run.data?.id === selectedRun ? run.data : undefined));

  const choose = (r: RunbookSummary, link?: RunbookLink) => {
    setChosen(r.name);
    // A link's values fill in only the parameters this runbook has.
    const linked = Object.fromEntries(Object.entries(link?.params ?? {}).filter(([k]) => r.params.some((p) => p.name === k)));
    setValues({ target: link?.target ?? '', params: { ...initialParams(r), ...linked }, overrideReason: '' });
    plan.reset();
  };
  // A link to a runbook (`#/runbook/NAME`, the palette) chooses it, as a click on it would; one
  // with a target or parameters (another view's "Cordon node…") fills the form in as well.
  const link = routeRunbook === null ? null : parseRunbookLink(routeRunbook);
  const routed = link === null ? undefined : runbooks.data?.find((r) => r.name === link.runbook);
  const applied = useRef<string | null>(null);
  useEffect(() => {
    if (!routed || link === null || applied.current === routeRunbook) return;
    applied.current = routeRunbook;
    if (routed.name !== chosen || link.target !== null || Object.keys(link.params).length > 0) choose(routed, link);
    // Only a new route (or the list arriving) chooses; the operator's own choice is left alone otherwise.
  }, [routed, routeRunbook]);
  const runMissing = selectedRun !== null && listed.data !== undefined && shownRun === undefined;
  useRevealSubject(selectedRun === null ? null : runAnchorId(selectedRun), shownRun !== undefined);
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
              onClick={() => {
                choose(r);
                navigation.go(runbookHref(r.name));
              }}
            >
              <span className="mono">{r.name}</span> <span className="pill">{r.target}</span>
              {r.builtin ? <span className="muted"> built-in</span> : null}
              <span className="runbook-description muted">{r.description}</span>
            </button>
          </li>
        ))}
      </ul>
      {runbooks.data?.length === 0 ? <p className="empty">No runbook is loaded.</p> : null}
      {link !== null && runbooks.data !== undefined && routed === undefined ? (
        <p className="note" role="status" data-testid="subject-missing">
          No runbook named {link.runbook} is loaded.
        </p>
      ) : null}
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
      {runMissing ? (
        <p className="note" role="status" data-testid="subject-missing">
          No run with id {selectedRun} in the history.
        </p>
      ) : null}
      {shownRun ? <RunDetail key={shownRun.id} run={shownRun} anchorId={runAnchorId(shownRun.id)} onClose={() => setSelectedRun(null)} /> : null}
      {listed.error ? <ErrorNote error={listed.error} context="runs.list" /> : null}
      <RunHistory runs={runs} selected={selectedRun} onSelect={setSelectedRun} />
    </section>
  );
}
