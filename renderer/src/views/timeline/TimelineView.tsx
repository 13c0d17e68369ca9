import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { TimelineEntry, TimelineFilter } from '../../../../shared/timeline';
import { eventQueries } from '../../api/queries/events';
import { incidentQueries } from '../../api/queries/incidents';
import { TIMELINE_PAGE, timelineQueries } from '../../api/queries/timeline';
import { ErrorNote } from '../../components/ErrorNote';
import { eventSubjectHref } from '../../model/route';
import { useNavigation } from '../../navigation-context';
import type { PlotMarker } from '../../plots/markers';
import type { ViewProps } from '../types';
import { incidentHref } from '../incidents/routes';
import { filterFromParams } from './filter-from-params';
import { withFilter } from './filter-params';
import { timelineHref } from './routes';
import { TimelineFilters } from './TimelineFilters';
import { TimelinePlots, type PlottedSubject } from './TimelinePlots';
import { SubjectAsItWas } from './SubjectAsItWas';
import { TimelineRow, ROW_HEIGHT } from './TimelineRow';
import { VirtualList } from './VirtualList';

// uPlot comes in its own chunk, loaded when a plot is first shown (plots/TimeSeriesPlot.tsx says why).
const TimelineAxis = lazy(() => import('./TimelineAxis').then((m) => ({ default: m.TimelineAxis })));

/** Slices of the axis: a bar every few pixels at the widths the console is used at. */
const BUCKETS = 120;

/**
 * Every event the console recorded, newest first: filters (each a link), the counts on a time
 * axis you zoom by dragging, the subjects' history on that same axis, and the list itself —
 * virtualised and paged from the store, so a million events scroll like a hundred.
 */
export function TimelineView({ snapshot, subject }: ViewProps) {
  const navigation = useNavigation();
  const filter = useMemo(() => (subject?.kind === 'events' ? filterFromParams(subject.name) : {}), [subject?.kind, subject?.name]);
  const go = (next: TimelineFilter, replace = false) => {
    const href = timelineHref(next);
    if (replace) window.location.replace(href);
    else navigation.go(href);
  };

  const incident = useQuery({ ...incidentQueries.one(filter.incident ?? ''), enabled: filter.incident !== undefined });
  const histogram = useQuery(timelineQueries.histogram(filter, BUCKETS));
  const pages = useInfiniteQuery(timelineQueries.pages(filter));
  const entries = useMemo(() => pages.data?.pages.flatMap((p) => p.entries) ?? [], [pages.data]);
  // A text search over a long time stops after a bounded scan and says where to go on (`next`)
  // with a page short of full, even empty: go on at once (a few bounded scans reach the end of a million events).
  const last = pages.data?.pages.at(-1);
  useEffect(() => {
    if (last && last.next !== null && last.entries.length < TIMELINE_PAGE && !pages.isFetchingNextPage) void pages.fetchNextPage();
  }, [last]);
  const [selected, setSelected] = useState<number | null>(null);
  // A row index means nothing in another filter's list.
  useEffect(() => setSelected(null), [subject?.name]);
  const toggle = useCallback((i: number) => setSelected((s) => (s === i ? null : i)), []);

  const names = useMemo(() => {
    const nodes = new Set(snapshot.nodes.map((n) => n.name));
    const replicas = new Set(snapshot.replicas.map((r) => r.name));
    const loadBalancers = new Set(snapshot.loadBalancers.map((l) => l.name));
    const services = new Set(snapshot.services.map((s) => s.service));
    return { nodes, replicas, loadBalancers, services };
  }, [snapshot.nodes, snapshot.replicas, snapshot.loadBalancers, snapshot.services]);
  const subjectNames = useMemo(() => [...names.nodes, ...names.replicas, ...names.loadBalancers, ...names.services], [names]);
  // Stable across renders: the rows are memoized, so a scroll frame renders only the rows that came into view.
  const hrefOf = useCallback((s: string) => eventSubjectHref(s, names), [names]);

  const markers = useMemo((): PlotMarker[] => (incident.data?.milestones ?? []).map((m) => ({ ts: m.at, label: m.name, color: m.name === 'started' ? '--unhealthy' : m.name === 'mitigated' || m.name === 'resolved' ? '--healthy' : '--accent' })), [incident.data]);
  const plotted = useMemo((): PlottedSubject[] => {
    if (incident.data) {
      return incident.data.affected.flatMap((a): PlottedSubject[] => (a.kind === 'service' ? [] : [{ subject: a.subject, kind: a.kind, gpus: snapshot.nodes.find((n) => n.name === a.subject)?.gpus.map((g) => g.index) }]));
    }
    return (filter.subjects ?? []).flatMap((s): PlottedSubject[] => {
      const node = snapshot.nodes.find((n) => n.name === s);
      if (node) return [{ subject: s, kind: 'node', gpus: node.gpus.map((g) => g.index) }];
      return names.replicas.has(s) ? [{ subject: s, kind: 'replica' }] : [];
    });
  }, [incident.data, filter.subjects, snapshot.nodes, names]);

  const newer = useNewerEvents(filter, entries[0]);
  const queryClient = useQueryClient();
  const chosen = selected !== null ? entries[selected] : undefined;
  const h = histogram.data;

  return (
    <div className="view-body timeline-view" data-testid="timeline-view">
      <header className="view-header">
        <h1>Timeline</h1>
        {filter.incident ? (
          <p className="timeline-incident" data-testid="timeline-incident">
            incident <a href={incidentHref(filter.incident)}>{incident.data?.title ?? filter.incident}</a>, its window and subjects{' '}
            <button type="button" onClick={() => go(withFilter(filter, 'incident', undefined))}>
              show all events
            </button>
          </p>
        ) : null}
      </header>
      <TimelineFilters filter={filter} topology={snapshot.topology} subjectNames={subjectNames} onChange={go} />
      {histogram.error ? <ErrorNote error={histogram.error} context="timeline.histogram" /> : null}
      {h ? (
        <div className="timeline-axis-box">
          <Suspense fallback={<div className="timeline-axis-loading" aria-busy="true" />}>
            <TimelineAxis histogram={h} markers={markers} onZoom={(from, to) => go({ ...filter, from, to })} />
          </Suspense>
          <div className="timeline-zoom" role="group" aria-label="Zoom">
            <button type="button" data-testid="timeline-zoom-out" onClick={() => go({ ...filter, ...zoomOut(h.from, h.to) })}>
              Zoom out
            </button>
            <button type="button" data-testid="timeline-zoom-reset" disabled={filter.from === undefined && filter.to === undefined} onClick={() => go(withFilter(withFilter(filter, 'from', undefined), 'to', undefined))}>
              Whole range
            </button>
          </div>
          {plotted.length > 0 ? <TimelinePlots subjects={plotted} from={h.from} to={h.to} markers={markers} incident={filter.incident} /> : null}
        </div>
      ) : null}
      {newer > 0 ? (
        <button type="button" className="timeline-newer" data-testid="timeline-newer" onClick={() => void queryClient.resetQueries({ queryKey: timelineQueries.all() })}>
          {newer} newer event{newer === 1 ? '' : 's'}: show
        </button>
      ) : null}
      {pages.error ? <ErrorNote error={pages.error} context="timeline.query" /> : null}
      {pages.data && entries.length === 0 ? <p className="empty" data-testid="timeline-empty">No events match these filters.</p> : null}
      {entries.length > 0 ? (
        <VirtualList
          count={entries.length}
          rowHeight={ROW_HEIGHT}
          label={`${entries.length}${pages.hasNextPage ? '+' : ''} events, newest first`}
          testid="timeline-list"
          onNearEnd={() => {
            if (pages.hasNextPage && !pages.isFetchingNextPage) void pages.fetchNextPage();
          }}
          renderRow={(i) => <TimelineRow entry={entries[i]!} index={i} selected={i === selected} onSelect={toggle} hrefOf={hrefOf} />}
        />
      ) : null}
      {pages.isFetchingNextPage ? <p className="muted">Loading more…</p> : null}
      {chosen ? <EntryDetail entry={chosen} onFilter={(next) => go(next)} filter={filter} hrefOf={hrefOf} /> : null}
    </div>
  );
}

