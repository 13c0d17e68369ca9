import { Fragment, memo, useMemo, useState } from 'react';
import type { TrainingNode } from '../../../../shared/training';
import { LONG_LIST_ROWS } from '../../model/long-list';
import { nodeHref } from '../../model/route';
import { jobHref } from './routes';
import { nodesByCluster, slurmStateText } from './training-model';

const COLUMNS = 7;

/**
 * Each training cluster's nodes: Slurm's state beside the console's own verdict, and — the signal
 * this view is for — the sentence saying where they disagree (a bad node Slurm still schedules
 * on, a healthy one it holds drained). Those come first. Memoized: the view's one-second clock
 * does not touch it; only a push does.
 */
export const NodesPanel = memo(function NodesPanel({ nodes }: { nodes: readonly TrainingNode[] }) {
  const groups = useMemo(() => nodesByCluster(nodes), [nodes]);
  if (groups.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="training-nodes-title" data-testid="training-nodes">
      <h2 id="training-nodes-title">Nodes</h2>
      {groups.map((g) => (
        <ClusterNodes key={`${g.region}/${g.cluster}`} region={g.region} cluster={g.cluster} nodes={g.nodes} />
      ))}
    </section>
  );
});

function ClusterNodes({ region, cluster, nodes }: { region: string; cluster: string; nodes: readonly TrainingNode[] }) {
  // A 2,000-node cluster would be 2,000 rows on every push: the first ones (problems first) until asked.
  const [all, setAll] = useState(false);
  const shown = all ? nodes : nodes.slice(0, LONG_LIST_ROWS);
  const titleId = `training-nodes-${region}-${cluster}`;
  return (
    <>
      <h3 id={titleId} className="training-cluster-title">
        {region} / {cluster} <span className="heading-count">{nodes.length}</span>
      </h3>
      <div className="table-wrap">
        <table className="training-nodes" aria-labelledby={titleId}>
          <thead>
            <tr>
              <th scope="col">node</th>
              <th scope="col">Slurm state</th>
              <th scope="col">schedulable</th>
              <th scope="col">Slurm reason</th>
              <th scope="col">GPUs used</th>
              <th scope="col">running jobs</th>
              <th scope="col">console health</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((n) => (
              <NodeRow key={n.node} node={n} />
            ))}
          </tbody>
        </table>
      </div>
      {nodes.length > shown.length ? (
        <button type="button" onClick={() => setAll(true)}>
          Show all {nodes.length} nodes of {cluster}
        </button>
      ) : null}
    </>
  );
}

function NodeRow({ node: n }: { node: TrainingNode }) {
  return (
    <Fragment>
      <tr className={n.disagreement !== null ? 'h-degraded' : undefined} data-testid="training-node" data-node={n.node} data-schedulable={String(n.schedulable)} data-disagrees={String(n.disagreement !== null)}>
        <td>
          <a className="mono" href={nodeHref(n.node)}>
            {n.node}
          </a>
          {n.slurmName !== n.node ? <span className="muted mono"> ({n.slurmName} in Slurm)</span> : null}
        </td>
        <td className="mono">{slurmStateText(n)}</td>
        <td>{n.schedulable ? 'yes' : <strong>no</strong>}</td>
        <td className="wrap">
          {n.reason ?? <span className="muted">–</span>}
          {n.reasonBy !== null || n.reasonAt !== null ? (
            <div className="muted">
              {n.reasonBy !== null ? `by ${n.reasonBy}` : ''}
              {n.reasonAt !== null ? ` at ${new Date(n.reasonAt).toLocaleString()}` : ''}
            </div>
          ) : null}
        </td>
        <td>
          {n.gpusUsed} / {n.gpusTotal}
        </td>
        <td>
          {n.jobs.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            n.jobs.map((id, i) => (
              <span key={id}>
                {i > 0 ? ', ' : null}
                <a className="mono" href={jobHref({ cluster: n.cluster, id })}>
                  {id}
                </a>
              </span>
            ))
          )}
        </td>
        <td>
          <span className={`pill h-${n.health}`}>{n.health}</span>
          {n.healthReasons.length > 0 ? <div className="wrap">{n.healthReasons[0]}</div> : null}
        </td>
      </tr>
      {n.disagreement !== null ? (
        <tr className="h-degraded training-disagreement-row">
          <td colSpan={COLUMNS}>
            <p className="training-disagreement" data-testid="training-disagreement" data-node={n.node}>
              <span className="sr-only">{n.node}: </span>
              {n.disagreement}
            </p>
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}
