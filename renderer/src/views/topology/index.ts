import { useMemo } from 'react';
import type { FleetSnapshot } from '../../../../shared/contract';
import type { PaletteItem } from '../../model/palette';
import { nodeHref } from '../../model/route';
import { summarize } from '../../model/summary';
import { lazyComponent } from '../lazy-component';
import type { ViewBadge, ViewDefinition } from '../types';
import { TopologyView } from './TopologyView';

function badge(snapshot: FleetSnapshot): ViewBadge | null {
  const s = summarize(snapshot.nodes);
  const down = s.byHealth.unhealthy + s.byHealth.unreachable;
  const problems = s.nodes - s.byHealth.healthy - s.byHealth.unknown;
  if (problems === 0) return null;
  return { count: problems, tone: down > 0 ? 'unhealthy' : 'degraded', title: `${problems} node${problems === 1 ? '' : 's'} not healthy` };
}

function useSearchItems(snapshot: FleetSnapshot): readonly PaletteItem[] {
  const { nodes } = snapshot;
  return useMemo(() => nodes.map((n) => ({ kind: 'node', label: n.name, detail: `${n.health} · ${n.region} / ${n.cluster}`, href: nodeHref(n.name) })), [nodes]);
}

export const topologyView: ViewDefinition = {
  id: 'topology',
  label: 'Topology',
  glyph: '⊞',
  key: 't',
  Component: TopologyView,
  subjects: [{ kind: 'node', Drawer: lazyComponent(() => import('./NodeDetail').then((m) => m.NodeDetail)) }],
  badge,
  useSearchItems,
};