/** Twice as wide around the same middle. */
function zoomOut(from: number, to: number): { from: number; to: number } {
  const half = to - from;
  return { from: Math.max(0, Math.floor(from - half / 2)), to: Math.ceil(to + half / 2) };
}

/**
 * Events pushed since the list was read that the filter could include (the list is not open at
 * the end: `to` unset): a count offered above the list rather than rows slipped in above the one
 * being read. Pushes reach the fleet-wide events cache (api/push-sync.ts); nothing is polled.
 */
function useNewerEvents(filter: TimelineFilter, newest: TimelineEntry | undefined): number {
  const recent = useQuery(eventQueries.list());
  if (filter.to !== undefined || !newest || !recent.data) return 0;
  return recent.data.filter((e) => e.id > newest.id && (filter.severities === undefined || filter.severities.includes(e.severity)) && (filter.subjects === undefined || (e.subject !== null && filter.subjects.includes(e.subject)))).length;
}

function EntryDetail({ entry, filter, onFilter, hrefOf }: { entry: TimelineEntry; filter: TimelineFilter; onFilter: (f: TimelineFilter) => void; hrefOf: (s: string) => string | null }) {
  const href = entry.subject !== null ? hrefOf(entry.subject) : null;
  const around = 5 * 60_000;
  return (
    <section className="panel timeline-detail" data-testid="timeline-detail" aria-label="The selected event">
      <p>
        <strong>{new Date(entry.ts).toLocaleString()}</strong> · {entry.severity} · <code>{entry.kind}</code>
        {entry.origin ? <span className="muted"> · imported from {entry.origin}</span> : null}
      </p>
      <p>{entry.message}</p>
      <div className="incident-actions">
        {entry.subject !== null && href !== null ? <a href={href}>Open {entry.subject}</a> : null}
        {entry.subject !== null ? (
          <button type="button" data-testid="timeline-only-subject" onClick={() => onFilter(withFilter(filter, 'subjects', [entry.subject!]))}>
            Only {entry.subject}
          </button>
        ) : null}
        <button type="button" data-testid="timeline-around" onClick={() => onFilter({ ...filter, from: entry.ts - around, to: entry.ts + around })}>
          ±5 minutes around it
        </button>
      </div>
      {filter.incident !== undefined && entry.subject !== null && entry.subject !== filter.incident ? <SubjectAsItWas incident={filter.incident} subject={entry.subject} /> : null}
      {entry.data !== undefined ? <pre className="timeline-data" tabIndex={0}>{JSON.stringify(entry.data, null, 2)}</pre> : null}
    </section>
  );
}
