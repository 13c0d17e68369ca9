/**
 * The timeline as a feature: its three methods answer through the contract (input parsed,
 * output checked against shared/timeline.ts), errors come back as data with stable codes, and
 * stopping it closes its connection whether or not its retention ran.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Handlers } from '../../../electron/core/rpc/handlers';
import { createDispatch } from '../../../electron/core/rpc/dispatch';
import { timelineFeature } from '../../../electron/core/timeline/timeline-feature';
import { ev, openFixture, T0 } from './helpers';
import { TEST_INVENTORY } from './oracle';

const cleanups: (() => void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function setup(retention: boolean) {
  const fx = openFixture({}, cleanups);
  fx.store.appendEvents([ev(T0, 'node.health', 'a1', 'error', 'a1 unreachable', null), ev(T0 + 1000, 'lb.health', 'lb1', 'warning', 'lb1 degraded', 'bundle:x:y')]);
  let inventory: typeof TEST_INVENTORY | null = null;
  const feature = timelineFeature({ path: fx.store.path, inventory: () => inventory, now: () => T0, options: { retention } });
  const call = createDispatch(feature.handlers as Handlers, { validateOutput: true });
  return { feature, call, setInventory: (i: typeof TEST_INVENTORY) => (inventory = i) };
}

describe('the timeline feature', () => {
  it('answers timeline.query, .histogram and .kinds within the contract', async () => {
    const { feature, call, setInventory } = setup(true);
    cleanups.push(() => feature.services![0].stop());
    expect(await call('timeline.query', { filter: { severities: ['error'] } })).toEqual({
      ok: true,
      result: { entries: [{ id: 1, ts: T0, kind: 'node.health', subject: 'a1', severity: 'error', message: 'a1 unreachable', origin: null }], next: null },
    });
    expect(await call('timeline.query', { filter: {}, order: 'asc', limit: 1 })).toMatchObject({ ok: true, result: { entries: [{ id: 1 }], next: { ts: T0, id: 1 } } });
    expect(await call('timeline.query', { filter: { origin: 'bundle:x:y' } })).toMatchObject({ ok: true, result: { entries: [{ id: 2, origin: 'bundle:x:y' }] } });
    expect(await call('timeline.histogram', { filter: {}, buckets: 2 })).toEqual({ ok: true, result: { from: T0, to: T0 + 1001, bucketMs: 500.5, info: [0, 0], warning: [0, 1], error: [1, 0] } });
    expect(await call('timeline.kinds', {})).toEqual({ ok: true, result: [{ kind: 'lb.health', count: 1 }, { kind: 'node.health', count: 1 }] });
    // Errors as data: the contract refuses bad input, the store an unloaded inventory, then an unknown place.
    expect(await call('timeline.query', { filter: {}, limit: 0 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call('timeline.query', { filter: { text: 'x', typo: 1 } })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call('timeline.query', { filter: { region: 'r1' } })).toMatchObject({ ok: false, error: { code: 'INVENTORY_NOT_LOADED' } });
    setInventory(TEST_INVENTORY);
    // lb1 runs on a node of r1 (its runtime's via).
    expect(await call('timeline.query', { filter: { region: 'r1' } })).toMatchObject({ ok: true, result: { entries: [{ subject: 'lb1' }, { subject: 'a1' }] } });
    expect(await call('timeline.query', { filter: { region: 'r9' } })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call('timeline.query', { filter: { text: '"NEAR(' } })).toEqual({ ok: true, result: { entries: [], next: null } });
  });

  it('closes its connection when stopped, with or without retention, started or not', async () => {
    for (const retention of [true, false]) {
      const { feature, call } = setup(retention);
      expect(feature.services!.map((s) => s.name)).toEqual([retention ? 'timeline retention' : 'timeline connection']);
      await feature.services![0].stop();
      expect(await call('timeline.kinds', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/not open/) } });
    }
  });
});
