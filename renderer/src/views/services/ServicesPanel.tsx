import { memo } from 'react';
import type { ServiceAvailability } from '../../../../shared/services';
import {
  formatBudget,
  formatBurnRate,
  formatExhaustion,
  formatMinutes,
  formatRatio,
  formatTarget,
  sloState,
} from '../../model/availability-format';
import { AvailabilityHistory } from '../../plots/AvailabilityHistory';
import { lbHref, serviceHref } from '../../model/route';
import { capacityServiceHref } from '../capacity/routes';
import { RedundancyTable } from './RedundancyTable';
import { subjectAnchorId } from './subject-anchor';

type Window = ServiceAvailability['hour'];

function RatioCell({ label, window, testid }: { label: string; window: Window; testid: string }) {
  return (
    <div className="ratio" data-testid={testid} data-ratio={window.successRatio ?? ''}>
      <div className="ratio-label">{label}</div>
      <div className="ratio-value">{formatRatio(window.successRatio)}</div>
      <div className="muted">
        {window.requests} requests · {window.failed} failed
      </div>
    </div>
  );
}

const SLO_TEXT = { meeting: 'meeting its SLO', missing: 'missing its SLO', 'no-data': 'no traffic measured yet' } as const;

/**
 * One service: success over 1 h / 24 h / 30 d, its error budget and how fast it burns, and what
 * redundancy buys; under the ratios, availability and burn over time (AvailabilityHistory).
 */
const ServiceCard = memo(function ServiceCard({ service: s, selected }: { service: ServiceAvailability; selected: boolean }) {
  const state = sloState(s);
  return (
    <section
      className={`service slo-${state}${selected ? ' selected' : ''}`}
      id={subjectAnchorId('service', s.service)}
      tabIndex={-1}
      data-testid={`service-${s.service}`}
      data-slo={state}
      aria-label={`service ${s.service}`}
      aria-current={selected ? 'true' : undefined}
    >
      <header className="service-header">
        <a className="mono service-name" href={serviceHref(s.service)}>
          {s.service}
        </a>
        <span className="muted">
          via <a href={lbHref(s.loadBalancer)}>{s.loadBalancer}</a> · target {formatTarget(s.target)} over 30 d ·{' '}
          <a href={capacityServiceHref(s.service)}>spare capacity</a>
        </span>
        <span className={`slo-badge slo-${state}`}>{SLO_TEXT[state]}</span>
      </header>
      <div className="ratios">
        <RatioCell label="1 h" window={s.hour} testid="service-ratio-1h" />
        <RatioCell label="24 h" window={s.day} testid="service-ratio-24h" />
        <RatioCell label="30 d" window={s.month} testid="service-ratio-30d" />
      </div>
      <AvailabilityHistory service={s} />
      <dl className="facts">
        <dt>downtime (30 d)</dt>
        <dd data-testid="service-downtime">{formatMinutes(s.downtimeMinutes30d)}</dd>
        <dt>error budget</dt>
        <dd data-testid="service-budget" data-remaining={s.budget.remainingRatio ?? ''}>
          {formatBudget(s.budget)}
          <span className="muted">
            {' '}
            · {s.budget.failed} of {Number(s.budget.allowedFailures.toFixed(2))} allowed failures
          </span>
        </dd>
        <dt>burn rate</dt>
        <dd data-testid="service-burn" data-burn-1h={s.burnRate1h ?? ''}>
          1 h {formatBurnRate(s.burnRate1h)} · 24 h {formatBurnRate(s.burnRate24h)} · {formatExhaustion(s.exhaustionHours)}
        </dd>
      </dl>
      <RedundancyTable service={s} />
    </section>
  );
});

export function ServicesPanel({ services, selected }: { services: readonly ServiceAvailability[]; selected: string | null }) {
  if (services.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="services-title" data-testid="services-panel">
      <h2 id="services-title">Services</h2>
      {services.map((s) => (
        <ServiceCard key={s.service} service={s} selected={s.service === selected} />
      ))}
    </section>
  );
}
