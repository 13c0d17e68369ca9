import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { lbServerStateOf, type HistoryRange } from '../../../shared/history';
import type { LoadBalancerStatus } from '../../../shared/services';
import { historyQueries } from '../api/queries/history';
import { ErrorNote } from '../components/ErrorNote';
import { stateColor, stripSegments, type StripSegment } from './markers';
import { RangeSwitch } from './RangeSwitch';

/** One server's HAProxy state over the window, as coloured runs; the live edge from the LB's last poll. */
function ServerStrip({ lb, backend, server, status, range }: { lb: LoadBalancerStatus; backend: string; server: string; status: string; range: HistoryRange }) {
  const subject = `${lb.name}/${backend}/${server}`;
  const q = useQuery(historyQueries.series({ kind: 'lbServer', subject, metrics: ['status'], range }));
  const segments = useMemo((): StripSegment[] => {
    if (!q.data) return [];
    const stored = stripSegments(q.data, 'status');
    // The live edge: from the end of what was read to the last poll, in the state the poll saw.
    const at = lb.lastError === null ? lb.lastPollAt : null;
    if (at === null || at <= q.data.to) return stored;
    const state = lbServerStateOf(status);
    const last = stored[stored.length - 1];
    if (last && last.state === state) return [...stored.slice(0, -1), { ...last, to: at }];
    return [...stored, { from: q.data.to, to: at, state, color: stateColor(state) }];
  }, [q.data, lb.lastPollAt, lb.lastError, status]);
  const from = q.data?.from ?? 0;
  const to = Math.max(q.data?.to ?? 1, lb.lastPollAt ?? 0);
  const span = Math.max(1, to - from);
  const summary = segments.map((s) => `${s.state} from ${new Date(s.from).toLocaleTimeString()}`).join(', ');
  return (
    <div className="strip-row" data-testid={`lb-strip-${subject}`}>
      <span className="mono strip-label">{server}</span>
      {q.error ? <ErrorNote error={q.error} context="history.series" /> : null}
      <div className="strip" role="img" aria-label={`${server}: ${summary || 'no history yet'}`}>
        {segments.map((s) => (
          <span
            key={s.from}
            className="strip-seg"
            data-state={s.state}
            title={`${s.state}: ${new Date(s.from).toLocaleString()} – ${new Date(s.to).toLocaleString()}`}
            style={{ left: `${((s.from - from) / span) * 100}%`, width: `${Math.max(0.2, ((s.to - s.from) / span) * 100)}%`, background: `var(${s.color})` }}
          />
        ))}
      </div>
    </div>
  );
}

/** Each server of a load balancer as a strip of its HAProxy state over the last hour, day or month. */
export function LbStatusStrips({ lb }: { lb: LoadBalancerStatus }) {
  const [range, setRange] = useState<HistoryRange>('1h');
  return (
    <section className="plots" aria-label={`${lb.name} server states over time`} data-testid="lb-history">
      <div className="plot-controls">
        <span className="muted">HAProxy state over time</span>
        <RangeSwitch value={range} onChange={setRange} name={lb.name} />
      </div>
      {lb.servers.map((s) => (
        <ServerStrip key={`${s.backend}/${s.server}`} lb={lb} backend={s.backend} server={s.server} status={s.status} range={range} />
      ))}
    </section>
  );
}
