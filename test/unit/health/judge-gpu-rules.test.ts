import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../../shared/inventory';
import type { GpuReading, NodeObservation } from '../../../electron/core/gpu/observation';
import { judgeNode } from '../../../electron/core/health/judge-node';
import { observe } from '../gpu/observations';

/** An 8-GPU node from the capture (idle or busy) where GPU 3 reads differently. */
function withGpu3(change: Partial<GpuReading>, state: 'idle' | 'busy' = 'busy'): NodeObservation {
  return observe(state, { change: (g) => (g.index === 3 ? change : {}) });
}

function judge(obs: NodeObservation, thresholds: Partial<Thresholds> = {}) {
  return judgeNode(obs, { expectedGpus: 8, thresholds: { ...DEFAULT_THRESHOLDS, ...thresholds } });
}

/** The verdict on GPU 3, and that the node and the other GPUs agree with it. */
function gpu3(obs: NodeObservation, thresholds: Partial<Thresholds> = {}) {
  const verdict = judge(obs, thresholds);
  const g = verdict.gpus[3];
  expect(verdict.health).toBe(g.health);
  expect(verdict.reasons).toEqual(g.reasons);
  expect(verdict.gpus.filter((x) => x.index !== 3).every((x) => x.health === 'healthy')).toBe(true);
  return g;
}

