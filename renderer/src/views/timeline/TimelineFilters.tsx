import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { Topology } from '../../../../shared/inventory';
import type { TimelineEntry, TimelineFilter } from '../../../../shared/timeline';

type Severity = TimelineEntry['severity'];
import { timelineQueries } from '../../api/queries/timeline';
import { withFilter } from './filter-params';

const SEVERITIES: Severity[] = ['error', 'warning', 'info'];
const PRESETS: Array<{ label: string; ms: number | null }> = [
  { label: '1 h', ms: 3_600_000 },
  { label: '24 h', ms: 86_400_000 },
  { label: '7 d', ms: 7 * 86_400_000 },
  { label: '30 d', ms: 30 * 86_400_000 },
  { label: 'all', ms: null },
];
/** Typing settles this long before the list is asked again: one query per word, not per key. */
const TEXT_SETTLE_MS = 250;

interface Props {
  filter: TimelineFilter;
  topology: Topology | null;
  /** The subject names the palette knows (nodes, replicas, services…), offered while typing one. */
  subjectNames: readonly string[];
  /** A new filter: `replace` for typing (one history entry per search, not per key). */
  onChange: (next: TimelineFilter, replace?: boolean) => void;
}

/** The kinds, and their families ("audit." for every audit entry) first, as the kind filter offers them. */
function kindOptions(kinds: readonly { kind: string; count: number }[]): string[] {
  const families = [...new Set(kinds.map((k) => k.kind.split('.')[0]).filter((f) => f !== undefined))].map((f) => `${f}.`);
  return [...families.sort(), ...kinds.map((k) => k.kind).sort()];
}

/** Every filter of the timeline; each change is a new link (`#/events/…`), so back undoes it. */
export function TimelineFilters({ filter, topology, subjectNames, onChange }: Props) {
  const kinds = useQuery(timelineQueries.kinds());
  const options = useMemo(() => kindOptions(kinds.data ?? []), [kinds.data]);
  const [text, setText] = useState(filter.text ?? '');
  useEffect(() => setText(filter.text ?? ''), [filter.text]);
  useEffect(() => {
    if ((filter.text ?? '') === text.trim()) return;
    const t = setTimeout(() => onChange(withFilter(filter, 'text', text.trim() || undefined), true), TEXT_SETTLE_MS);
    return () => clearTimeout(t);
  }, [text]);
  const regions = topology?.regions ?? [];
  const clusters = regions.filter((r) => !filter.region || r.name === filter.region).flatMap((r) => r.clusters.map((c) => c.name));
  const sev = new Set(filter.severities ?? []);

  return (
    <form className="timeline-filters" role="search" aria-label="Timeline filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        Search
        <input type="search" data-view-filter data-testid="timeline-text" value={text} placeholder="words in messages, kinds, subjects (prefix*)" onChange={(e) => setText(e.target.value)} maxLength={200} />
      </label>
      <fieldset className="timeline-severities">
        <legend>Severity</legend>
        {SEVERITIES.map((s) => (
          <label key={s} className={`sev-${s}`}>
            <input
              type="checkbox"
              data-testid={`timeline-sev-${s}`}
              checked={sev.has(s)}
              onChange={(e) => {
                const next = new Set(sev);
                if (e.target.checked) next.add(s);
                else next.delete(s);
                onChange(withFilter(filter, 'severities', SEVERITIES.filter((x) => next.has(x))));
              }}
            />
            {s}
          </label>
        ))}
      </fieldset>
      <label>
        Kind
        <select data-testid="timeline-kind" value={filter.kinds?.[0] ?? ''} onChange={(e) => onChange(withFilter(filter, 'kinds', e.target.value ? [e.target.value] : undefined))}>
          <option value="">all kinds</option>
          {options.map((k) => (
            <option key={k} value={k}>
              {k.endsWith('.') ? `${k}* (all)` : k}
            </option>
          ))}
        </select>
      </label>
      {regions.length > 0 ? (
        <>
          <label>
            Region
            <select data-testid="timeline-region" value={filter.region ?? ''} onChange={(e) => onChange(withFilter(withFilter(filter, 'cluster', undefined), 'region', e.target.value || undefined))}>
              <option value="">all regions</option>
              {regions.map((r) => (
                <option key={r.name}>{r.name}</option>
              ))}
            </select>
          </label>
          <label>
            Cluster
            <select data-testid="timeline-cluster" value={filter.cluster ?? ''} onChange={(e) => onChange(withFilter(filter, 'cluster', e.target.value || undefined))}>
              <option value="">all clusters</option>
              {clusters.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
        </>
      ) : null}
      <SubjectInput value={filter.subjects ?? []} names={subjectNames} onChange={(list) => onChange(withFilter(filter, 'subjects', list))} />
      <div className="timeline-presets" role="group" aria-label="Time range">
        {PRESETS.map((p) => (
          <button
            key={p.label}
            type="button"
            data-testid={`timeline-range-${p.label.replace(' ', '')}`}
            onClick={() => {
              const now = Date.now();
              onChange(p.ms === null ? withFilter(withFilter(filter, 'from', undefined), 'to', undefined) : withFilter(withFilter(filter, 'from', now - p.ms), 'to', undefined));
            }}
          >
            {p.label}
          </button>
        ))}
      </div>
    </form>
  );
}

/** Subjects, comma-separated, suggested from the fleet's names; applied on Enter or leaving the field. */
function SubjectInput({ value, names, onChange }: { value: readonly string[]; names: readonly string[]; onChange: (list: string[]) => void }) {
  const [draft, setDraft] = useState(value.join(', '));
  useEffect(() => setDraft(value.join(', ')), [value.join(',')]);
  const apply = () => {
    const list = [...new Set(draft.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
    if (list.join(',') !== value.join(',')) onChange(list);
  };
  return (
    <label>
      Subjects
      <input
        data-testid="timeline-subjects"
        list="timeline-subject-names"
        value={draft}
        placeholder="node, replica… (comma-separated)"
        onChange={(e) => setDraft(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
        }}
      />
      <datalist id="timeline-subject-names">
        {names.slice(0, 2000).map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
    </label>
  );
}
