import type { FleetSnapshot } from '../../../../shared/contract';
import type { PaletteItem } from '../../model/palette';
import { lazyComponent } from '../lazy-component';
import type { ViewDefinition } from '../types';

function useSearchItems(_snapshot: FleetSnapshot): readonly PaletteItem[] {
  return [];
}

/** The timeline: every event, filtered and searched (`#/timeline`, `#/events/<filter>`). */
export const timelineView: ViewDefinition = {
  id: 'timeline',
  label: 'Timeline',
  glyph: '≡',
  key: 'e',
  Component: lazyComponent(() => import('./TimelineView').then((m) => m.TimelineView)),
  subjects: [{ kind: 'events' }],
  useSearchItems,
};
