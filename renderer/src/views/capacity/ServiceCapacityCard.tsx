import { memo } from 'react';
import type { ServiceCapacity, SpareReadiness } from '../../../../shared/capacity';
import { formatTarget } from '../../model/availability-format';
import { lbHref, replicaHref, serviceHref } from '../../model/route';
import {
  adviceRows,
  checkMark,
  checkRows,
  formatAvailability,
  formatRps,
  formatSeconds,
  headroom,
  isSpareState,
  memberLabel,
  nkText,
  ratioText,
  RECOVERY_SOURCE,
  tallyText,
  VERDICT_LABEL,
  VERDICT_TONE,
} from './capacity-model';
import { capacityAnchorId, capacityServiceHref, promoteReplicaHref } from './routes';

interface Props {
  service: ServiceCapacity;
  /** Each spare replica's readiness from its status: tells a warm spare failing its checks from a cold one (both count as cold). */
  readiness: ReadonlyMap<string, SpareReadiness>;
  selected: boolean;
}

/**
 * One service: whether it comes through the loss of its largest failure domain (the verdict and
 * the engine's sentence), the numbers behind it — now, what is left, plus warm spares, plus cold
 * ones once started — its ratio against k/(k−1), N+k and headroom; then its members with a way
 * to promote each spare, what each added spare buys, and how long a recovery takes.
 */
