import { describe, expect, it } from 'vitest';
import { ReplicaHealth } from '../../../shared/services';
import {
  countReplicasByHealth,
  filterReplicas,
  REPLICA_HEALTH_ORDER,
  replicaHealthRank,
  sortReplicasWorstFirst,
} from '../../../renderer/src/model/replica-health';
import { replica } from './builders';

describe('replica health order', () => {
  it('lists throttled right after healthy for display, and covers every health once', () => {
    expect(REPLICA_HEALTH_ORDER).toEqual(['healthy', 'throttled', 'degraded', 'unhealthy', 'unreachable', 'unknown']);
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
    expect(counts).toEqual({ healthy: 1, throttled: 2, degraded: 1, unhealthy: 0, unreachable: 0, unknown: 0 });
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
