import type { TimelineFilter } from '../../../../shared/timeline';
import { subjectHref } from '../../model/route';
import { filterToParams } from './filter-params';

/** `#/events/<filter>`: the timeline with that filter (a link to paste elsewhere); `#/timeline`: everything. */
export const timelineHref = (filter: TimelineFilter): string => {
  const params = filterToParams(filter);
  return params === '' ? '#/timeline' : subjectHref({ kind: 'events', name: params });
};
