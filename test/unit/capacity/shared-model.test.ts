import { describe, expect, it } from 'vitest';
import { capacityOverview } from '../../../electron/core/capacity/capacity-model';
import { percent } from '../../../electron/core/runbooks/capacity-text';
import { parseRunbook } from '../../../electron/core/runbooks/load-runbooks';
import { planRunbook } from '../../../electron/core/runbooks/plan-runbook';
import { factsFor, fleetInventory, type FleetState } from './fleet-fixture';

/**
 * One capacity model: the runbook planner's precondition after a runbook takes a whole region
 * out, and the capacity view's "what is left after losing that region", are the same question
 * about the same servers — they must give the same answer, numbers included, whatever the load,
 * the measured availabilities and the weights.
 */
const loseRegion = parseRunbook(
  `name: lose-region
description: take every server of a region out
target: region
onFailure: rollback
steps:
  - forEach: { serverInRegion: "{target}" }
    lb.set-state: { server: "{server}", state: maint }
    undo: { lb.set-state: { server: "{server}", state: ready } }
`,
  'lose-region.yaml',
);

const cases: { name: string; state: FleetState }[] = [
  { name: 'load fits exactly', state: { rate: 60 } },
  { name: 'one over', state: { rate: 61 } },
  { name: 'heavy', state: { rate: 200 } },
  { name: 'measured, under the SLO', state: { rate: 30, availability: { ra: 0.9, rb: 0.9, rc: 0.9 } } },
  { name: 'measured, over the SLO', state: { rate: 30, availability: { ra: 0.99, rb: 0.98, rc: 0.97 } } },
  { name: 'uneven weights', state: { rate: 55, weights: { ra: 1, rb: 3, rc: 1 } } },
  { name: 'one unmeasured (counted at the mean)', state: { rate: 50, availability: { ra: 0.95, rb: 0.99, rc: null } } },
  { name: 'rate unknown', state: { rate: null, availability: { ra: 0.95, rb: 0.95, rc: 0.95 } } },
];

describe('one capacity model for the planner and the capacity view', () => {
  for (const c of cases) {
    it(`${c.name}: same verdict, same availability estimate`, () => {
      const inventory = fleetInventory();
      const facts = factsFor(inventory, c.state);
      const service = capacityOverview(facts).services[0]!;
      const region = service.loss.domain!.name;

      const plan = planRunbook(loseRegion, {
        inventory,
        target: region,
        readOnly: { global: false, clusters: [] },
        lockHolder: () => null,
        replicaHealth: (n) => facts.replica(n)!.health,
        lbServer: facts.lbServer,
        replicaAvailability: facts.replicaAvailability,
        backendRate: facts.backendRate,
      });
      const capacity = plan.preconditions.filter((p) => p.text.includes('backend llama'));
      expect(capacity).toHaveLength(1);
      const planner = capacity[0]!;
      expect(planner.ok).toBe(service.loss.left.ok);
      if (service.loss.left.availability !== null) expect(planner.text).toContain(`estimated availability ${percent(service.loss.left.availability)}%`);
      else expect(planner.text).toContain('availability not checked');
      if (service.loss.left.capacityRps !== null && c.state.rate !== null) expect(planner.text).toContain(`capacity ${service.loss.left.capacityRps} req/s`);
    });
  }
});
