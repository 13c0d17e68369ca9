import { subjectHref } from '../../model/route';

/** `#/incident/ID`: one incident — milestones, affected subjects, notes. */
export const incidentHref = (id: string): string => subjectHref({ kind: 'incident', name: id });
