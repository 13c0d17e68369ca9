import { describe, expect, it } from 'vitest';
import { DAY_MS, MINUTE_MS, type RequestBucket } from '../../../electron/core/availability/request-bucket';
import { serviceAvailability } from '../../../electron/core/availability/service-availability';

const M = 28_333_333;
const NOW = M * MINUTE_MS + 30_000;
const b = (minute: number, ok: number, failed: number): RequestBucket => ({ minute, ok, failed, latencySumMs: 0, latencyMaxMs: 0 });

describe('serviceAvailability', () => {
  it('puts the hour, the day and the 30 days side by side', () => {
    // Last hour: 60 minutes × 100 requests, 12 failures all in one minute.
    const lastHour = Array.from({ length: 60 }, (_, i) => (i === 0 ? b(M - i, 88, 12) : b(M - i, 100, 0)));
    const buckets = [b(M - 10 * 24 * 60, 588_000, 0), b(M - 12 * 60, 6000, 0), ...lastHour];
    const view = serviceAvailability({ service: 'llama', target: 99.9, buckets, now: NOW });

    expect(view.successRatio.hour).toBeCloseTo(5988 / 6000, 12); // 0.998
    expect(view.successRatio.day).toBeCloseTo(11_988 / 12_000, 12); // 0.999
    expect(view.successRatio.window).toBeCloseTo(599_988 / 600_000, 12); // 0.99998
    expect(view.downtimeMinutes).toEqual({ hour: 0.12, day: 0.12, window: 0.12 });
    expect(view.budget).toMatchObject({ total: 600_000, failed: 12, allowedFailures: 600 });
    expect(view.budget.remainingRatio).toBeCloseTo(0.98, 12);
    expect(view.budget.remainingMinutes).toBeCloseTo(42.336, 9);
    expect(view.burnRate.hour).toBeCloseTo(2, 12);
    expect(view.burnRate.day).toBeCloseTo(1, 12);
    // 98% of a 30-day budget at twice the sustainable rate: 14.7 days.
    expect(view.timeToExhaustionMs).toBeCloseTo(14.7 * DAY_MS, 0);
  });

  it('shows unknowns, not perfection, for a service nobody has called', () => {
    const view = serviceAvailability({ service: 'llama', target: 99.9, buckets: [], now: NOW });
    expect(view.successRatio).toEqual({ hour: null, day: null, window: null });
    expect(view.downtimeMinutes).toEqual({ hour: 0, day: 0, window: 0 });
    expect(view.burnRate).toEqual({ hour: null, day: null });
    expect(view.budget.remainingRatio).toBeNull();
    expect(view.timeToExhaustionMs).toBeNull();
  });

  it('with traffic only days ago knows the budget but no current burn rate', () => {
    const view = serviceAvailability({ service: 'llama', target: 99.9, buckets: [b(M - 3 * 24 * 60, 995, 5)], now: NOW });
    expect(view.successRatio.hour).toBeNull();
    expect(view.successRatio.window).toBe(0.995);
    expect(view.budget.remainingRatio).toBeCloseTo(-4, 12);
    expect(view.burnRate.hour).toBeNull();
    expect(view.timeToExhaustionMs).toBe(0); // already spent
  });
});
