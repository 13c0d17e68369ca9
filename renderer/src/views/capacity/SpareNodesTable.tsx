import { memo } from 'react';
import type { SpareNode } from '../../../../shared/capacity';
import { nodeHref } from '../../model/route';
import { READINESS_LABEL, READINESS_TONE } from './capacity-model';
import { promoteNodeHref } from './routes';

/**
 * Training nodes held as spares, and how ready each really is: a warm one its probes do not prove
 * counts as cold. "Promote…" opens promote-spare-node on the Runbooks view, filled in.
 */
export const SpareNodesTable = memo(function SpareNodesTable({ nodes }: { nodes: readonly SpareNode[] }) {
  if (nodes.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="capacity-spare-nodes-title" data-testid="capacity-spare-nodes">
      <h2 id="capacity-spare-nodes-title">Spare nodes</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">node</th>
              <th scope="col">region / cluster</th>
              <th scope="col">GPUs</th>
              <th scope="col">held as</th>
              <th scope="col">readiness</th>
              <th scope="col">marked by</th>
              <th scope="col">reason</th>
              <th scope="col">
                <span className="sr-only">actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => (
              <tr key={n.node} data-testid={`capacity-spare-node-${n.node}`} data-readiness={n.readiness} data-mode={n.mode}>
                <td>
                  <a className="mono" href={nodeHref(n.node)}>
                    {n.node}
                  </a>
                </td>
                <td>
                  {n.region} / {n.cluster}
                </td>
                <td>{n.gpus}</td>
                <td>{n.mode}</td>
                <td>
                  <span className={`pill h-${READINESS_TONE[n.readiness]}`} title={n.reason ?? undefined}>
                    {READINESS_LABEL[n.readiness]}
                  </span>
                </td>
                <td>{n.source}</td>
                <td className="wrap">{n.reason ?? <span className="muted">–</span>}</td>
                <td>
                  <a className="button-link capacity-promote" data-testid={`capacity-promote-${n.node}`} href={promoteNodeHref(n)}>
                    Promote…<span className="sr-only"> {n.node}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
});
