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

  it('prefers the peak of the last minutes to the last second', () => {
    const inputs = capacityInputs({ services: () => [], loadBalancers: () => [lb('lb1', { backends: [{ backend: 'llama', rate: 3, ratePeak5m: 40 }] })] });
    expect(inputs.backendRate('lb1', 'llama')).toBe(40);
  });

  it("gives each server's admin state, the weight the operator set and whether HAProxy has it up, from a good poll only", () => {
    const row = (server: string, status: string, weight: number, userWeight?: number | null) => ({
      backend: 'llama', server, status, checkStatus: null, lastCheck: null, weight, userWeight, sessions: 0, downtimeSeconds: null, replica: server, disagreement: null,
    });
    const servers = [row('up', 'UP', 13, 100), row('drain', 'DRAIN', 100, 100), row('maint', 'MAINT (via b/s)', 1), row('down', 'DOWN 1/2', 1, 1), row('old', 'no check', 5, null)];
    const error = { code: 'HOST_UNREACHABLE' as const, message: 'refused' };
    const inputs = capacityInputs({ services: () => [], loadBalancers: () => [lb('lb1', { servers }), lb('lb2', { servers, lastError: error })] });
    // Slowstart: HAProxy serves it at 13 of the 100 the operator set; 100 is what an undo must restore.
    expect(inputs.lbServer('lb1', 'llama', 'up')).toEqual({ ready: true, weight: 100, up: true });
    expect(inputs.lbServer('lb1', 'llama', 'drain')).toEqual({ ready: false, weight: 100, up: true });
    expect(inputs.lbServer('lb1', 'llama', 'maint')).toEqual({ ready: false, weight: 1, up: true });
    expect(inputs.lbServer('lb1', 'llama', 'down')).toEqual({ ready: true, weight: 1, up: false });
    expect(inputs.lbServer('lb1', 'llama', 'old')).toEqual({ ready: true, weight: 5, up: true });
    expect(inputs.lbServer('lb1', 'batch', 'up')).toBeNull();
    expect(inputs.lbServer('lb2', 'llama', 'up')).toBeNull();
  });
});

