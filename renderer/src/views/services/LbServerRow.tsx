import { memo, useState, type FormEvent, type ReactNode } from 'react';
import type { LbServerStatus, ReplicaStatus } from '../../../../shared/services';
import type { LbChangeRequest } from '../../model/lb-change';
import { lbStatusKind, serverAdminState, serverKey, type ServerAdminState } from '../../model/lb-view';
import { parseNumberField } from '../../model/number-input';
import { formatReplicaLatency } from '../../model/replica-format';
import { nodeHref, replicaHref } from '../../model/route';
import { LbChangeDialog } from '../../components/LbChangeDialog';
import { ReplicaHealthPill } from '../../components/ReplicaHealthPill';

interface Props {
  loadBalancer: string;
  server: LbServerStatus;
  /** The console's own view of the replica this server is (undefined: no status yet, or not a replica). */
  replica: ReplicaStatus | undefined;
  connected: boolean;
}

const ADMIN_STATES: readonly ServerAdminState[] = ['drain', 'maint', 'ready'];
export const LB_SERVER_COLUMNS = ['server', 'HAProxy', 'check', 'weight', 'sessions', 'console probe', 'node', 'actions'] as const;
const COLUMNS = LB_SERVER_COLUMNS.length;

function ConsoleProbe({ server, replica }: { server: LbServerStatus; replica: ReplicaStatus | undefined }) {
  if (server.replica === null) return <span className="muted">not a replica in the inventory</span>;
  if (replica === undefined) return <span className="muted">{server.replica}: no probe yet</span>;
  const latency = formatReplicaLatency(replica.latency, replica.tokensPerDay !== null);
  return (
    <>
      <div className="clip-line" title={replica.reasons.join('\n')}>
        <a href={replicaHref(replica.name)} className="mono">
          {replica.name}
        </a>{' '}
        <ReplicaHealthPill replica={replica} /> {replica.reasons[0] ?? ''}
      </div>
      <div className="muted clip-line" title={latency}>
        {latency}
      </div>
    </>
  );
}

/** A line under the row that spans every column (the disagreement, a field or call error). */
function FullWidth({ children, className, testid }: { children: ReactNode; className?: string; testid?: string }) {
  return (
    <div role="cell" aria-colspan={COLUMNS} className={`full-width${className ? ` ${className}` : ''}`} data-testid={testid}>
      {children}
    </div>
  );
}

/**
 * One HAProxy server: HAProxy's own words on the left, the console's probe of the same replica
 * beside them, the admin actions on the right; the disagreement and any field error sit under
 * it, in the same element. An action sends nothing by itself: it opens the change dialog, which
 * shows the change gate's preview and applies only on the operator's word. A grid row (not a
 * table row) so off-screen servers skip layout. Memoized by server and replica identity.
 */
export const LbServerRow = memo(function LbServerRow({ loadBalancer, server, replica, connected }: Props) {
  const [weightText, setWeightText] = useState('');
  const [asking, setAsking] = useState<LbChangeRequest | null>(null);
  const key = serverKey(loadBalancer, server);
  const target = { loadBalancer, backend: server.backend, server: server.server, revertOf: null };
  const weight = parseNumberField(weightText, { label: 'weight', min: 0, max: 256, integer: true, optional: false });
  const current = serverAdminState(server.status);

  const submitWeight = (e: FormEvent) => {
    e.preventDefault();
    if (!weight.ok || weight.value === undefined || !connected) return;
    setAsking({ ...target, change: { kind: 'weight', weight: weight.value } });
  };

  return (
    <div
      role="row"
      className={`grid-row lb-server lbs-${lbStatusKind(server.status)}${server.disagreement ? ' has-disagreement' : ''}`}
      data-testid={`lb-server-${key}`}
      data-lb-status={server.status}
      data-replica-health={replica?.health ?? (server.replica === null ? 'none' : 'unknown')}
    >
      <div role="cell" className="mono">
        {server.server}
      </div>
      <div role="cell">
        <span className="lb-status" data-testid="lb-status">
          {server.status}
        </span>
      </div>
      <div role="cell" title={server.lastCheck ?? undefined}>
        {server.checkStatus ?? '–'}
        {server.lastCheck ? <span className="muted"> {server.lastCheck}</span> : null}
      </div>
      <div role="cell" data-testid="lb-weight-value">
        {server.weight}
      </div>
      <div role="cell" data-testid="lb-sessions">
        {server.sessions}
      </div>
      <div role="cell" className="lb-console">
        <ConsoleProbe server={server} replica={replica} />
      </div>
      <div role="cell">{replica?.node ? <a href={nodeHref(replica.node)}>{replica.node}</a> : <span className="muted">–</span>}</div>
      <div role="cell" className="lb-actions">
        {ADMIN_STATES.map((state) => (
          <button
            key={state}
            type="button"
            data-testid={`lb-${state}-${key}`}
            aria-pressed={current === state}
            disabled={!connected}
            aria-haspopup="dialog"
            title={`set server ${server.backend}/${server.server} state ${state}…`}
            onClick={() => setAsking({ ...target, change: { kind: 'state', state } })}
          >
            {state}
          </button>
        ))}
        <form className="lb-weight" onSubmit={submitWeight}>
          <input
            data-testid={`lb-weight-${key}`}
            aria-label={`weight of ${server.backend}/${server.server}`}
            inputMode="numeric"
            size={3}
            placeholder={String(server.weight)}
            value={weightText}
            aria-invalid={weightText !== '' && !weight.ok}
            onChange={(e) => setWeightText(e.target.value)}
          />
          <button type="submit" data-testid={`lb-weight-set-${key}`} aria-haspopup="dialog" disabled={!connected || !weight.ok}>
            set weight
          </button>
        </form>
      </div>
      {server.disagreement ? (
        <FullWidth className="lb-disagreement" testid="lb-disagreement">
          ⚠ {server.disagreement}
        </FullWidth>
      ) : null}
      {weightText !== '' && !weight.ok ? <FullWidth className="field-error">{weight.message}</FullWidth> : null}
      {asking ? (
        <LbChangeDialog
          request={asking}
          onClose={() => setAsking(null)}
          onApplied={asking.change.kind === 'weight' ? () => setWeightText('') : undefined}
        />
      ) : null}
    </div>
  );
});
