import { memo } from 'react';
import type { ReplicaStatus } from '../../../../shared/services';
import { formatBreaker, formatP50P95, formatProbe, formatProbeShort, formatRetryAfter } from '../../model/replica-format';
import { nodeHref, replicaHref } from '../../model/route';
import { ReplicaHealthPill } from '../../components/ReplicaHealthPill';

/** Column headers, kept short for a dense list; the title says what the cell holds. */
export const REPLICA_COLUMNS: readonly { label: string; title: string }[] = [
  { label: 'replica', title: 'replica name: opens its detail' },
  { label: 'health', title: "the console's verdict from its own probes" },
  { label: 'reason', title: 'first reason (all of them in the tooltip)' },
  { label: 'node', title: 'the node it runs on' },
  { label: 'health ms', title: 'health probe latency, p50 / p95' },
  { label: 'compl. ms', title: 'completion probe latency, p50 / p95' },
  { label: 'last health', title: 'last health probe (details in the tooltip)' },
  { label: 'last compl.', title: 'last completion probe (details in the tooltip)' },
  { label: 'throttle', title: "the last 429's Retry-After, and until when no probe is sent" },
  { label: 'breaker', title: 'circuit breaker of the probes' },
];

/**
 * One replica in the list: a grid row, not a table row, so that off-screen rows can skip layout
 * (content-visibility does not apply to table rows, and one changed row of a 500-row table
 * re-lays out the whole table). Times are absolute (HH:MM:SS), never "… ago": a clock tick would
 * re-render 500 rows; memoized by status identity, so a push re-renders the replicas it names.
 */
export const ReplicaRow = memo(function ReplicaRow({ replica: r, selected }: { replica: ReplicaStatus; selected: boolean }) {
  const retryAfter = formatRetryAfter(r);
  const health = formatProbe(r.lastHealth);
  const completion = formatProbe(r.lastCompletion);
  return (
    <div role="row" className={`grid-row replica-row h-${r.health}${selected ? ' selected' : ''}`} data-testid={`replica-${r.name}`} data-health={r.health}>
      <div role="cell">
        <a className="mono" href={replicaHref(r.name)} aria-current={selected ? 'true' : undefined}>
          {r.name}
        </a>
      </div>
      <div role="cell">
        <ReplicaHealthPill replica={r} />
      </div>
      <div role="cell" title={r.reasons.join('\n')} data-testid="replica-reason">
        {r.reasons[0] ?? ''}
      </div>
      <div role="cell">{r.node ? <a href={nodeHref(r.node)}>{r.node}</a> : <span className="muted">external</span>}</div>
      <div role="cell">{formatP50P95(r.latency.health)}</div>
      <div role="cell">{r.tokensPerDay === null ? <span className="muted">no probe</span> : formatP50P95(r.latency.completion)}</div>
      <div role="cell" title={health} className={r.lastHealth && !r.lastHealth.ok ? 'probe-failed' : undefined}>
        {formatProbeShort(r.lastHealth)}
      </div>
      <div role="cell" title={completion} className={r.lastCompletion && !r.lastCompletion.ok ? 'probe-failed' : undefined}>
        {formatProbeShort(r.lastCompletion)}
      </div>
      <div role="cell">
        {retryAfter !== null ? (
          <span data-testid="replica-retry-after" data-seconds={r.retryAfterSeconds ?? ''} title={retryAfter}>
            {retryAfter}
          </span>
        ) : null}
      </div>
      <div role="cell" className={`breaker breaker-${r.breaker.state}`} data-testid="replica-breaker" data-state={r.breaker.state}>
        {formatBreaker(r.breaker)}
      </div>
    </div>
  );
});
