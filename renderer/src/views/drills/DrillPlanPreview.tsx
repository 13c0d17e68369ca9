import type { DrillPlan } from '../../../../shared/drill';
import { describeAction } from '../../model/plan-format';
import { HighlightedText } from '../runbooks/HighlightedText';

function responseText(r: DrillPlan['response']): string {
  if (r.kind === 'none') return "none: the load balancer's own failover is measured";
  if (r.kind === 'operator') return 'the operator (game day): the console shows the clock and waits for a person to start a runbook';
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`);
  return `runbook ${r.runbook} on ${r.target}${params.length ? ` (${params.join(', ')})` : ''}, ${r.after.kind === 'detection' ? 'once the console detects the fault' : `${r.after.seconds} s after injecting`}`;
}

function expectationsText(e: DrillPlan['expectations']): string {
  return [
    e.detectedWithinSeconds === null ? null : `detected within ${e.detectedWithinSeconds} s`,
    e.mitigatedWithinSeconds === null ? null : `mitigated within ${e.mitigatedWithinSeconds} s`,
    e.restoredWithinSeconds === null ? null : `restored within ${e.restoredWithinSeconds} s`,
    e.maxFailedRequests === null ? null : `at most ${e.maxFailedRequests} failed requests`,
  ]
    .filter((x) => x !== null)
    .join(', ');
}

/**
 * A drill's dry run, laid out as a runbook's preview: the targets and why (with the seed), every
 * inject step with the exact command and the restore that undoes it, the restore order, the
 * hypothesis, response and expectations, locks, preconditions, and the word to type when a
 * protected cluster is hit. Nothing has been sent.
 */
export function DrillPlanPreview({ plan, onRun }: { plan: DrillPlan; onRun: () => void }) {
  const failed = plan.preconditions.filter((p) => !p.ok);
  const targets = plan.targets.map((t) => t.name);
  const h = plan.hypothesis;
  return (
    <section className="plan-preview" data-testid="drill-plan" data-drill={plan.drill} data-seed={plan.seed} data-targets={targets.join(' ')}>
      <h3>Dry run: {plan.drill}</h3>
      <p>
        Targets: {plan.selection} <span className="muted">(seed <span className="mono">{plan.seed}</span>, {plan.seedSource})</span>
      </p>
      <ul data-testid="drill-plan-targets">
        {plan.targets.map((t) => (
          <li key={`${t.kind}:${t.name}`}>
            {t.kind} <span className="mono">{t.name}</span>
            {t.protected ? <span className="pill h-degraded"> protected</span> : null} <span className="muted">{t.why}</span>
          </li>
        ))}
      </ul>
      <h4>Inject</h4>
      <ol className="plan-steps">
        {plan.inject.map((step) => (
          <li key={step.index} className="plan-step" data-testid={`drill-plan-step-${step.index}`}>
            <div className="plan-step-title">
              <span className="step-number">{step.index + 1}.</span> {step.title}
            </div>
            <div className="mono plan-command" data-testid={`drill-plan-command-${step.index}`}>
              <span className="muted">do: </span>
              <HighlightedText text={describeAction(step.action)} targets={step.targets} />
            </div>
            {step.undo ? (
              <div className="mono plan-command" data-testid={`drill-plan-restore-${step.index}`}>
                <span className="muted">restore: </span>
                <HighlightedText text={describeAction(step.undo)} targets={step.targets} />
              </div>
            ) : null}
          </li>
        ))}
      </ol>
      <p className="muted">
        Restore, always, newest first: {plan.restore.map((s) => `${s.index + 1}`).join(', ') || 'nothing to restore'}. Targets held: {targets.join(', ')}.
      </p>
      <dl className="facts">
        <dt>hypothesis</dt>
        <dd>
          through <span className="mono">{h.url}</span> ({h.service} on {h.loadBalancer}): success ≥ {h.minSuccessPct} % and p95 ≤ {h.maxP95LatencyMs} ms over {h.windowSeconds} s,
          probing {h.probeRatePerSecond}/s; broken longer than {h.graceSeconds} s aborts and restores
        </dd>
        <dt>response</dt>
        <dd data-testid="drill-plan-response">{responseText(plan.response)}</dd>
        <dt>expectations</dt>
        <dd>{expectationsText(plan.expectations)}</dd>
        <dt>locks</dt>
        <dd className="mono">{plan.locks.join(', ') || 'none'}</dd>
      </dl>
      <ul className="plan-preconditions">
        {plan.preconditions.map((p, i) => (
          <li key={i} data-testid="drill-plan-precondition" data-ok={String(p.ok)} className={p.ok ? 'precondition-ok' : 'precondition-failed'}>
            [{p.ok ? 'ok' : 'FAILED'}] {p.text}
          </li>
        ))}
      </ul>
      <p data-testid="drill-plan-confirmation" data-required={String(plan.confirmation !== null)}>
        {plan.confirmation === null ? (
          'No typed confirmation needed.'
        ) : (
          <>
            Protected: type <code>{plan.confirmation}</code> to run it by hand.
          </>
        )}
      </p>
      {failed.length > 0 ? (
        <p className="field-error" data-testid="drill-plan-blocked">
          This drill cannot run now: {failed.length} precondition{failed.length === 1 ? '' : 's'} failed.
        </p>
      ) : null}
      <button type="button" className="primary" data-testid="drill-run-button" disabled={failed.length > 0} onClick={onRun}>
        Run drill…
      </button>
    </section>
  );
}
