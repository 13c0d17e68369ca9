import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { capacityQueries } from '../../api/queries/capacity';
import { viewHref } from '../../model/route';
import { capacityWarnings, VERDICT_LABEL, VERDICT_TONE } from '../capacity/capacity-model';
import { capacityServiceHref } from '../capacity/routes';

/**
 * Services that would no longer meet their load or SLO if their largest failure domain went dark
 * — nothing is down yet, so this is not in "Needs attention", but it is what the next failure
 * would cost. Each links to its section of the Capacity view. Nothing when all survive, or while
 * the capacity overview is not known.
 */
export function CapacityWarning() {
  const q = useQuery(capacityQueries.overview());
  const warnings = useMemo(() => (q.data ? capacityWarnings(q.data) : []), [q.data]);
  if (warnings.length === 0) return null;
  const worst = warnings[0].loss.verdict;
  return (
    <section
      className={`panel capacity-warning v-${worst}`}
      aria-labelledby="capacity-warning-title"
      data-testid="overview-capacity-warning"
      data-count={warnings.length}
      data-verdict={worst}
    >
      <h2 id="capacity-warning-title">
        Spare capacity <a className="heading-link" href={viewHref('capacity')}>Capacity</a>
      </h2>
      <ul className="incident-summary-list">
        {warnings.map((s) => (
          <li key={s.service} data-testid={`overview-capacity-${s.service}`} data-verdict={s.loss.verdict}>
            <span className={`pill h-${VERDICT_TONE[s.loss.verdict]}`}>{VERDICT_LABEL[s.loss.verdict]}</span>{' '}
            <a className="mono" href={capacityServiceHref(s.service)}>
              {s.service}
            </a>{' '}
            <span className="wrap">{s.loss.text}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
