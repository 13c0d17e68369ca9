/** Work at risk, Young's interval, and the failure rate and MTBF it is fed with. */
import { describe, expect, it } from 'vitest';
import { workAtRiskGpuHours } from '../../../shared/work-at-risk';
import { failureRatePerNodeHour, jobMtbfHours, youngIntervalSeconds } from '../../../electron/core/checkpoints/young-interval';

const H = 3_600_000;

describe('workAtRiskGpuHours', () => {
  it('is the GPUs times the hours since the last complete checkpoint', () => {
    expect(workAtRiskGpuHours({ gpus: 64, nowMs: 10 * H, lastCompleteAtMs: 8.5 * H })).toBe(96);
  });

  it('counts from the (re)start when the job started after that checkpoint, and from either when only one is known', () => {
    expect(workAtRiskGpuHours({ gpus: 8, nowMs: 10 * H, lastCompleteAtMs: 5 * H, jobStartedAtMs: 9 * H })).toBe(8);
    expect(workAtRiskGpuHours({ gpus: 8, nowMs: 10 * H, lastCompleteAtMs: null, jobStartedAtMs: 8 * H })).toBe(16);
    expect(workAtRiskGpuHours({ gpus: 8, nowMs: 10 * H, lastCompleteAtMs: null, jobStartedAtMs: null })).toBeNull();
  });

  it('never goes negative on a checkpoint stamped ahead of the clock', () => {
    expect(workAtRiskGpuHours({ gpus: 8, nowMs: 10 * H, lastCompleteAtMs: 11 * H })).toBe(0);
  });
});

describe("Young's interval", () => {
  it('is √(2 · save · MTBF)', () => {
    // A 5 min save on a job failing every 3 h (Llama 3's 16k-GPU rate): √(2 · 300 · 10800) s ≈ 42.4 min.
    expect(youngIntervalSeconds(300, 3 * 3600)).toBeCloseTo(2545.6, 1);
    expect(youngIntervalSeconds(0, 3600)).toBeNull();
    expect(youngIntervalSeconds(60, Infinity)).toBeNull();
    expect(youngIntervalSeconds(Number.NaN, 3600)).toBeNull();
  });

  it('derives the job MTBF from node failures per node-hour and the job’s node count', () => {
    // 419 interruptions over 54 days on 2,048 nodes (Llama 3): one job on all of them fails every ~3 h.
    const rate = failureRatePerNodeHour(419, 2048, 54 * 24)!;
    expect(rate).toBeCloseTo(419 / (2048 * 1296), 12);
    expect(jobMtbfHours(rate, 2048)).toBeCloseTo(3.09, 2);
    expect(jobMtbfHours(rate, 1)).toBeCloseTo(6334.7, 0);
  });

  it('has no MTBF without failures or without observation', () => {
    expect(failureRatePerNodeHour(0, 10, 100)).toBe(0);
    expect(jobMtbfHours(0, 4)).toBeNull();
    expect(failureRatePerNodeHour(3, 0, 100)).toBeNull();
    expect(failureRatePerNodeHour(3, 10, 0)).toBeNull();
    expect(jobMtbfHours(null, 4)).toBeNull();
  });
});
