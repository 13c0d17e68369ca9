import { useMemo } from 'react';
import type { FleetSnapshot } from '../../../../shared/contract';
import { countSloStates, sloState } from '../../model/availability-format';
import type { PaletteItem } from '../../model/palette';
import { countReplicasByHealth } from '../../model/replica-health';
import { lbHref, replicaHref, serviceHref } from '../../model/route';
import { lazyComponent } from '../lazy-component';
import type { ViewBadge, ViewDefinition } from '../types';

function badge(snapshot: FleetSnapshot): ViewBadge | null {
  const replicas = countReplicasByHealth(snapshot.replicas);
  const down = replicas.unhealthy + replicas.unreachable;
  const slo = countSloStates(snapshot.services);
  const lbs = snapshot.loadBalancers.filter((lb) => lb.health !== 'healthy' && lb.health !== 'unknown').length;
  const count = down + replicas.degraded + replicas.throttled + slo.missing + lbs;
  if (count === 0) return null;
  return {
    count,
    tone: down > 0 || slo.missing > 0 ? 'unhealthy' : 'degraded',
    title: `${count} replica${count === 1 ? '' : 's'}, SLO${count === 1 ? '' : 's'} or load balancer${count === 1 ? '' : 's'} not healthy`,
  };
}

function useSearchItems(snapshot: FleetSnapshot): readonly PaletteItem[] {
  const { services, loadBalancers, replicas } = snapshot;
  return useMemo(
    () => [
      ...services.map((s) => ({ kind: 'service', label: s.service, detail: `SLO ${s.target}% · ${sloState(s)} · via ${s.loadBalancer}`, href: serviceHref(s.service) })),
      ...loadBalancers.map((lb) => ({ kind: 'load balancer', label: lb.name, detail: `${lb.health} · ${lb.frontendUrl}`, href: lbHref(lb.name) })),
      ...replicas.map((r) => ({ kind: 'replica', label: r.name, detail: `${r.health}${r.node ? ` · on ${r.node}` : ''} · ${r.model}`, href: replicaHref(r.name) })),
    ],
    [services, loadBalancers, replicas],
  );
}

export const servicesView: ViewDefinition = {
  id: 'services',
  label: 'Services',
  glyph: '⇄',
  key: 's',
  Component: lazyComponent(() => import('./ServicesView').then((m) => m.ServicesView)),
  subjects: [{ kind: 'replica', Drawer: lazyComponent(() => import('./ReplicaDrawer').then((m) => m.ReplicaDrawer)) }, { kind: 'service' }, { kind: 'lb' }],
  badge,
  useSearchItems,
};
