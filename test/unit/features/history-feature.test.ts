/**
 * The history feature: migration 7, and `history.series` on a real history store, telling "no
 * readings yet" (an empty series) from "no such subject" (NOT_FOUND) by what the fleet has now.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryQuery } from '../../../shared/history';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';
import { HISTORY, historyFeature, inFleet, type HistorySubjects } from '../../../electron/core/history/history-feature';
import { HISTORY_MIGRATION } from '../../../electron/core/history/history-migration';
import { openHistory, type HistoryStore } from '../../../electron/core/history/history-store';
import { openStore } from '../../../electron/core/store/open-store';

/** A fleet of one 8-GPU node, one replica and one load balancer server. */
const subjects: HistorySubjects = {
  gpuCount: (node) => (node === 'gpu-a' ? 8 : undefined),
  hasReplica: (name) => name === 'llama-1',
  loadBalancers: () => [{ name: 'edge', backends: [{ name: 'llama', servers: ['llama-1'] }] }],
};

const query = (q: Partial<HistoryQuery> & Pick<HistoryQuery, 'kind' | 'subject'>): HistoryQuery =>
  ({ range: '1h', metrics: { gpu: ['temperatureC'], node: ['health'], replica: ['health'], lbServer: ['status'] }[q.kind], ...q }) as HistoryQuery;

let dir: string;
let history: HistoryStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-history-feature-'));
  const store = openStore(dir, { migrations: fleetMigrations() });
  store.close();
  history = openHistory(store.path);
});
afterEach(() => {
  history.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('history feature', () => {
  it('brings migration 7', () => {
    expect(HISTORY.migrations).toEqual([HISTORY_MIGRATION]);
    expect(HISTORY_MIGRATION).toMatchObject({ version: 7, name: 'history' });
  });

  it('knows the subjects the fleet has now, of each kind', () => {
    expect(inFleet(subjects, query({ kind: 'gpu', subject: 'gpu-a', gpu: 7 }))).toBe(true);
    expect(inFleet(subjects, query({ kind: 'gpu', subject: 'gpu-a', gpu: 8 }))).toBe(false);
    expect(inFleet(subjects, query({ kind: 'node', subject: 'gpu-a' }))).toBe(true);
    expect(inFleet(subjects, query({ kind: 'node', subject: 'gpu-z' }))).toBe(false);
    expect(inFleet(subjects, query({ kind: 'replica', subject: 'llama-1' }))).toBe(true);
    expect(inFleet(subjects, query({ kind: 'replica', subject: 'llama-2' }))).toBe(false);
    expect(inFleet(subjects, query({ kind: 'lbServer', subject: 'edge/llama/llama-1' }))).toBe(true);
    expect(inFleet(subjects, query({ kind: 'lbServer', subject: 'edge/llama/llama-2' }))).toBe(false);
  });

  it('answers an empty series for a subject with no readings yet, NOT_FOUND for one the fleet does not have', async () => {
    const series = historyFeature({ history, subjects }).handlers!['history.series'];
    await expect(series(query({ kind: 'replica', subject: 'llama-1' }))).resolves.toMatchObject({ subject: 'llama-1' });
    await expect(series(query({ kind: 'replica', subject: 'llama-2' }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers NOT_FOUND when the console keeps no history', async () => {
    const series = historyFeature({ history: null, subjects }).handlers!['history.series'];
    await expect(series(query({ kind: 'replica', subject: 'llama-1' }))).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'this console keeps no history (it was started with the history off)' });
  });
});
