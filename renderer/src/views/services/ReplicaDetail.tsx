import type { SpareView } from '../../../../shared/capacity';
import type { LoadBalancerStatus, ReplicaProbeView, ReplicaStatus } from '../../../../shared/services';
import { useNow } from '../../hooks';
import { formatWhen, orDash } from '../../model/format';
import { serverKey } from '../../model/lb-view';
import { formatBreaker, formatClock, formatLatency, formatMs, formatRetryAfter, formatTokensPerDay } from '../../model/replica-format';
import { nodeHref, viewHref } from '../../model/route';
import { DetailDrawer } from '../../components/DetailDrawer';
import { ReplicaHealthPill } from '../../components/ReplicaHealthPill';
import { ReplicaHistory } from '../../plots/ReplicaHistory';
import { SecretForm } from './SecretForm';

function ProbeFacts({ title, probe, now, testid }: { title: string; probe: ReplicaProbeView | null; now: number; testid: string }) {
  return (
    <div className="probe" data-testid={testid} data-ok={probe === null ? '' : String(probe.ok)}>
      <h3>{title}</h3>
      {probe === null ? (
        <p className="empty">Not probed yet.</p>
      ) : (
        <dl className="facts">
          <dt>result</dt>
          <dd className={probe.ok ? 'ok' : 'failed'}>{probe.ok ? 'ok' : `failed: ${probe.failure ?? 'unknown'}`}</dd>
          <dt>at</dt>
          <dd>{formatWhen(probe.at, now)}</dd>
          <dt>latency</dt>
          <dd>{formatMs(probe.latencyMs)}</dd>
          <dt>HTTP status</dt>
          <dd>{orDash(probe.status)}</dd>
          <dt>detail</dt>
          <dd className="wrap">{probe.detail || '–'}</dd>
        </dl>
      )}
    </div>
  );
}

/** Where HAProxy serves this replica, in HAProxy's words, and whether it disagrees with the probes. */
function LbPlacement({ name, loadBalancers }: { name: string; loadBalancers: readonly LoadBalancerStatus[] }) {
  const places = loadBalancers.flatMap((lb) => lb.servers.filter((s) => s.replica === name).map((s) => ({ lb: lb.name, s })));
  if (places.length === 0) return <p className="empty">Behind no load balancer the console reads.</p>;
  return (
    <ul className="placements">
      {places.map(({ lb, s }) => (
        <li key={serverKey(lb, s)}>
          <span className="mono">
            {lb} / {s.backend} / {s.server}
          </span>{' '}
          <span className="lb-status">{s.status}</span> weight {s.weight}
          {s.disagreement ? <div className="lb-disagreement">⚠ {s.disagreement}</div> : null}
        </li>
      ))}
    </ul>
  );
}

/** "warm spare, warm · unit vllm active · start-up 40 s · replaces llama-1, llama-2". */
function spareFacts(s: SpareView): string {
  const parts = [
    `${s.mode} spare, ${s.inRotation ? 'in rotation' : s.readiness}`,
    `unit ${s.unit} ${s.unitState ?? 'not asked yet'}`,
    s.startupSeconds === null ? null : `start-up ${s.startupSeconds} s`,
    s.replaces.length > 0 ? `replaces ${s.replaces.join(', ')}` : null,
    s.reason,
  ];
  return parts.filter((p) => p !== null).join(' · ');
}

function ReplicaFacts({ replica: r, loadBalancers }: { replica: ReplicaStatus; loadBalancers: readonly LoadBalancerStatus[] }) {
  const now = useNow(5_000);
  const retryAfter = formatRetryAfter(r);
  const b = r.breaker;
  return (
    <>
      <div className="detail-health">
        <ReplicaHealthPill replica={r} testid="replica-detail-health" />
        <span>since {formatWhen(r.since, now)}</span>
      </div>
      {r.reasons.length > 0 ? (
        <ul className="reasons">
          {r.reasons.map((reason, i) => (
            <li key={i} data-testid="replica-detail-reason">
              {reason}
            </li>
          ))}
        </ul>
      ) : null}
      {/* Keyed by replica: another replica's detail starts with an empty form and no old result. */}
      <SecretForm key={r.name} replica={r} />
      <dl className="facts">
        <dt>URL</dt>
        <dd className="mono">{r.url}</dd>
        <dt>model / API</dt>
        <dd>
          {r.model} · {r.api}
        </dd>
        <dt>node</dt>
        <dd>{r.node ? <a href={nodeHref(r.node)}>{r.node}</a> : 'none (external endpoint)'}</dd>
        <dt>region</dt>
        <dd>{orDash(r.region)}</dd>
        {r.spare ? (
          <>
            <dt>spare</dt>
            <dd data-testid="replica-detail-spare" data-readiness={r.spare.readiness}>
              {spareFacts(r.spare)} · <a href={viewHref('capacity')}>Capacity</a>
            </dd>
          </>
        ) : null}
        <dt>health latency</dt>
        <dd data-testid="replica-latency-health">
          {formatLatency(r.latency.health)} ({r.latency.health.samples} samples)
        </dd>
        <dt>completion latency</dt>
        <dd data-testid="replica-latency-completion">
          {formatLatency(r.latency.completion)} ({r.latency.completion.samples} samples)
        </dd>
        <dt>throttle</dt>
        <dd data-testid="replica-detail-retry-after">{retryAfter ?? 'not throttled'}</dd>
        <dt>completion probe cost</dt>
        <dd data-testid="replica-tokens">{formatTokensPerDay(r.tokensPerDay)}</dd>
      </dl>
      <h3>Circuit breaker</h3>
      <dl className="facts" data-testid="replica-detail-breaker" data-state={b.state}>
        <dt>state</dt>
        <dd className={`breaker breaker-${b.state}`}>{formatBreaker(b)}</dd>
        <dt>consecutive failures</dt>
        <dd>{b.consecutiveFailures}</dd>
        <dt>opened at</dt>
        <dd>{b.openedAt === null ? '–' : formatClock(b.openedAt)}</dd>
        <dt>retry at</dt>
        <dd>{b.retryAt === null ? '–' : formatClock(b.retryAt)}</dd>
      </dl>
      <ReplicaHistory replica={r} />
      <div className="probes">
        <ProbeFacts title="Last health probe" probe={r.lastHealth} now={now} testid="replica-probe-health" />
        <ProbeFacts title="Last completion probe" probe={r.lastCompletion} now={now} testid="replica-probe-completion" />
      </div>
      <h3>Load balancers</h3>
      <LbPlacement name={r.name} loadBalancers={loadBalancers} />
    </>
  );
}

/**
 * The drawer for one replica (`#/replica/NAME`). Its status comes from the snapshot (kept live by
 * `replicas.updated`), so opening it costs no call; only its events are fetched. Its plots
 * (probe latency over time, ReplicaHistory) sit above the last probes.
 */
export function ReplicaDetail({
  name,
  replica,
  loadBalancers,
}: {
  name: string;
  replica: ReplicaStatus | undefined;
  loadBalancers: readonly LoadBalancerStatus[];
}) {
  return (
    <DetailDrawer name={name} what="replica" testid="replica-detail" data={{ 'data-replica': name }}>
      {replica ? <ReplicaFacts replica={replica} loadBalancers={loadBalancers} /> : <p className="empty">No replica named {name} in the fleet.</p>}
    </DetailDrawer>
  );
}
