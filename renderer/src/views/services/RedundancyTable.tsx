import type { ServiceAvailability } from '../../../../shared/services';
import { formatTarget } from '../../model/availability-format';
import { redundancyDisplay, referenceLines } from '../../model/redundancy';

/**
 * "What redundancy buys": per backend, one replica's measured availability and the estimate for
 * N of them, 1 − (1 − a)^N, read against the 99.9% and 99.99% lines. The estimate assumes the
 * replicas fail independently; replicas sharing a node or a zone do not, so it is a ceiling.
 */
export function RedundancyTable({ service }: { service: Pick<ServiceAvailability, 'redundancy'> }) {
  const rows = redundancyDisplay(service);
  const lines = referenceLines();
  if (rows.length === 0) return null;
  return (
    <div className="table-wrap">
      <table className="redundancy-table">
        <thead>
          <tr>
            <th>backend</th>
            <th>N</th>
            <th>one replica (24 h)</th>
            <th>1 − (1 − a)^N</th>
            {lines.map((l) => (
              <th key={l.target} title={`${formatTarget(l.target)} allows ${l.minutesText} of outage a month`}>
                {formatTarget(l.target)} ({l.minutesText}/month)
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.backend} data-testid={`redundancy-${r.backend}`}>
              <td className="mono">{r.backend}</td>
              <td>{r.replicas}</td>
              <td>
                {r.singleText}
                <div className="muted">{r.singleDowntimeText}</div>
              </td>
              <td data-testid="redundancy-estimate">
                {r.estimateText}
                <div className="muted">{r.estimateDowntimeText}</div>
              </td>
              {r.meets.map((m) => (
                <td key={m.target} className={m.meets === null ? 'muted' : m.meets ? 'meets' : 'misses'}>
                  {m.meets === null ? '–' : m.meets ? '✓ meets' : '✗ misses'}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
