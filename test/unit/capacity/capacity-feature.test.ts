import { describe, expect, it } from 'vitest';
import type { CapacityOverview } from '../../../shared/capacity';
import type { PushEvent } from '../../../shared/contract';
import { capacityFeature } from '../../../electron/core/capacity/capacity-feature';
import type { Timers } from '../../../electron/core/probe/scheduler';
import { factsFor, fleetInventory, type FleetState } from './fleet-fixture';

/** Timers run by hand: `fire()` runs what is due. */
function manualTimers() {
  let pending: { fn: () => void; handle: number }[] = [];
  let next = 1;
  const timers: Timers = {
    now: () => 0,
    setTimeout: (fn) => {
      const handle = next++;
      pending.push({ fn, handle });
      return handle;
    },
    clearTimeout: (h) => void (pending = pending.filter((p) => p.handle !== h)),
  };
  return { timers, fire: () => { const due = pending; pending = []; for (const p of due) p.fn(); }, count: () => pending.length };
}

describe('the capacity feature', () => {
  it('pushes the overview once at start, again after a feeding push only when it changed, never after stop', async () => {
    const state: FleetState = { rate: 60 };
    const inventory = fleetInventory();
    const listeners = new Set<(e: PushEvent) => void>();
    const pushed: CapacityOverview[] = [];
    const t = manualTimers();
    const f = capacityFeature({
      facts: () => factsFor(inventory, state),
      subscribe: (l) => (listeners.add(l), () => void listeners.delete(l)),
      push: (event, payload) => void (event === 'capacity.updated' && pushed.push(payload as CapacityOverview)),
      now: () => 0,
      timers: t.timers,
    });
    const emit = (event: string) => { for (const l of listeners) l({ event, payload: {} } as unknown as PushEvent); };
    await f.services![0]!.start();
    t.fire();
    expect(pushed.map((p) => p.services[0]!.loss.verdict)).toEqual(['survives']);

    emit('replicas.updated');
    t.fire();
    expect(pushed).toHaveLength(1); // nothing an operator would see changed

    state.rate = 61;
    emit('loadBalancers.updated');
    emit('services.updated'); // several feeding pushes: one recomputation
    expect(t.count()).toBe(1);
    t.fire();
    expect(pushed.map((p) => p.services[0]!.loss.verdict)).toEqual(['survives', 'fails']);

    emit('run.updated'); // not a feed
    expect(t.count()).toBe(0);

    await f.services![0]!.stop();
    state.rate = 10;
    emit('replicas.updated');
    expect(t.count()).toBe(0);
    expect(await f.handlers!['capacity.overview']({})).toMatchObject({ worst: 'survives' });
  });

  it('answers an empty overview without an inventory', async () => {
    const f = capacityFeature({ facts: () => null, subscribe: () => () => undefined, push: () => undefined, now: () => 5 });
    expect(await f.handlers!['capacity.overview']({})).toEqual({ at: 5, domains: [], services: [], spareNodes: [], worst: 'survives' });
  });
});
