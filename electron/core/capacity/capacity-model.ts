/**
 * The capacity overview (issue 13), pure: per failure domain what serves, stands by and is
 * broken; per service (one load-balancer backend) its members, N+k, headroom, the largest-domain
 * loss, advice and recovery estimates. Every availability/load question goes through the one
 * model the runbook planner uses too (serving-check.ts).
 */
import type { CapacityOverview, LossVerdict, ServiceCapacity, Tally } from '../../../shared/capacity';
import { worseVerdict } from '../../../shared/capacity';
import type { CapacityFacts } from './capacity-facts';
import { fleetDomains, spareNodes } from './fleet-domains';
import { check, domainsOf, largestDomainLoss, meanAvailability, nPlusK, servingView } from './service-loss';
import { serviceMembers } from './service-members';
import { recoveryEstimate, spareAdvice } from './spare-advice';

export function capacityOverview(facts: CapacityFacts): CapacityOverview {
  const services: ServiceCapacity[] = [];
  const runs = facts.recoveryRuns();
  for (const lb of facts.inventory.loadBalancers) {
    for (const backend of lb.backends) {
      const slo = facts.inventory.slos.find((s) => s.service === backend.name && s.loadBalancer === lb.name);
      const figures = { sloTarget: slo?.target ?? null, peakRps: facts.backendRate(lb.name, backend.name) };
      const members = serviceMembers(facts, lb, backend);
      const active = members.filter((m) => m.state === 'active');
      const mean = meanAvailability(members);
      const now = servingView(check(active, figures, mean), figures);
      const loss = largestDomainLoss(members, figures);
      const k = domainsOf(members).names.length;
      const tally: Tally = { active: 0, warm: 0, cold: 0, failed: 0 };
      for (const m of members) tally[m.state]++;
      services.push({
        service: backend.name,
        loadBalancer: lb.name,
        sloTarget: figures.sloTarget,
        peakRps: figures.peakRps,
        members: members.map(({ weight: _weight, ...m }) => m),
        tally,
        now,
        ...nPlusK(active, figures.peakRps),
        ratio: {
          actual: now.capacityRps !== null && figures.peakRps !== null && figures.peakRps > 0 ? now.capacityRps / figures.peakRps : null,
          domains: k,
          needed: k > 1 ? k / (k - 1) : null,
        },
        loss,
        advice: spareAdvice(members, figures.sloTarget, mean),
        recovery: recoveryEstimate(members, runs),
      });
    }
  }
  const spares = spareNodes(facts);
  return {
    at: facts.now(),
    domains: fleetDomains(facts, spares),
    services,
    spareNodes: spares,
    worst: services.reduce<LossVerdict>((w, s) => worseVerdict(w, s.loss.verdict), 'survives'),
  };
}
