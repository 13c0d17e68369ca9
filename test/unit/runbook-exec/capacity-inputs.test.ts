import { describe, expect, it } from 'vitest';
import type { LoadBalancerStatus, ServiceAvailability } from '../../../shared/services';
import { capacityInputs } from '../../../electron/core/runbook-exec/capacity-inputs';

const window = { successRatio: null, requests: 0, failed: 0 };
function service(perReplica: { replica: string; single: number | null }[] | undefined): ServiceAvailability {
  return {
    service: 'llama', loadBalancer: 'lb1', target: 99.9, hour: window, day: window, month: window, downtimeMinutes30d: 0,
    budget: { allowedFailures: 0, failed: 0, remainingRatio: null, remainingMinutes: null },
    burnRate1h: null, burnRate24h: null, exhaustionHours: null,
    redundancy: [{ backend: 'llama', replicas: 3, single: 0.98, estimate: 0.999992, perReplica }],
  };
}
function lb(name: string, over: Partial<LoadBalancerStatus> = {}): LoadBalancerStatus {
  return { name, frontendUrl: 'http://x', health: 'healthy', reasons: [], lastPollAt: 1, lastError: null, servers: [], backends: [{ backend: 'llama', rate: 42 }], ...over };
}

describe('capacityInputs', () => {
  it("gives each replica's own 24 h measurement, null when it has none or is not behind an SLO", () => {
    const inputs = capacityInputs({ services: () => [service([{ replica: 'r1', single: 0.97 }, { replica: 'r2', single: null }])], loadBalancers: () => [] });
    expect(['r1', 'r2', 'r9'].map(inputs.replicaAvailability)).toEqual([0.97, null, null]);
    // An availability figure from a producer without per-replica numbers: nothing to weigh each server by.
    expect(capacityInputs({ services: () => [service(undefined)], loadBalancers: () => [] }).replicaAvailability('r1')).toBeNull();
  });

  it("gives a backend's rate from the last good poll of its load balancer only", () => {
    const error = { code: 'HOST_UNREACHABLE' as const, message: 'refused' };
    const inputs = capacityInputs({
      services: () => [],
      loadBalancers: () => [lb('lb1'), lb('lb2', { lastError: error }), lb('lb3', { backends: undefined }), lb('lb4', { backends: [{ backend: 'llama', rate: null }] })],
    });
    expect(inputs.backendRate('lb1', 'llama')).toBe(42);
    expect(inputs.backendRate('lb1', 'batch')).toBeNull();
    // A failed poll leaves the previous figures on the status: they are not "now".
    expect(inputs.backendRate('lb2', 'llama')).toBeNull();
    expect(inputs.backendRate('lb3', 'llama')).toBeNull();
    expect(inputs.backendRate('lb4', 'llama')).toBeNull();
    expect(inputs.backendRate('nope', 'llama')).toBeNull();
  });
});
