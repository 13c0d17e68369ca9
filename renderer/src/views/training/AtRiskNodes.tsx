import type { JobRisk } from '../../../../shared/training';
import { nodeHref } from '../../model/route';
import { cordonHref } from './routes';

/**
 * The nodes that put a job at risk, each with why and the way out: "Cordon node…" opens the
 * `cordon-gpu-node` runbook filled in (the node, its reason, requeue its jobs) on the Runbooks
 * view, where nothing happens before the plan is previewed and confirmed.
 */
export function AtRiskNodes({ risks }: { risks: readonly JobRisk[] }) {
  if (risks.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="training-list">
      {risks.map((r) => (
        <li key={r.node} data-testid="job-at-risk" data-node={r.node}>
          <a className="mono" href={nodeHref(r.node)}>
            {r.node}
          </a>
          : {r.reason}{' '}
          <a className="button-link training-cordon" data-testid="cordon-node" data-node={r.node} href={cordonHref(r.node, r.reason)}>
            Cordon node…<span className="sr-only"> ({r.node})</span>
          </a>
        </li>
      ))}
    </ul>
  );
}
