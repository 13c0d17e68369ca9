/**
 * The parts of a drill file the runner reads as numbers and names: the hypothesis's frontend and
 * URL, the response's runbook and target (checked against the runbook's own parameters now, so a
 * drill never fails at response time on a typo), and the expectations in seconds.
 */
import type { ChosenTarget, DrillFile, PlannedExpectations, PlannedHypothesis, PlannedResponse } from '../../../shared/drill';
import { parseDurationMs } from '../../../shared/drill-schedule';
import { FleetError } from '../../../shared/errors';
import { resolveContext, type FleetView } from '../runbooks/plan-context';
import type { RunbookFile } from '../runbooks/runbook-schema';
import { affectedReplicas } from './fault-subjects';

/**
 * Which frontend the drill probes: the hypothesis's service (default: the one backend the
 * targets' replicas are servers of) on its load balancer (default: its SLO's, else the only one
 * carrying it), and the path (default: the backend's replicas' health path).
 */
export function resolveHypothesis(drill: DrillFile, targets: readonly ChosenTarget[], fleet: FleetView): PlannedHypothesis {
  const h = drill.hypothesis;
  const inv = fleet.inventory;
  let service = h.service;
  if (service === undefined) {
    const backends = [...new Set(affectedReplicas(targets, fleet).flatMap((r) => fleet.placements(r).map((p) => p.backend)))];
    if (backends.length !== 1) {
      throw new FleetError('BAD_REQUEST', `hypothesis: the targets are servers of ${backends.length === 0 ? 'no load-balancer backend' : `several backends (${backends.join(', ')})`}: name the service to watch with hypothesis.service`);
    }
    service = backends[0]!;
  }
  const carrying = inv.loadBalancers.filter((lb) => lb.backends.some((b) => b.name === service));
  if (carrying.length === 0) throw new FleetError('NOT_FOUND', `hypothesis: no load balancer has a backend named "${service}"`, { subject: service });
  let lbName = h.loadBalancer;
  if (lbName === undefined) {
    const slo = inv.slos.find((s) => s.service === service);
    if (slo) lbName = slo.loadBalancer;
    else if (carrying.length === 1) lbName = carrying[0]!.name;
    else throw new FleetError('BAD_REQUEST', `hypothesis: backend ${service} is on ${carrying.map((l) => l.name).join(' and ')}: name the frontend to probe with hypothesis.loadBalancer`);
  }
  const lb = carrying.find((l) => l.name === lbName);
  if (!lb) throw new FleetError('NOT_FOUND', `hypothesis: load balancer "${lbName}" has no backend ${service} (it is on ${carrying.map((l) => l.name).join(', ')})`, { subject: lbName });
  const servers = lb.backends.find((b) => b.name === service)!.servers;
  const path = h.path ?? fleet.replica(servers[0] ?? '')?.health.path ?? '/';
  return {
    service,
    loadBalancer: lb.name,
    url: `${lb.frontendUrl.replace(/\/+$/, '')}${path}`,
    minSuccessPct: h.minSuccessPct,
    maxP95LatencyMs: h.maxP95LatencyMs,
    windowSeconds: seconds(h.window),
    probeRatePerSecond: h.probeRatePerSecond,
    graceSeconds: seconds(h.grace),
  };
}

/**
 * A runbook response names a runbook that exists, and its target and parameters resolve now
 * (validated exactly as `fleetops run` would). The default target is the drill's one target of
 * the runbook's kind: its one replica, or the one region its targets are in.
 */
export function resolveResponse(drill: DrillFile, targets: readonly ChosenTarget[], fleet: FleetView, runbooks: ReadonlyMap<string, RunbookFile>): PlannedResponse {
  const r = drill.response;
  if (r === 'none' || r === 'operator') return { kind: r };
  const runbook = runbooks.get(r.runbook);
  if (!runbook) throw new FleetError('NOT_FOUND', `response: there is no runbook "${r.runbook}" (runbooks: ${[...runbooks.keys()].join(', ') || 'none'})`, { subject: r.runbook });
  let target = r.target;
  if (target === undefined) {
    const candidates = runbook.target === 'replica' ? affectedReplicas(targets, fleet) : [...new Set(targets.map((t) => t.region).filter((x): x is string => x !== null))];
    if (candidates.length !== 1) {
      throw new FleetError(
        'BAD_REQUEST',
        `response: runbook ${runbook.name} targets a ${runbook.target}, and this drill hits ${candidates.length === 0 ? `no ${runbook.target}` : `${candidates.length} (${candidates.join(', ')})`}: name it with response.target`,
        { subject: runbook.name },
      );
    }
    target = candidates[0]!;
  }
  const ctx = resolveContext(runbook, fleet.inventory, target, r.params ?? {});
  const after = r.after === 'detection' ? { kind: 'detection' as const } : { kind: 'delay' as const, seconds: seconds(r.after) };
  return { kind: 'runbook', runbook: runbook.name, target, params: ctx.params, after };
}

export function resolveExpectations(drill: DrillFile): PlannedExpectations {
  const e = drill.expectations;
  return {
    detectedWithinSeconds: e.detectedWithin === undefined ? null : seconds(e.detectedWithin),
    mitigatedWithinSeconds: e.mitigatedWithin === undefined ? null : seconds(e.mitigatedWithin),
    restoredWithinSeconds: e.restoredWithin === undefined ? null : seconds(e.restoredWithin),
    maxFailedRequests: e.maxFailedRequests ?? null,
  };
}

/** A duration the schema has already checked. */
function seconds(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === null) throw new Error(`unreachable: "${text}" passed the schema as a duration`);
  return ms / 1000;
}
