import { useQuery } from '@tanstack/react-query';
import type { NodeStatus } from '../../../../shared/status';
import { nodeQueries } from '../../api/queries/nodes';
import { useNow } from '../../hooks';
import { formatWhen, orDash } from '../../model/format';
import { ErrorNote } from '../../components/ErrorNote';
import { DetailDrawer } from '../../components/DetailDrawer';
import { GpuHistory } from '../../plots/GpuHistory';
import { GpuTable } from './GpuTable';
import { XidTable } from './XidTable';

function NodeFacts({ node }: { node: NodeStatus }) {
  const now = useNow(5_000);
  const models = [...new Set(node.gpus.map((g) => g.name))];
  return (
    <>
      <div className="detail-health">
        <span className={`pill h-${node.health}`} data-testid="detail-health" data-health={node.health}>
          {node.health}
        </span>
        <span>since {formatWhen(node.since, now)}</span>
        {node.lastVerdict !== node.health ? <span className="muted">last probe alone says {node.lastVerdict}</span> : null}
      </div>
      {node.reasons.length > 0 ? (
        <ul className="reasons">
          {node.reasons.map((r, i) => (
            <li key={i} data-testid="reason">
              {r}
            </li>
          ))}
        </ul>
      ) : null}
      <dl className="facts">
        <dt>host</dt>
        <dd className="mono">
          {node.host}:{node.port}
        </dd>
        <dt>region / cluster</dt>
        <dd>
          {node.region} / {node.cluster}
        </dd>
        <dt>driver</dt>
        <dd>{orDash(node.driverVersion)}</dd>
        <dt>GPUs</dt>
        <dd>
          {node.gpus.length} reported / {node.expectedGpus} expected
          {models.length > 0 ? <span className="muted"> · {models.join(', ')}</span> : null}
        </dd>
        <dt>last probe</dt>
        <dd>
          {formatWhen(node.lastProbeAt, now)}
          {node.lastProbeLatencyMs !== null ? ` · ${node.lastProbeLatencyMs} ms` : ''}
        </dd>
        <dt>last error</dt>
        <dd data-testid="last-error">
          {node.lastError ? (
            <>
              <code className="error-code">{node.lastError.code}</code> {node.lastError.message}
            </>
          ) : (
            '–'
          )}
        </dd>
      </dl>
    </>
  );
}

/**
 * The drawer for one node (`#/node/NAME`): live via pushes, deep-linkable, Escape closes it.
 * Under the facts, one GPU's temperature, power and utilisation over time (GpuHistory).
 */
export function NodeDetail({ name }: { name: string }) {
  const node = useQuery(nodeQueries.detail(name));
  return (
    <DetailDrawer name={name} what="node" testid="node-detail" data={{ 'data-node': name }}>
      {node.error ? <ErrorNote error={node.error} context="node.get" /> : null}
      {node.data ? (
        <>
          <NodeFacts node={node.data} />
          {node.data.gpus.length > 0 ? <GpuHistory node={node.data} /> : null}
          <h3>GPUs</h3>
          <GpuTable gpus={node.data.gpus} />
          <h3>XIDs</h3>
          <XidTable xids={node.data.xids} />
        </>
      ) : node.isPending ? (
        <p className="empty">Loading…</p>
      ) : null}
    </DetailDrawer>
  );
}
