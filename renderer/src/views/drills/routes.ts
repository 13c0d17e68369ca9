import { subjectHref } from '../../model/route';

/** `#/drill/NAME`: a drill's page (plan, run by hand, schedule, history). */
export const drillHref = (name: string): string => subjectHref({ kind: 'drill', name });
/** `#/drill-run/ID`: one run, live while it runs, its report after. */
export const drillRunHref = (id: string): string => subjectHref({ kind: 'drill-run', name: id });