export const ServiceCapacityCard = memo(function ServiceCapacityCard({ service: s, readiness, selected }: Props) {
  const verdict = s.loss.verdict;
  const ratio = ratioText(s.ratio);
  const room = headroom(s);
  const titleId = `capacity-title-${s.service}`;
  return (
    <section
      className={`panel capacity-service v-${verdict}${selected ? ' selected' : ''}`}
      id={capacityAnchorId(s.service)}
      tabIndex={-1}
      aria-labelledby={titleId}
      aria-current={selected ? 'true' : undefined}
      data-testid={`capacity-service-${s.service}`}
      data-verdict={verdict}
    >
      <header className="capacity-service-header">
        <h2 id={titleId}>
          <a className="mono" href={capacityServiceHref(s.service)}>
            {s.service}
          </a>
        </h2>
        <span className="muted">
          via <a href={lbHref(s.loadBalancer)}>{s.loadBalancer}</a>
          {s.sloTarget !== null ? ` · SLO ${formatTarget(s.sloTarget)}` : ' · no SLO'} · peak {formatRps(s.peakRps)} ·{' '}
          <a href={serviceHref(s.service)}>availability</a>
        </span>
      </header>
      <p className="capacity-verdict">
        <span className={`pill h-${VERDICT_TONE[verdict]}`} data-testid={`capacity-verdict-${s.service}`} data-verdict={verdict}>
          {VERDICT_LABEL[verdict]}
        </span>{' '}
        <span data-testid={`capacity-loss-text-${s.service}`}>{s.loss.text}</span>
      </p>
      <div className="table-wrap">
        <table className="capacity-checks" data-testid={`capacity-checks-${s.service}`}>
          <caption className="sr-only">{s.service}: the largest failure domain lost, case by case</caption>
          <thead>
            <tr>
              <th scope="col">case</th>
              <th scope="col">serving</th>
              <th scope="col">capacity</th>
              <th scope="col">load</th>
              <th scope="col">availability</th>
              <th scope="col">SLO</th>
              <th scope="col">why</th>
            </tr>
          </thead>
          <tbody>
            {checkRows(s).map((row) => (
              <tr key={row.key} data-testid={`capacity-check-${row.key}`} data-ok={String(row.check.ok)} data-serving={row.check.serving}>
                <th scope="row">{row.label}</th>
                <td>{row.check.serving}</td>
                <td>{formatRps(row.check.capacityRps)}</td>
                <td className={okClass(row.check.loadOk)}>{checkMark(row.check.loadOk)}</td>
                <td>{formatAvailability(row.check.availability)}</td>
                <td className={okClass(row.check.sloOk)}>{checkMark(row.check.sloOk)}</td>
                <td className="wrap">{row.check.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl className="facts capacity-facts">
        <dt>ratio</dt>
        <dd data-testid={`capacity-ratio-${s.service}`} data-actual={s.ratio.actual ?? ''} data-needed={s.ratio.needed ?? ''}>
          <span className={okClass(ratio.ok)}>{ratio.actual}</span> · {ratio.needed}
        </dd>
        <dt>N+k</dt>
        <dd data-testid={`capacity-nk-${s.service}`}>{nkText(s)}</dd>
        <dt>headroom</dt>
        <dd data-testid={`capacity-headroom-${s.service}`}>
          <span className={okClass(room.loadOk)}>{room.load}</span>
          <br />
          <span className={okClass(room.sloOk)}>{room.slo}</span>
        </dd>
        <dt>members</dt>
        <dd data-testid={`capacity-tally-${s.service}`}>{tallyText(s.tally)}</dd>
      </dl>
      <Members service={s} readiness={readiness} />
      <div className="capacity-columns">
        <Advice service={s} />
        <Recovery service={s} />
      </div>
    </section>
  );
});

const okClass = (ok: boolean | null): string | undefined => (ok === null ? undefined : ok ? 'capacity-ok' : 'capacity-short');

function Members({ service: s, readiness }: Omit<Props, 'selected'>) {
  return (
    <>
      <h3 id={`capacity-members-${s.service}`}>Members</h3>
      <div className="table-wrap">
        <table aria-labelledby={`capacity-members-${s.service}`}>
          <thead>
            <tr>
              <th scope="col">replica</th>
              <th scope="col">state</th>
              <th scope="col">cluster</th>
              <th scope="col" title="its probes' success over 24 h">avail. 24 h</th>
              <th scope="col">capacity</th>
              <th scope="col">start-up</th>
              <th scope="col">reason</th>
            </tr>
          </thead>
          <tbody>
            {s.members.map((m) => {
              const ready = readiness.get(m.replica) ?? null;
              const label = memberLabel(m.state, ready);
              return (
                <tr key={m.replica} className={`h-${label.tone}`} data-testid={`capacity-member-${m.replica}`} data-state={m.state} data-readiness={isSpareState(m.state) ? (ready ?? '') : ''}>
                  <td className="capacity-name">
                    <a className="mono" href={replicaHref(m.replica)}>
                      {m.replica}
                    </a>
                  </td>
                  <td className="capacity-state">
                    <span className={`pill h-${label.tone}`} title={m.reason ?? undefined}>
                      {label.text}
                    </span>
                    {isSpareState(m.state) ? (
                      <>
                        {' '}
                        <a className="button-link capacity-promote" data-testid={`capacity-promote-${m.replica}`} href={promoteReplicaHref(s.members, m.replica)}>
                          Promote…<span className="sr-only"> {m.replica}</span>
                        </a>
                      </>
                    ) : null}
                  </td>
                  <td title={m.region === null ? undefined : `region ${m.region}`}>{m.cluster ?? m.region ?? '–'}</td>
                  <td>{formatAvailability(m.availability)}</td>
                  <td>{formatRps(m.capacityRps)}</td>
                  <td>{formatSeconds(m.startupSeconds)}</td>
                  <td className="capacity-reason" title={m.reason ?? undefined}>
                    {m.reason === null ? <span className="muted">–</span> : <div>{m.reason}</div>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** What each added spare buys; a step that buys little (under a tenth of the error budget) is marked. */
function Advice({ service: s }: { service: ServiceCapacity }) {
  const rows = adviceRows(s.advice);
  return (
    <div data-testid={`capacity-advice-${s.service}`}>
      <h3 id={`capacity-advice-title-${s.service}`}>What another spare buys</h3>
      {rows.length === 0 ? (
        <p className="empty">No advice: nothing measured to compute it from.</p>
      ) : (
        <table aria-labelledby={`capacity-advice-title-${s.service}`}>
          <thead>
            <tr>
              <th scope="col">added</th>
              <th scope="col">availability</th>
              <th scope="col">gain</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.added} className={a.little ? 'capacity-little' : undefined} data-testid="capacity-advice-row" data-added={a.added} data-little={String(a.little)}>
                <td>{a.label}</td>
                <td>{a.availabilityText}</td>
                <td>
                  {a.gainText}
                  {a.little ? (
                    <span className="badge capacity-little-tag" title="adds less than a tenth of the SLO's error budget">
                      little gain
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Expected time to recover with a warm spare and with a cold one, and where the figures come from. */
function Recovery({ service: s }: { service: ServiceCapacity }) {
  const r = s.recovery;
  return (
    <div data-testid={`capacity-recovery-${s.service}`} data-source={r.source}>
      <h3>Time to recover</h3>
      <dl className="facts">
        <dt>warm spare</dt>
        <dd>{formatSeconds(r.warmSeconds)}</dd>
        <dt>cold spare</dt>
        <dd>{formatSeconds(r.coldSeconds)}</dd>
        <dt>source</dt>
        <dd>{RECOVERY_SOURCE[r.source](r.runs)}</dd>
      </dl>
      {r.text ? <p className="muted wrap">{r.text}</p> : null}
    </div>
  );
}
