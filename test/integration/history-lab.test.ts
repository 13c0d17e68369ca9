/**
 * The history against a lab fleet, through the contract: a GPU's thermal slowdown shows in its
 * temperature and clock-event-reason history (the last hour from every probe, the day from
 * minutes), next to the GPUs that stayed cool; the pushed statuses carry the same readings the
 * renderer appends live; a bad query is refused with a clear error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetCore } from '../../electron/core/fleet/core';
import { THERMAL_FAULT_TEMPERATURE_C } from '../../electron/core/lab/gpu-reading';
import { startLab, type LabFleet } from '../../electron/core/lab/lab-fleet';
import { createDispatch } from '../../electron/core/rpc/dispatch';
import type { HistorySeries } from '../../shared/history';
import { clockReasonsMask } from '../../shared/history';
import type { NodeStatus } from '../../shared/status';
import { waitFor } from './helpers/free-port';
import { followNodePushes } from './helpers/node-pushes';
import { contractCall } from './helpers/contract-call';

let lab: LabFleet;
let core: FleetCore;
let node: string;
const pushed: NodeStatus[] = [];

let dir: string | undefined;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-history-lab-'));
  lab = await startLab({ dir: join(dir, 'lab'), nodes: 2, probeIntervalSeconds: 1, probeTimeoutSeconds: 2 });
  core = new FleetCore({ dataDir: join(dir, 'data'), inventoryPath: lab.inventoryPath, inventoryEnv: { homeDir: dir, defaultUser: 'ops' }, lab });
  followNodePushes(core).onStatus((s) => pushed.push(s));
  await core.start();
  node = core.monitor.statuses()[0]!.name;
}, 60_000);

afterAll(async () => {
  await core?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const call = <T>(method: string, params: unknown): Promise<T> => contractCall(createDispatch(core.handlers, { validateOutput: true }))<T>(method, params);
const gpuHistory = (gpu: number, range = '1h') =>
  call<HistorySeries>('history.series', { kind: 'gpu', subject: node, gpu, metrics: ['temperatureC', 'clockEventReasons', 'smClockMHz'], range });
const column = (s: HistorySeries, metric: string) => s.columns[metric] as Extract<HistorySeries['columns'][string], { type: 'numeric' | 'flags' }>;

describe('history of a lab fleet', () => {
  it("keeps a GPU's thermal slowdown in its temperature history, and not in its neighbours'", async () => {
    await waitFor(() => (core.monitor.status(node)?.gpus.length ?? 0) === 8, { what: 'first probe', timeoutMs: 15_000 });
    const before = await gpuHistory(2);
    expect(before.source).toBe('raw');
    expect(before.ts.length).toBeGreaterThan(0);
    const cool = column(before, 'temperatureC').values as number[];
    expect(Math.max(...cool)).toBeLessThan(87);

    const injectedAt = Date.now();
    await call('lab.injectFault', { node, kind: 'thermal-slowdown', gpuIndex: 2 });
    await waitFor(() => core.monitor.status(node)?.gpus[2]?.temperatureC === THERMAL_FAULT_TEMPERATURE_C, { what: 'hot GPU probed', timeoutMs: 15_000 });
    // A couple more probes of the hot GPU.
    await new Promise((r) => setTimeout(r, 2500));

    const hot = await gpuHistory(2);
    const temps = column(hot, 'temperatureC').values as number[];
    const reasons = column(hot, 'clockEventReasons').values as number[];
    const after = hot.ts.map((ts, i) => ({ ts, temp: temps[i]!, mask: reasons[i]! })).filter((p) => p.ts >= injectedAt);
    const hotPoints = after.filter((p) => p.temp === THERMAL_FAULT_TEMPERATURE_C);
    expect(hotPoints.length).toBeGreaterThanOrEqual(2);
    // The first readings before the fault were cool; the slowdown's reasons are on every hot reading.
    expect(temps[0]).toBeLessThan(87);
    for (const p of hotPoints) expect(p.mask & 0x60).toBe(0x60);

    // The day's view: this minute's rollup (from memory until it is written) has the peak and the throttling.
    const day = await gpuHistory(2, '24h');
    expect(day.source).toBe('1m');
    const dayTemps = day.columns.temperatureC as { max: number[] };
    expect(Math.max(...dayTemps.max)).toBe(THERMAL_FAULT_TEMPERATURE_C);
    expect((column(day, 'clockEventReasons') as { active: number[] }).active.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2);

    // GPU 0 of the same node stayed cool all along.
    const neighbour = await gpuHistory(0);
    expect(Math.max(...(column(neighbour, 'temperatureC').values as number[]))).toBeLessThan(87);
    await call('lab.clearFault', { node });
  });

  it('keeps what the pushes carry: a pushed status and the stored reading of the same probe agree', async () => {
    const n = await call<HistorySeries>('history.series', { kind: 'node', subject: node, metrics: ['latencyMs', 'outcome', 'health'], range: '1h' });
    const g = await gpuHistory(2);
    // The newest probe that was pushed already (pushes are batched every 200 ms).
    const status = [...pushed].reverse().find((s) => s.name === node && n.ts.includes(s.lastProbeAt!) && g.ts.includes(s.lastProbeAt!))!;
    expect(status).toBeDefined();
    const i = n.ts.indexOf(status.lastProbeAt!);
    expect((n.columns.latencyMs as { values: number[] }).values[i]).toBe(status.lastProbeLatencyMs);
    expect((n.columns.outcome as { values: string[] }).values[i]).toBe('ok');
    expect((n.columns.health as { values: string[] }).values[i]).toBe(status.health);
    const j = g.ts.indexOf(status.lastProbeAt!);
    const fromPush = status.gpus[2]!;
    expect((g.columns.temperatureC as { values: number[] }).values[j]).toBe(fromPush.temperatureC);
    expect((g.columns.smClockMHz as { values: number[] }).values[j]).toBe(fromPush.smClockMHz);
    expect((g.columns.clockEventReasons as { values: number[] }).values[j]).toBe(clockReasonsMask(fromPush.clockEventReasons));
  });

  it('refuses a bad query with a clear error', async () => {
    await expect(call('history.series', { kind: 'node', subject: 'no-such-node', metrics: ['health'], range: '1h' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/no node "no-such-node"/),
    });
    await expect(call('history.series', { kind: 'gpu', subject: node, gpu: 2, metrics: ['temperatureC'], range: '7d' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/range/),
    });
    await expect(call('history.series', { kind: 'gpu', subject: node, gpu: 8, metrics: ['temperatureC'], range: '1h' })).resolves.toMatchObject({ ts: [] });
    await expect(call('history.series', { kind: 'gpu', subject: 'no-such-node', gpu: 0, metrics: ['temperatureC'], range: '1h' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
