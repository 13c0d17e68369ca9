import type { FleetSnapshot } from '../../../../shared/contract';
import type { PaletteItem } from '../../model/palette';
import type { ViewDefinition } from '../types';
import { TimelineView } from './TimelineView';

function useSearchItems(_snapshot: FleetSnapshot): readonly PaletteItem[] {
  return [];
}

/** The timeline: every event, filtered and searched (`#/timeline`, `#/events/<filter>`). */
export const timelineView: ViewDefinition = {
  id: 'timeline',
  label: 'Timeline',
  glyph: '≡',
  key: 'e',
  Component: TimelineView,
  subjects: [{ kind: 'events' }],
  useSearchItems,
};
