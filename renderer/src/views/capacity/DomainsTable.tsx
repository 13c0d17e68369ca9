import { memo, useMemo } from 'react';
import type { DomainCapacity, Tally } from '../../../../shared/capacity';
import { domainRows, TALLY_KEYS } from './capacity-model';

const UNITS: ReadonlyArray<{ key: 'nodes' | 'gpus' | 'replicas'; label: string }> = [
  { key: 'nodes', label: 'nodes' },
  { key: 'gpus', label: 'GPUs' },
  { key: 'replicas', label: 'replicas' },
];

const TALLY_LABEL: Readonly<Record<keyof Tally, string>> = { active: 'active', warm: 'warm', cold: 'cold', failed: 'failed' };

/**
 * Per failure domain — each region, then its clusters — what serves, what stands by warm or
 * cold, and what is broken, in nodes, GPUs and replicas. A zero is muted, a failure stands out.
 */
export const DomainsTable = memo(function DomainsTable({ domains }: { domains: readonly DomainCapacity[] }) {
  const rows = useMemo(() => domainRows(domains), [domains]);
  if (rows.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="capacity-domains-title" data-testid="capacity-domains">
      <h2 id="capacity-domains-title">Failure domains</h2>
      <div className="table-wrap">
        <table className="capacity-domains">
          <thead>
            <tr>
              <td colSpan={2} />
              {UNITS.map((u) => (
                <th key={u.key} scope="colgroup" colSpan={TALLY_KEYS.length} className="capacity-unit">
                  {u.label}
                </th>
              ))}
            </tr>
            <tr>
              <th scope="col">domain</th>
              <th scope="col">role</th>
              {UNITS.flatMap((u) =>
                TALLY_KEYS.map((k) => (
                  <th key={`${u.key}-${k}`} scope="col" className={k === 'active' ? 'capacity-unit-start' : undefined}>
                    <span className="sr-only">{u.label} </span>
                    {TALLY_LABEL[k]}
                  </th>
                )),
              )}
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={`${d.kind}/${d.name}`} className={`capacity-domain-${d.kind}`} data-testid={`capacity-domain-${d.kind}-${d.name}`}>
                <th scope="row" className="mono">
                  {d.kind === 'cluster' ? <span className="capacity-indent">{d.name}</span> : d.name}
                  <span className="sr-only"> ({d.kind})</span>
                </th>
                <td>
                  <span className="badge">{d.role}</span>
                </td>
                {UNITS.flatMap((u) =>
                  TALLY_KEYS.map((k) => {
                    const n = d[u.key][k];
                    return (
                      <td
                        key={`${u.key}-${k}`}
                        className={[k === 'active' ? 'capacity-unit-start' : '', n === 0 ? 'muted' : k === 'failed' ? 'capacity-short' : ''].filter(Boolean).join(' ') || undefined}
                        data-testid={`${u.key}-${k}`}
                        data-count={n}
                      >
                        {n}
                      </td>
                    );
                  }),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
});