describe('GPU rules, one by one', () => {
  it('uncorrectable volatile ECC errors make the GPU unhealthy', () => {
    const g = gpu3(withGpu3({ eccUncorrectedVolatile: 2 }));
    expect(g.health).toBe('unhealthy');
    expect(g.reasons).toEqual(['GPU 3 (0000:5d:00): 2 uncorrectable ECC errors since the driver loaded — drain the node and reset the GPU']);
    expect(gpu3(withGpu3({ eccUncorrectedVolatile: 0 })).health).toBe('healthy');
  });

  it('a row remap failure makes the GPU unhealthy', () => {
    const g = gpu3(withGpu3({ remappedRowsFailure: true }));
    expect(g.health).toBe('unhealthy');
    expect(g.reasons[0]).toMatch(/^GPU 3 \(0000:5d:00\): memory row remapping failed — /);
  });

  it('a pending row remap degrades the GPU', () => {
    const g = gpu3(withGpu3({ remappedRowsPending: true }));
    expect(g.health).toBe('degraded');
    expect(g.reasons[0]).toMatch(/^GPU 3 \(0000:5d:00\): memory row remapping pending — reset the GPU/);
  });

  it('pending retired pages degrade the GPU', () => {
    const g = gpu3(withGpu3({ retiredPagesPending: true }));
    expect(g.health).toBe('degraded');
    expect(g.reasons[0]).toMatch(/^GPU 3 \(0000:5d:00\): retired memory pages pending — /);
  });

  it('corrected ECC errors degrade the GPU from the threshold on', () => {
    const atThreshold = gpu3(withGpu3({ eccCorrectedVolatile: 50 }), { correctedEccErrors: 50 });
    expect(atThreshold.health).toBe('degraded');
    expect(atThreshold.reasons[0]).toMatch(/^GPU 3 \(0000:5d:00\): 50 corrected ECC errors since the driver loaded \(threshold 50\) — /);
    expect(gpu3(withGpu3({ eccCorrectedVolatile: 49 }), { correctedEccErrors: 50 }).health).toBe('healthy');
  });

  it.each(['hw_thermal_slowdown', 'sw_thermal_slowdown'])('%s degrades the GPU', (bit) => {
    const g = gpu3(withGpu3({ clockEventReasons: ['sw_power_cap', bit], temperatureC: 84 }));
    expect(g.health).toBe('degraded');
    expect(g.reasons).toEqual([`GPU 3 (0000:5d:00): clocks cut by ${bit} at 84 °C — check cooling (fans, airflow, inlet temperature)`]);
  });

  it('core temperature degrades the GPU from the threshold on', () => {
    const at = gpu3(withGpu3({ temperatureC: 87 }), { temperatureC: 87 });
    expect(at.health).toBe('degraded');
    expect(at.reasons).toEqual(['GPU 3 (0000:5d:00): core at 87 °C (threshold 87 °C) — check cooling (fans, airflow, inlet temperature)']);
    expect(gpu3(withGpu3({ temperatureC: 86 }), { temperatureC: 87 }).health).toBe('healthy');
  });

  it('memory temperature degrades the GPU from its own threshold on', () => {
    const at = gpu3(withGpu3({ memoryTemperatureC: 95 }), { memoryTemperatureC: 95 });
    expect(at.health).toBe('degraded');
    expect(at.reasons[0]).toMatch(/^GPU 3 \(0000:5d:00\): memory at 95 °C \(threshold 95 °C\)/);
    expect(gpu3(withGpu3({ memoryTemperatureC: 94.9 }), { memoryTemperatureC: 95 }).health).toBe('healthy');
    // The core threshold does not apply to memory: 90 °C HBM is fine under the default 95.
    expect(gpu3(withGpu3({ memoryTemperatureC: 90 })).health).toBe('healthy');
  });

  it('a hardware power brake degrades the GPU', () => {
    const g = gpu3(withGpu3({ clockEventReasons: ['hw_slowdown', 'hw_power_brake_slowdown'] }));
    expect(g.health).toBe('degraded');
    expect(g.reasons).toEqual(["GPU 3 (0000:5d:00): clocks cut by an external power brake — check the node's power supplies"]);
  });

  it('hw_slowdown without a named cause degrades the GPU', () => {
    const g = gpu3(withGpu3({ clockEventReasons: ['hw_slowdown'] }));
    expect(g.health).toBe('degraded');
    expect(g.reasons).toEqual(['GPU 3 (0000:5d:00): clocks cut by hw_slowdown — check power draw and cooling']);
  });

  it('does not count normal clock reasons (idle, power cap, app clocks, sync boost) against a GPU', () => {
    const normal = ['gpu_idle', 'sw_power_cap', 'applications_clocks_setting', 'sync_boost', 'display_clock_setting'];
    expect(gpu3(withGpu3({ clockEventReasons: normal })).health).toBe('healthy');
  });

  it('treats unreadable values ([N/A]) as no evidence, not as a failure', () => {
    const unknown = {
      temperatureC: null,
      memoryTemperatureC: null,
      eccCorrectedVolatile: null,
      eccUncorrectedVolatile: null,
      retiredPagesPending: null,
      remappedRowsPending: null,
      remappedRowsFailure: null,
    };
    expect(gpu3(withGpu3(unknown)).health).toBe('healthy');
  });
});

describe('GPU verdicts combined', () => {
  it('gives the GPU its worst finding, unhealthy reasons first', () => {
    const g = gpu3(withGpu3({ temperatureC: 90, eccUncorrectedVolatile: 1 }));
    expect(g.health).toBe('unhealthy');
    expect(g.reasons).toHaveLength(2);
    expect(g.reasons[0]).toContain('uncorrectable ECC');
    expect(g.reasons[1]).toContain('core at 90 °C');
  });

  it('judges each GPU on its own and the node on the worst of them', () => {
    const obs = observe('busy', {
      change: (g) => (g.index === 1 ? { temperatureC: 95 } : g.index === 6 ? { remappedRowsFailure: true } : {}),
    });
    const verdict = judge(obs);
    expect(verdict.gpus.map((g) => g.health)).toEqual(['healthy', 'degraded', 'healthy', 'healthy', 'healthy', 'healthy', 'unhealthy', 'healthy']);
    expect(verdict.health).toBe('unhealthy');
    expect(verdict.reasons[0]).toMatch(/^GPU 6 \(0000:ba:00\): memory row remapping failed/);
    expect(verdict.reasons[1]).toMatch(/^GPU 1 \(0000:2a:00\): core at 95 °C/);
  });
});
