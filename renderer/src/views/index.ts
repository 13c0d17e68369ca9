import { routeTableOf, type RouteTable } from '../model/route';
import { capacityView } from './capacity';
import { drillsView } from './drills';
import { incidentsView } from './incidents';
import { overviewView } from './overview';
import { runbooksView } from './runbooks';
import { servicesView } from './services';
import { timelineView } from './timeline';
import { topologyView } from './topology';
import { trainingView } from './training';
import type { ViewDefinition, ViewSubject } from './types';

/**
 * The sidebar, in order: one line per view. A new view is a folder under renderer/src/views/
 * exporting its ViewDefinition, and one line here; its routes, subjects, shortcut and palette
 * entries come with it. The first view is the landing page.
 */
export const VIEWS: readonly ViewDefinition[] = [overviewView, topologyView, servicesView, capacityView, trainingView, runbooksView, drillsView, incidentsView, timelineView];

export const ROUTES: RouteTable = routeTableOf(
  VIEWS.map((v) => ({ id: v.id, subjects: v.subjects.map((s) => ({ kind: s.kind, drawer: s.Drawer !== undefined })) })),
);

const byId = new Map(VIEWS.map((v) => [v.id, v]));
const subjects = new Map<string, ViewSubject>(VIEWS.flatMap((v) => v.subjects.map((s) => [s.kind, s] as const)));

export function viewById(id: string): ViewDefinition {
  return byId.get(id) ?? VIEWS[0];
}

export function subjectDefinition(kind: string): ViewSubject | undefined {
  return subjects.get(kind);
}
