import type { DrillFile } from '../../../shared/drill';
import type { PathSegment } from '../inventory/inventory-issue';

/** A problem the schema cannot see, pinned to a path so the loader can give its line. */
export interface DrillProblem {
  path: PathSegment[];
  message: string;
  /** Point at this key of the mapping at `path` rather than at its value. */
  key?: string;
}

const NAMED = ['replica', 'node', 'region'] as const;
const GROUPS = ['replicasOf', 'nodesOf'] as const;
const TARGET_FORMS = [...NAMED, ...GROUPS];

/**
 * Whole-file checks on a schema-valid drill: the targets name exactly one thing or one group, a
 * group says how many (count or percent) and a named target does not, a fixed count fits under
 * the cap, region-down has a region to take down, and the drill expects something.
 */
export function checkDrill(drill: DrillFile): DrillProblem[] {
  const problems: DrillProblem[] = [];
  const t = drill.targets;
  const forms = TARGET_FORMS.filter((f) => t[f] !== undefined);
  if (forms.length !== 1) {
    problems.push({
      path: ['targets'],
      ...(forms.length > 1 ? { key: forms[1] } : {}),
      message: forms.length === 0 ? `name what the fault hits: one of ${TARGET_FORMS.join(', ')}` : `name exactly one of ${TARGET_FORMS.join(', ')} (found ${forms.join(' and ')})`,
    });
  }
  const group = forms.length === 1 && (GROUPS as readonly string[]).includes(forms[0]);
  if (t.nodesOf) {
    const by = (['cluster', 'region'] as const).filter((k) => t.nodesOf![k] !== undefined);
    if (by.length !== 1) problems.push({ path: ['targets', 'nodesOf'], message: 'name exactly one of cluster, region' });
  }
  if (group) {
    if (t.count === undefined && t.percent === undefined) problems.push({ path: ['targets'], key: forms[0], message: `a group needs count or percent: how many of its members the fault hits` });
    if (t.count !== undefined && t.percent !== undefined) problems.push({ path: ['targets'], key: 'percent', message: 'count and percent both say how many: keep one' });
  } else if (forms.length === 1) {
    for (const key of ['count', 'percent', 'seed'] as const) {
      if (t[key] !== undefined) problems.push({ path: ['targets'], key, message: `${key} picks from a group (replicasOf, nodesOf); a named ${forms[0]} is the target itself` });
    }
  }
  if (t.count !== undefined && t.count > t.maxTargets) problems.push({ path: ['targets', 'count'], message: `count ${t.count} is over maxTargets ${t.maxTargets}` });

  if (drill.fault.kind === 'region-down' && t.region === undefined) {
    problems.push({ path: ['fault', 'kind'], message: 'region-down takes a whole region down: name it with targets.region' });
  }
  if (Object.values(drill.expectations).every((v) => v === undefined)) {
    problems.push({ path: ['expectations'], message: 'expect at least one of detectedWithin, mitigatedWithin, restoredWithin, maxFailedRequests (a drill that expects nothing cannot fail)' });
  }
  return problems;
}
