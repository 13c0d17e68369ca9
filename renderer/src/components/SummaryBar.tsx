import { useMemo } from 'react';
import type { NodeStatus } from '../../../shared/status';
import { useConnectionState } from '../api/connection-hooks';
import { HEALTH_ORDER, summarize } from '../model/summary';

export function SummaryBar({ nodes, kind }: { nodes: readonly NodeStatus[]; kind: 'ipc' | 'websocket' }) {
  const summary = useMemo(() => summarize(nodes), [nodes]);
  const connection = useConnectionState();
  return (
    <div className="summary" data-testid="summary">
      <span className="summary-title">fleetops</span>
      <span className="summary-item">{summary.nodes} nodes</span>
      {HEALTH_ORDER.map((health) => (
        <span key={health} className={`summary-count h-${health}`} data-testid={`count-${health}`} data-count={summary.byHealth[health]}>
          <span className="dot" aria-hidden="true" />
          {summary.byHealth[health]} {health}
        </span>
      ))}
      <span className="summary-item" data-testid="gpu-count">
        GPUs {summary.gpusHealthy} / {summary.gpusTotal} healthy
      </span>
      <span className={`summary-conn conn-${connection.status}`} data-testid="connection-state" data-status={connection.status}>
        {kind === 'ipc' ? 'local' : 'server'}: {connection.status}
      </span>
    </div>
  );
}
