import type { FleetSnapshot } from '../../../../shared/contract';
import type { PaletteItem } from '../../model/palette';
import type { ViewBadge, ViewDefinition } from '../types';
import { attentionItems } from './attention';
import { OverviewView } from './OverviewView';

function attentionOf(snapshot: FleetSnapshot) {
  return attentionItems({ ...snapshot, runs: snapshot.runs });
}

function badge(snapshot: FleetSnapshot): ViewBadge | null {
  const items = attentionOf(snapshot).filter((i) => i.severity !== 'notice');
  if (items.length === 0) return null;
  const critical = items.some((i) => i.severity === 'critical');
  return { count: items.length, tone: critical ? 'unhealthy' : 'degraded', title: `${items.length} need${items.length === 1 ? 's' : ''} attention` };
}

/** The palette's suggestions before anything is typed: what needs attention, worst first (Ctrl-K, Enter opens the worst). */
function useSearchItems(snapshot: FleetSnapshot): readonly PaletteItem[] {
  return attentionOf(snapshot)
    .slice(0, 8)
    .map((i) => ({ kind: i.kind, label: i.subject, detail: `${i.state}${i.reason ? ` · ${i.reason}` : ''}`, href: i.href, suggested: true }));
}

export const overviewView: ViewDefinition = {
  id: 'overview',
  label: 'Overview',
  glyph: '◉',
  key: 'o',
  Component: OverviewView,
  subjects: [],
  badge,
  useSearchItems,
};
