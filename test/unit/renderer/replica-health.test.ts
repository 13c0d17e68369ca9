import { describe, expect, it } from 'vitest';
import type { SpareView } from '../../../shared/capacity';
import { ReplicaHealth } from '../../../shared/services';
import {
  countReplicasByHealth,
  filterReplicas,
  isReplicaProblem,
  REPLICA_HEALTH_ORDER,
  replicaHealthLabel,
  replicaHealthRank,
  sortReplicasWorstFirst,
  spareTag,
} from '../../../renderer/src/model/replica-health';
import { replica } from './builders';

describe('replica health order', () => {
  it('lists throttled right after healthy for display, spares standing by last, and covers every health once', () => {
    expect(REPLICA_HEALTH_ORDER).toEqual(['healthy', 'throttled', 'degraded', 'unhealthy', 'unreachable', 'unknown', 'standby']);
    expect([...REPLICA_HEALTH_ORDER].sort()).toEqual([...ReplicaHealth.options].sort());
  });

  it('ranks throttled worse than healthy and unknown but better than degraded', () => {
    expect(replicaHealthRank('throttled')).toBeGreaterThan(replicaHealthRank('healthy'));
    expect(replicaHealthRank('throttled')).toBeGreaterThan(replicaHealthRank('unknown'));
    expect(replicaHealthRank('throttled')).toBeLessThan(replicaHealthRank('degraded'));
  });

  it('sorts worst first, then by name, without touching the input', () => {
    const input = [
      replica('b-healthy'),
      replica('throttled', { health: 'throttled' }),
      replica('a-healthy'),
      replica('gone', { health: 'unreachable' }),
      replica('unsure', { health: 'unknown' }),
      replica('slow', { health: 'degraded' }),
      replica('broken', { health: 'unhealthy' }),
    ];
    const copy = [...input];
    expect(sortReplicasWorstFirst(input).map((r) => r.name)).toEqual(['gone', 'broken', 'slow', 'throttled', 'unsure', 'a-healthy', 'b-healthy']);
    expect(input).toEqual(copy);
  });
});

describe('countReplicasByHealth', () => {
  it('counts throttled separately from healthy and degraded, with zero for absent healths', () => {
    const counts = countReplicasByHealth([replica('a'), replica('b', { health: 'throttled' }), replica('c', { health: 'throttled' }), replica('d', { health: 'degraded' })]);
    expect(counts).toEqual({ healthy: 1, throttled: 2, degraded: 1, unhealthy: 0, unreachable: 0, unknown: 0, standby: 0 });
  });
});

describe('filterReplicas', () => {
  const list = [replica('llama-1', { node: 'gpu-01' }), replica('llama-2', { node: 'gpu-02', health: 'throttled' }), replica('azure-1', { node: null, model: 'gpt-4o' })];

  it('returns the same array when nothing filters, so the memoized list is reused', () => {
    expect(filterReplicas(list, { text: '  ', problemsOnly: false })).toBe(list);
  });

  it('matches name, node or model case-insensitively, and hides healthy replicas for problems only', () => {
    expect(filterReplicas(list, { text: 'GPU-02', problemsOnly: false }).map((r) => r.name)).toEqual(['llama-2']);
    expect(filterReplicas(list, { text: 'gpt', problemsOnly: false }).map((r) => r.name)).toEqual(['azure-1']);
    expect(filterReplicas(list, { text: 'llama', problemsOnly: true }).map((r) => r.name)).toEqual(['llama-2']);
  });
});

describe('spares standing by (issue 13: never a problem in itself)', () => {
  const spare = (readiness: SpareView['readiness'], over: Partial<SpareView> = {}): SpareView => ({
    mode: readiness === 'cold' ? 'cold' : 'warm',
    readiness,
    reason: readiness === 'warm-unverified' ? 'health probe failed: HTTP 503' : null,
    startupSeconds: 40,
    unit: 'vllm',
    unitState: readiness === 'cold' ? 'inactive' : 'active',
    inRotation: false,
    replaces: [],
    ...over,
  });
  const cold = replica('spare-cold', { health: 'standby', spare: spare('cold') });
  const unverified = replica('spare-unverified', { health: 'standby', spare: spare('warm-unverified') });
  const warm = replica('spare-warm', { spare: spare('warm') });

  it('is no problem, counted apart from unhealthy and unreachable, and hidden by "problems only"', () => {
    expect(isReplicaProblem(cold)).toBe(false);
    expect(isReplicaProblem(unverified)).toBe(false);
    const counts = countReplicasByHealth([cold, unverified, warm, replica('down', { health: 'unreachable' })]);
    expect(counts).toMatchObject({ standby: 2, healthy: 1, unreachable: 1, unhealthy: 0 });
    expect(filterReplicas([cold, unverified, warm, replica('down', { health: 'unreachable' })], { text: '', problemsOnly: true }).map((r) => r.name)).toEqual(['down']);
  });

  it('sorts with the healthy, after every replica that needs a look', () => {
    expect(replicaHealthRank('standby')).toBe(replicaHealthRank('healthy'));
    expect(sortReplicasWorstFirst([cold, replica('unsure', { health: 'unknown' }), replica('a-ok')]).map((r) => r.name)).toEqual(['unsure', 'a-ok', 'spare-cold']);
  });

  it('reads "spare (cold)" or "warm (unverified)" with why in the tooltip, never "standby"', () => {
    expect(replicaHealthLabel(cold).text).toBe('spare (cold)');
    expect(replicaHealthLabel(unverified)).toEqual({ text: 'warm (unverified)', title: 'a warm spare failing its checks, counted as cold: health probe failed: HTTP 503' });
    expect(replicaHealthLabel(replica('x', { health: 'standby', spare: null, reasons: ['unit vllm inactive'] })).title).toMatch(/unit vllm inactive/);
    expect(replicaHealthLabel(replica('y', { health: 'degraded', reasons: ['slow', 'slower'] }))).toEqual({ text: 'degraded', title: 'slow\nslower' });
  });

  it('tags a warm spare its probes prove ready, and one in rotation; not an active replica nor a standby one', () => {
    expect(spareTag(warm)?.text).toBe('spare (warm)');
    expect(spareTag(replica('z', { spare: spare('warm', { inRotation: true }) }))?.text).toBe('spare (in rotation)');
    expect(spareTag(replica('active'))).toBeNull();
    expect(spareTag(cold)).toBeNull();
    expect(spareTag(unverified)).toBeNull();
  });
});
