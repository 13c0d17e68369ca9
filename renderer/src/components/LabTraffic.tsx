import { useState } from 'react';
import type { TrafficStats } from '../../../shared/services';
import { useLabTraffic } from '../api/mutations/lab-services';
import { formatRatio } from '../model/availability-format';
import { parseNumberField } from '../model/number-input';
import { ErrorNote } from './ErrorNote';

/** Failure reasons, most frequent first. */
function reasonsByCount(byReason: Record<string, number>): [string, number][] {
  return Object.entries(byReason).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
}

/** The lab's traffic generator: steady requests through the frontend, and what came back, live. */
export function LabTraffic({ traffic, connected }: { traffic: TrafficStats; connected: boolean }) {
  const [rateText, setRateText] = useState('5');
  const set = useLabTraffic();
  const rate = parseNumberField(rateText, { label: 'rate', min: 0, max: 200, integer: false, optional: false });
  const reasons = reasonsByCount(traffic.byReason);

  return (
    <>
      <h3>Traffic generator</h3>
      <div className="lab-form">
        <label>
          requests/s
          <input
            data-testid="lab-traffic-rate"
            inputMode="decimal"
            size={5}
            value={rateText}
            aria-invalid={!rate.ok}
            onChange={(e) => setRateText(e.target.value)}
          />
        </label>
        <button
          type="button"
          className="primary"
          data-testid="lab-traffic-start"
          disabled={!connected || set.isPending || !rate.ok || rate.value === 0}
          onClick={() => rate.ok && rate.value !== undefined && set.mutate({ ratePerSecond: rate.value })}
        >
          {traffic.running ? 'Set rate' : 'Start'}
        </button>
        <button
          type="button"
          data-testid="lab-traffic-stop"
          disabled={!connected || set.isPending || !traffic.running}
          onClick={() => set.mutate({ ratePerSecond: 0 })}
        >
          Stop
        </button>
      </div>
      {!rate.ok ? <div className="field-error">{rate.message}</div> : null}
      {set.error ? <ErrorNote error={set.error} context="lab.traffic" /> : null}
      <div
        className="traffic-stats"
        data-testid="lab-traffic-stats"
        data-running={String(traffic.running)}
        data-success-rate={traffic.successRate ?? ''}
        data-sent={traffic.sent}
      >
        <div>
          {traffic.running ? `running at ${traffic.ratePerSecond}/s` : 'stopped'}
          {traffic.url ? <span className="mono muted"> → {traffic.url}</span> : null}
        </div>
        <div>
          sent {traffic.sent} · ok {traffic.ok} · failed {traffic.failed} · success{' '}
          <strong>{traffic.successRate === null ? 'nothing sent yet' : formatRatio(traffic.successRate)}</strong>
        </div>
        {reasons.length > 0 ? (
          <ul className="traffic-reasons">
            {reasons.map(([reason, count]) => (
              <li key={reason} data-testid="lab-traffic-reason" data-reason={reason}>
                {count} × {reason}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </>
  );
}
