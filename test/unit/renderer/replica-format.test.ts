import { describe, expect, it } from 'vitest';
import {
  formatBreaker,
  formatClock,
  formatLatency,
  formatP50P95,
  formatProbe,
  formatProbeShort,
  formatReplicaLatency,
  formatRetryAfter,
  formatTokensPerDay,
} from '../../../renderer/src/model/replica-format';
import { probe, replica } from './builders';

/** Built from local-time parts, so the expected clock does not depend on the machine's time zone. */
const at = (h: number, m: number, s: number) => new Date(2024, 0, 2, h, m, s).getTime();

describe('formatClock', () => {
  it('writes local HH:MM:SS, zero-padded, 24-hour', () => {
    expect(formatClock(at(3, 4, 5))).toBe('03:04:05');
    expect(formatClock(at(23, 59, 58))).toBe('23:59:58');
  });
});

describe('formatRetryAfter', () => {
  it('gives the Retry-After seconds and the time before which no probe is sent', () => {
    expect(formatRetryAfter({ retryAfterSeconds: 30, throttledUntil: at(12, 0, 30) })).toBe('Retry-After 30 s · no probe until 12:00:30');
    expect(formatRetryAfter({ retryAfterSeconds: 30, throttledUntil: null })).toBe('Retry-After 30 s');
  });

  it('is null for a replica nothing holds back', () => {
    expect(formatRetryAfter({ retryAfterSeconds: null, throttledUntil: null })).toBeNull();
  });
});

describe('formatBreaker', () => {
  it('names the state, the failures and, unless closed, when it retries', () => {
    expect(formatBreaker({ state: 'closed', consecutiveFailures: 0, openedAt: null, retryAt: null })).toBe('closed');
    expect(formatBreaker({ state: 'closed', consecutiveFailures: 1, openedAt: null, retryAt: null })).toBe('closed · 1 failure');
    expect(formatBreaker({ state: 'open', consecutiveFailures: 5, openedAt: at(12, 0, 0), retryAt: at(12, 0, 40) })).toBe(
      'open · 5 failures · retry at 12:00:40',
    );
    expect(formatBreaker({ state: 'half-open', consecutiveFailures: 5, openedAt: at(12, 0, 0), retryAt: null })).toBe('half-open · 5 failures');
  });
});

describe('formatProbeShort', () => {
  it('keeps a list cell to the outcome: ok with latency, or the failure class with the HTTP status', () => {
    expect(formatProbeShort(probe('health', { latencyMs: 12.2 }))).toBe('ok · 12 ms');
    expect(formatProbeShort(probe('completion', { ok: false, failure: 'rate-limited', status: 429, detail: 'slow down' }))).toBe('rate-limited · 429');
    expect(formatProbeShort(probe('health', { ok: false, failure: 'refused', status: null }))).toBe('refused');
    expect(formatProbeShort(null)).toBe('not probed yet');
  });
});

describe('formatProbe', () => {
  it('puts the failure class first, then HTTP status, latency and detail', () => {
    expect(formatProbe(probe('completion', { ok: false, failure: 'rate-limited', status: 429, latencyMs: 35.4, detail: 'HTTP 429: slow down' }))).toBe(
      'rate-limited · HTTP 429 · 35 ms · HTTP 429: slow down',
    );
    expect(formatProbe(probe('health', { ok: false, failure: 'refused', status: null, latencyMs: 1, detail: 'connection refused' }))).toBe(
      'refused · 1 ms · connection refused',
    );
  });

  it('says ok for a passing probe and "not probed yet" before the first one', () => {
    expect(formatProbe(probe('health', { latencyMs: 12, status: 200 }))).toBe('ok · HTTP 200 · 12 ms');
    expect(formatProbe(null)).toBe('not probed yet');
  });
});

describe('latency and cost', () => {
  it('shows p50 and p95 per probe kind, dashes without samples, the health side only without a completion probe', () => {
    expect(formatLatency({ p50Ms: 3.2, p95Ms: 9.7, samples: 20 })).toBe('p50 3 ms · p95 10 ms');
    expect(formatLatency({ p50Ms: null, p95Ms: null, samples: 0 })).toBe('p50 – · p95 –');
    const { latency } = replica('r1');
    expect(formatReplicaLatency(latency, true)).toBe('p50/p95 health 3 / 9 ms · completion 410 / 900 ms');
    expect(formatReplicaLatency(latency, false)).toBe('p50/p95 health 3 / 9 ms');
    expect(formatP50P95({ p50Ms: 410.4, p95Ms: null, samples: 1 })).toBe('410 / – ms');
    expect(formatP50P95({ p50Ms: null, p95Ms: null, samples: 0 })).toBe('–');
  });

  it('estimates the completion probe cost in tokens per day', () => {
    expect(formatTokensPerDay(14_400)).toBe('≈ 14,400 tokens/day');
    expect(formatTokensPerDay(null)).toBe('no completion probe');
  });
});
