import { QueryClient } from '@tanstack/query-core';
import { describe, expect, it } from 'vitest';
import type { FleetSnapshot } from '../../../shared/contract';
import type { RunView } from '../../../shared/runbook';
import { addRunIfAbsent, applyReadOnly, mergeRun, mergeRunIntoList } from '../../../renderer/src/api/cache-updates';
import { applyPushEvent } from '../../../renderer/src/api/push-sync';
import { fleetQueries } from '../../../renderer/src/api/queries/fleet';
import { runQueries } from '../../../renderer/src/api/queries/runbooks';
import { snapshot } from './builders';
import { runView, stepView } from './run-builders';

describe('mergeRunIntoList', () => {
  it('replaces the run with the pushed id in place and keeps the others by identity', () => {
    const list = [runView('a'), runView('b'), runView('c')];
    const updated = runView('b', { status: 'succeeded', steps: [stepView(0, { status: 'succeeded', output: 'ok' })] });
    const merged = mergeRunIntoList(list, updated);
    expect(merged.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(merged[1]).toBe(updated);
    expect(merged[0]).toBe(list[0]);
    expect(merged[2]).toBe(list[2]);
    expect(list[1].status).toBe('running');
  });

  it('appends a run the list did not have', () => {
    expect(mergeRunIntoList([runView('a')], runView('z')).map((r) => r.id)).toEqual(['a', 'z']);
  });
});

describe('mergeRun / applyReadOnly', () => {
  it('fold a run and the read-only setting into the snapshot without touching the rest', () => {
    const before = snapshot();
    const after = mergeRun(before, runView('a'));
    expect(after.runs.map((r) => r.id)).toEqual(['a']);
    expect(after.nodes).toBe(before.nodes);
    expect(before.runs).toEqual([]);
    expect(applyReadOnly(before, { global: true, clusters: ['train-a'] }).readOnly).toEqual({ global: true, clusters: ['train-a'] });
  });
});

describe('addRunIfAbsent', () => {
  it('adds an unknown run but never lets a late reply overwrite a newer pushed state', () => {
    const pushed = runView('a', { status: 'succeeded' });
    const list = [pushed];
    expect(addRunIfAbsent(list, runView('a', { status: 'running' }))).toBe(list);
    expect(addRunIfAbsent(list, runView('b')).map((r) => r.id)).toEqual(['a', 'b']);
  });
});

describe('run.updated push', () => {
  it('merges into the snapshot and into the runs list', () => {
    const client = new QueryClient();
    const snapshotKey = fleetQueries.snapshot().queryKey;
    const listKey = runQueries.list().queryKey;
    client.setQueryData(snapshotKey, snapshot({ runs: [runView('a')] }));
    client.setQueryData(listKey, [runView('old', { status: 'succeeded' }), runView('a')]);
    const step = stepView(0, { status: 'failed', output: 'HAProxy: No such server.', error: 'LB_COMMAND_REJECTED' });
    applyPushEvent(client, { event: 'run.updated', payload: runView('a', { status: 'rolling-back', reason: 'failed', steps: [step] }) });
    expect(client.getQueryData<FleetSnapshot>(snapshotKey)?.runs.map((r) => [r.id, r.status])).toEqual([['a', 'rolling-back']]);
    const list = client.getQueryData<RunView[]>(listKey);
    expect(list?.map((r) => [r.id, r.status])).toEqual([
      ['old', 'succeeded'],
      ['a', 'rolling-back'],
    ]);
    expect(list?.[1].steps[0].output).toBe('HAProxy: No such server.');
  });

  it('leaves an unloaded runs list unloaded (its fetch brings the run)', () => {
    const client = new QueryClient();
    client.setQueryData(fleetQueries.snapshot().queryKey, snapshot());
    applyPushEvent(client, { event: 'run.updated', payload: runView('a') });
    expect(client.getQueryData(runQueries.list().queryKey)).toBeUndefined();
    expect(client.getQueryData<FleetSnapshot>(fleetQueries.snapshot().queryKey)?.runs).toHaveLength(1);
  });
});
