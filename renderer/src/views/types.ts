import type { ComponentType } from 'react';
import type { FleetSnapshot } from '../../../shared/contract';
import type { PaletteItem } from '../model/palette';
import type { Subject } from '../model/route';

/**
 * What a sidebar view is. A view lives in its own folder (renderer/src/views/<id>/) and is one
 * line of the registry (renderer/src/views/index.ts): that line gives it its sidebar entry, its
 * `#/<id>` route, the routes of the subjects it owns, its `g <key>` shortcut and its entries in
 * the command palette. Nothing else in the console needs to know it.
 */
export interface ViewDefinition {
  /** URL segment and data-testid suffix: lowercase letters, digits, '-'. */
  id: string;
  label: string;
  /** One or two characters shown for the view when the sidebar is collapsed. */
  glyph: string;
  /** `g` then this key opens the view. */
  key: string;
  Component: ComponentType<ViewProps>;
  /** Subject kinds this view owns: `#/<kind>/<name>` opens here (or as a drawer, over any view). */
  subjects: readonly ViewSubject[];
  /** A count for the sidebar entry (what needs a look there), or null for none. */
  badge?: (snapshot: FleetSnapshot) => ViewBadge | null;
  /** The same from the view's own queries, for what the snapshot does not hold (open incidents). A hook. */
  useBadge?: () => ViewBadge | null;
  /** The palette's entries for this view's subjects. A hook: it may read its own queries. */
  useSearchItems: (snapshot: FleetSnapshot) => readonly PaletteItem[];
}

export interface ViewProps {
  snapshot: FleetSnapshot;
  /** The route's subject when it is one of this view's own (the node whose drawer is open, the service linked to). */
  subject: Subject | null;
}

export interface DrawerProps {
  name: string;
  snapshot: FleetSnapshot;
}

export interface ViewSubject {
  kind: string;
  /** Set for a subject shown as a drawer over whichever view is open (a node, a replica); else the view shows it in place. */
  Drawer?: ComponentType<DrawerProps>;
}

export interface ViewBadge {
  count: number;
  tone: 'unhealthy' | 'degraded' | 'accent';
  /** What the count is, for the tooltip and screen readers: "3 nodes not healthy". */
  title: string;
}
