/**
 * planDrill: a drill file against the fleet as it is now, into a DrillPlan — the targets and why,
 * the fault's inject and restore as runbook steps (each inject step's undo is its restore, so the
 * runbook engine can run and roll them back, journaled and through the change gate), the
 * hypothesis, response and expectations resolved, and the preconditions. Sends nothing: a dry
 * run is this plan, printed (format-drill-plan.ts).
 */
import type { DrillFile, DrillPlan } from '../../../shared/drill';
import type { PlannedStep } from '../../../shared/runbook';
import { fleetView } from '../runbooks/plan-context';
import { clustersOf, readOnlyPreconditions } from '../runbooks/plan-preconditions';
import type { DrillPlanInputs } from './drill-inputs';
import { capacityWithFault, servicePrecondition, targetHealthPreconditions } from './drill-preconditions';
import { renderFault, resolveFault } from './fault-library';
import { pickTargets } from './pick-targets';
import { resolveExpectations, resolveHypothesis, resolveResponse } from './resolve-drill';

/**
 * Throws FleetError when the drill cannot be planned at all: a target the inventory lacks
 * (NOT_FOUND), a selection over the cap or into a protected cluster without allowProtected, a
 * lab fault against a fleet that is not a lab, a load balancer that cannot say what a restore
 * would put back, a response that does not resolve (BAD_REQUEST). Everything else that stands in
 * the way is a failed precondition in the plan.
 */
export function planDrill(drill: DrillFile, inputs: DrillPlanInputs): DrillPlan {
  const fleet = fleetView(inputs.inventory);
  const picked = pickTargets(drill.targets, fleet, { seed: inputs.seed, newSeed: inputs.newSeed, lbServer: inputs.lbServer });
  const fault = resolveFault(drill.fault);
  const faultSteps = renderFault(fault, picked.targets, { fleet, labDir: inputs.labDir, lbServer: inputs.lbServer });

  const inject: PlannedStep[] = faultSteps.map((s, index) => ({ index, title: s.title, action: s.action, undo: s.restore, mutating: true, targets: s.targets }));
  // A restore undoes the newest injection first, as a runbook's rollback does.
  const restore: PlannedStep[] = [...faultSteps].reverse().map((s, index) => ({ index, title: s.restoreTitle, action: s.restore, undo: null, mutating: true, targets: s.targets }));

  // The picker refused protected targets without allowProtected; with it, a person running the drill types its name.
  const touched = [...new Set(inject.flatMap((s) => clustersOf(fleet, s.action)))];
  const protectedClusters = touched.filter((c) => inputs.inventory.nodes.some((n) => n.cluster === c && n.protected));

  const hypothesis = resolveHypothesis(drill, picked.targets, fleet);
  const response = resolveResponse(drill, picked.targets, fleet, inputs.runbooks);
  const preconditions = [
    ...targetHealthPreconditions(picked.targets, fleet, inputs),
    servicePrecondition(hypothesis, fleet, inputs),
    ...readOnlyPreconditions(fleet, inject, inputs.readOnly, 'drill'),
    ...capacityWithFault(faultSteps, fleet, inputs),
  ];

  return {
    drill: drill.name,
    description: drill.description,
    seed: picked.seed,
    seedSource: picked.seedSource,
    selection: picked.selection,
    targets: picked.targets,
    fault,
    lab: inject.some((s) => s.action.type === 'lab.fault') ? inputs.labDir : null,
    inject,
    restore,
    preconditions,
    // Typed as runbooks are: by hand, a protected cluster wants the drill's name typed.
    confirmation: protectedClusters.length > 0 ? drill.name : null,
    locks: [...new Set([...picked.targets.map((t) => t.name), ...inject.flatMap((s) => s.targets)])],
    hypothesis,
    response,
    expectations: resolveExpectations(drill),
  };
}
