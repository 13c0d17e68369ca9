/**
 * Rules judging one GPU from its own readings. Each returns a Finding or null; a GPU with no
 * finding is healthy. Normal operation must not trip any rule: an idle GPU reports `gpu_idle`,
 * a GPU at full load is held at its power limit (`sw_power_cap`), and neither is a problem.
 */
import type { Thresholds } from '../../../shared/inventory';
import type { GpuReading } from '../gpu/observation';
import { type Finding, gpuLabel } from './reason-rules';

export type GpuRule = (gpu: GpuReading, thresholds: Thresholds) => Finding | null;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const uncorrectableEcc: GpuRule = (gpu) =>
  gpu.eccUncorrectedVolatile !== null && gpu.eccUncorrectedVolatile > 0
    ? {
        health: 'unhealthy',
        reason: `${gpuLabel(gpu)}: ${plural(gpu.eccUncorrectedVolatile, 'uncorrectable ECC error')} since the driver loaded — drain the node and reset the GPU`,
      }
    : null;

export const rowRemapFailure: GpuRule = (gpu) =>
  gpu.remappedRowsFailure === true
    ? { health: 'unhealthy', reason: `${gpuLabel(gpu)}: memory row remapping failed — drain the node and replace the GPU` }
    : null;

export const rowRemapPending: GpuRule = (gpu) =>
  gpu.remappedRowsPending === true
    ? { health: 'degraded', reason: `${gpuLabel(gpu)}: memory row remapping pending — reset the GPU when it is idle to complete it` }
    : null;

export const retiredPagesPending: GpuRule = (gpu) =>
  gpu.retiredPagesPending === true
    ? { health: 'degraded', reason: `${gpuLabel(gpu)}: retired memory pages pending — reset the GPU when it is idle to retire them` }
    : null;

export const correctedEcc: GpuRule = (gpu, t) =>
  gpu.eccCorrectedVolatile !== null && gpu.eccCorrectedVolatile >= t.correctedEccErrors
    ? {
        health: 'degraded',
        reason: `${gpuLabel(gpu)}: ${plural(gpu.eccCorrectedVolatile, 'corrected ECC error')} since the driver loaded (threshold ${t.correctedEccErrors}) — memory is wearing; schedule a reset and diagnostics (dcgmi diag)`,
      }
    : null;

const THERMAL_BITS = ['hw_thermal_slowdown', 'sw_thermal_slowdown'] as const;

export const thermalSlowdown: GpuRule = (gpu) => {
  const active = THERMAL_BITS.filter((b) => gpu.clockEventReasons.includes(b));
  if (active.length === 0) return null;
  const at = gpu.temperatureC === null ? '' : ` at ${gpu.temperatureC} °C`;
  return {
    health: 'degraded',
    reason: `${gpuLabel(gpu)}: clocks cut by ${active.join(' and ')}${at} — check cooling (fans, airflow, inlet temperature)`,
  };
};

export const coreTemperature: GpuRule = (gpu, t) =>
  gpu.temperatureC !== null && gpu.temperatureC >= t.temperatureC
    ? { health: 'degraded', reason: `${gpuLabel(gpu)}: core at ${gpu.temperatureC} °C (threshold ${t.temperatureC} °C) — check cooling (fans, airflow, inlet temperature)` }
    : null;

export const memoryTemperature: GpuRule = (gpu, t) =>
  gpu.memoryTemperatureC !== null && gpu.memoryTemperatureC >= t.memoryTemperatureC
    ? { health: 'degraded', reason: `${gpuLabel(gpu)}: memory at ${gpu.memoryTemperatureC} °C (threshold ${t.memoryTemperatureC} °C) — check cooling (fans, airflow, inlet temperature)` }
    : null;

export const powerBrake: GpuRule = (gpu) =>
  gpu.clockEventReasons.includes('hw_power_brake_slowdown')
    ? { health: 'degraded', reason: `${gpuLabel(gpu)}: clocks cut by an external power brake — check the node's power supplies` }
    : null;

/**
 * `hw_slowdown` is set together with the thermal or power-brake bit when those are the cause;
 * alone, it still halves the clocks (the driver also sets it for fast power-trigger protection).
 */
export const hwSlowdown: GpuRule = (gpu) => {
  const r = gpu.clockEventReasons;
  if (!r.includes('hw_slowdown') || r.includes('hw_thermal_slowdown') || r.includes('hw_power_brake_slowdown')) return null;
  return { health: 'degraded', reason: `${gpuLabel(gpu)}: clocks cut by hw_slowdown — check power draw and cooling` };
};

export const GPU_RULES: readonly GpuRule[] = [
  uncorrectableEcc,
  rowRemapFailure,
  rowRemapPending,
  retiredPagesPending,
  correctedEcc,
  thermalSlowdown,
  coreTemperature,
  memoryTemperature,
  powerBrake,
  hwSlowdown,
];
