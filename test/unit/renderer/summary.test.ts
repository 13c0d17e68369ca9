import { describe, expect, it } from 'vitest';
import { summarize } from '../../../renderer/src/model/summary';
import { gpu, node } from './builders';

describe('summarize', () => {
  it('counts nodes by health, with zero for absent healths', () => {
    const s = summarize([
      node('a'),
      node('b', { health: 'degraded' }),
      node('c', { health: 'unreachable', gpus: [] }),
      node('d', { health: 'unreachable', gpus: [] }),
    ]);
    expect(s.nodes).toBe(4);
    expect(s.byHealth).toEqual({ healthy: 1, degraded: 1, unhealthy: 0, unreachable: 2, unknown: 0 });
  });

  it('counts healthy GPUs of the GPUs the inventory expects, so a GPU that fell off the bus is missing from healthy', () => {
    const s = summarize([
      node('a', { expectedGpus: 8, gpus: [gpu(0), gpu(1, { health: 'unhealthy' })] }),
      node('b', { expectedGpus: 2, gpus: [gpu(0), gpu(1), gpu(2)] }),
    ]);
    expect(s.gpusTotal).toBe(8 + 3);
    expect(s.gpusHealthy).toBe(1 + 3);
  });

  it('is all zeros for an empty fleet', () => {
    expect(summarize([])).toEqual({ nodes: 0, byHealth: { healthy: 0, degraded: 0, unhealthy: 0, unreachable: 0, unknown: 0 }, gpusHealthy: 0, gpusTotal: 0 });
  });
});
