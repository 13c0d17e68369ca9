import { useMemo } from 'react';
import type { FleetSnapshot } from '../../../shared/contract';
import { viewHref } from '../model/route';
import type { ViewBadge, ViewDefinition } from '../views/types';

interface Props {
  views: readonly ViewDefinition[];
  /** The view shown now. */
  current: string;
  snapshot: FleetSnapshot | undefined;
  collapsed: boolean;
  onToggle: () => void;
}

/**
 * One link per view, the one shown marked, each with a count of what needs a look there.
 * Collapsed, it keeps the glyphs and the counts; the names stay for screen readers and tooltips.
 */
export function Sidebar({ views, current, snapshot, collapsed, onToggle }: Props) {
  const badges = useMemo(() => views.map((v) => (snapshot && v.badge ? v.badge(snapshot) : null)), [views, snapshot]);
  return (
    <nav className="sidebar" id="sidebar" aria-label="Views" data-testid="sidebar" data-collapsed={String(collapsed)}>
      <ul className="sidebar-list">
        {views.map((v, i) => (
          <SidebarItem key={v.id} view={v} active={v.id === current} badge={badges[i] ?? null} collapsed={collapsed} />
        ))}
      </ul>
      <button
        type="button"
        className="sidebar-toggle"
        data-testid="sidebar-toggle"
        aria-expanded={!collapsed}
        aria-controls="sidebar"
        aria-label={collapsed ? 'Expand the sidebar' : 'Collapse the sidebar'}
        title={collapsed ? 'Expand the sidebar' : 'Collapse the sidebar'}
        onClick={onToggle}
      >
        <span aria-hidden="true">{collapsed ? '»' : '«'}</span>
      </button>
      {collapsed ? null : (
        <p className="sidebar-keys muted">
          <kbd>Ctrl</kbd> <kbd>K</kbd> go to anything · <kbd>/</kbd> filter · <kbd>g</kbd> then a letter: a view
        </p>
      )}
    </nav>
  );
}

/** One view's link; its badge from the snapshot, or from the view's own queries (useBadge: a hook, so a component of its own). */
function SidebarItem({ view: v, active, badge: fromSnapshot, collapsed }: { view: ViewDefinition; active: boolean; badge: ViewBadge | null; collapsed: boolean }) {
  const own = v.useBadge?.() ?? null;
  const badge = fromSnapshot ?? own;
  return (
    <li>
      <a href={viewHref(v.id)} className={`sidebar-item${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined} data-testid={`nav-${v.id}`} title={`${v.label} (g then ${v.key})`}>
        <span className="sidebar-glyph" aria-hidden="true">
          {v.glyph}
        </span>
        <span className={collapsed ? 'sr-only' : 'sidebar-label'}>{v.label}</span>
        {badge ? (
          <span className={`sidebar-badge h-${badge.tone}`} title={badge.title} data-testid={`nav-badge-${v.id}`} data-count={badge.count}>
            <span aria-hidden="true">{badge.count}</span>
            <span className="sr-only">: {badge.title}</span>
          </span>
        ) : null}
      </a>
    </li>
  );
}
