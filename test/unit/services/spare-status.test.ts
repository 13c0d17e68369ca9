import { describe, expect, it } from 'vitest';
import type { ResolvedSpare } from '../../../electron/core/inventory/resolve-services';
import { parseUnitState, withSpare } from '../../../electron/core/services/spare-status';
import type { ReplicaStatus } from '../../../shared/services';

const probe = (ok: boolean) => ({ kind: 'health' as const, at: 1, ok, latencyMs: 3, failure: ok ? null : ('http-5xx' as const), status: ok ? 200 : 503, detail: ok ? 'HTTP 200' : 'HTTP 503' });
function status(health: ReplicaStatus['health'], probed = true): ReplicaStatus {
  return {
    name: 'spare', node: 'n4', region: 'west', url: 'http://x', model: 'm', api: 'openai', secretRef: null, health,
    reasons: health === 'healthy' || health === 'unknown' ? [] : ['health probe: HTTP 503: model failed to load'], since: 1,
    latency: { health: { p50Ms: null, p95Ms: null, samples: 0 }, completion: { p50Ms: null, p95Ms: null, samples: 0 } },
    lastHealth: probed ? probe(health === 'healthy') : null, lastCompletion: null, retryAfterSeconds: null, throttledUntil: null,
    breaker: { state: 'closed', consecutiveFailures: 0, openedAt: null, retryAt: null }, tokensPerDay: null,
  };
}
const warm: ResolvedSpare = { mode: 'warm', startupSeconds: 40, unit: 'vllm', replaces: [] };
const cold: ResolvedSpare = { mode: 'cold', startupSeconds: 90, unit: 'vllm', replaces: ['llama'] };
const held = { inRotation: false, unitState: null, unitError: null };

describe('a spare is never a problem in itself', () => {
  it('a warm spare whose probes pass (sent to it directly) is healthy and warm', () => {
    const s = withSpare(status('healthy'), warm, held);
    expect(s.health).toBe('healthy');
    expect(s.spare).toMatchObject({ mode: 'warm', readiness: 'warm', reason: null, inRotation: false, startupSeconds: 40 });
  });

  it('a warm spare failing its probes stands by as "warm (unverified)" with the reason, not unreachable', () => {
    const s = withSpare(status('unreachable'), warm, held);
    expect(s.health).toBe('standby');
    expect(s.reasons).toEqual(['warm (unverified): health probe: HTTP 503: model failed to load']);
    expect(s.spare).toMatchObject({ readiness: 'warm-unverified', reason: 'health probe: HTTP 503: model failed to load' });
    expect(withSpare(status('unknown', false), warm, held).spare?.reason).toBe('not probed yet');
  });

  it('a cold spare says what its unit is, or why it could not be asked', () => {
    expect(withSpare(status('unknown', false), cold, { ...held, unitState: 'inactive' })).toMatchObject({ health: 'standby', reasons: ['spare (cold): vllm inactive'], spare: { readiness: 'cold', unitState: 'inactive', replaces: ['llama'] } });
    expect(withSpare(status('unknown', false), cold, { ...held, unitState: 'failed' }).reasons[0]).toBe('spare (cold): vllm failed (systemctl is-active): it will not start cleanly as it is');
    expect(withSpare(status('unknown', false), cold, { ...held, unitState: 'unknown', unitError: 'ssh: connect ECONNREFUSED' }).reasons[0]).toBe('spare (cold): vllm not checked: ssh: connect ECONNREFUSED');
  });

  it('a cold spare found running is judged by its probes: ready means warm', () => {
    expect(withSpare(status('healthy'), cold, { ...held, unitState: 'active' }).spare?.readiness).toBe('warm');
    const loading = withSpare(status('unreachable'), cold, { ...held, unitState: 'active' });
    expect(loading).toMatchObject({ health: 'standby', spare: { readiness: 'cold' } });
    expect(loading.reasons[0]).toBe('spare (cold): vllm is running but not ready: health probe: HTTP 503: model failed to load');
  });

  it('in rotation a spare serves: its failures are real ones', () => {
    expect(withSpare(status('unreachable'), warm, { ...held, inRotation: true })).toMatchObject({ health: 'unreachable', spare: { inRotation: true, readiness: 'warm-unverified' } });
    expect(withSpare(status('healthy'), cold, { ...held, inRotation: true })).toMatchObject({ health: 'healthy', spare: { inRotation: true } });
  });

  it("reads systemctl is-active's word", () => {
    expect(parseUnitState('active\n')).toBe('active');
    expect(parseUnitState('inactive\n')).toBe('inactive');
    expect(parseUnitState('failed')).toBe('failed');
    expect(parseUnitState('')).toBe('unknown');
    expect(parseUnitState('Failed to connect to bus: No such file or directory')).toBe('unknown');
  });
});
