/**
 * The history of the inference side against the lab (real replicas behind a real HAProxy): each
 * replica probe's health, latency and outcome class, and each HAProxy server's status and
 * sessions, are kept where the monitors produce them; a replica taken down shows as refused
 * health probes and a DOWN server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetCore } from '../../electron/core/fleet/core';
import { startLab, type LabFleet } from '../../electron/core/lab/lab-fleet';
import { LAB_LB, LAB_SERVICE, startLabServices, type LabServices } from '../../electron/core/lab/lab-services';
import { createDispatch } from '../../electron/core/rpc/dispatch';
import type { HistorySeries } from '../../shared/history';
import { waitFor } from './helpers/free-port';
import { contractCall } from './helpers/contract-call';

let lab: LabFleet;
let services: LabServices;
let core: FleetCore;
let victim: string;

let dir: string | undefined;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-history-services-'));
  lab = await startLab({ dir: join(dir, 'lab'), nodes: 4, probeIntervalSeconds: 5 });
  services = await startLabServices({ dir: join(dir, 'lab'), inventoryPath: lab.inventoryPath, maxReplicas: 2, healthIntervalSeconds: 1, promptIntervalSeconds: 5 });
  core = new FleetCore({ dataDir: join(dir, 'data'), inventoryPath: lab.inventoryPath, inventoryEnv: { homeDir: dir, defaultUser: 'ops' }, lab, labServices: services });
  await core.start();
  victim = services.info().replicas[0]!.name;
}, 60_000);

afterAll(async () => {
  await core?.stop();
  await services?.stop();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const call = <T>(method: string, params: unknown): Promise<T> => contractCall(createDispatch(core.handlers, { validateOutput: true }))<T>(method, params);
const categorical = (s: HistorySeries, metric: string) => s.columns[metric] as { values: (string | null)[]; counts: Record<string, number[]> };
const total = (counts: Record<string, number[]>, cls: string) => (counts[cls] ?? []).reduce((a, b) => a + b, 0);

describe('history of replicas and load balancer servers', () => {
  it('keeps health and completion probes, and HAProxy server status and sessions', async () => {
    expect(services.info().loadBalancer.available).toBe(true);
    await waitFor(() => core.services.replicas.status(victim)?.lastCompletion?.ok && core.services.loadBalancers.status(LAB_LB)?.servers.length, { what: 'first probes and poll', timeoutMs: 20_000 });
    const r = await call<HistorySeries>('history.series', { kind: 'replica', subject: victim, metrics: ['health', 'healthLatencyMs', 'completionLatencyMs', 'healthOutcome'], range: '1h' });
    expect(r.ts.length).toBeGreaterThan(1);
    expect((r.columns.healthLatencyMs as { values: (number | null)[] }).values.some((v) => v !== null && v > 0)).toBe(true);
    expect((r.columns.completionLatencyMs as { values: (number | null)[] }).values.some((v) => v !== null && v > 0)).toBe(true);
    // p50/p95 of both latencies at each resolution: the hour in 30 s intervals of raw readings, the day from minutes, the month from half hours.
    for (const range of ['1h', '24h', '30d'] as const) {
      const q = await call<HistorySeries>('history.series', { kind: 'replica', subject: victim, metrics: ['healthLatencyMs', 'completionLatencyMs'], range, ...(range === '1h' ? { stepMs: 30_000 } : {}) });
      for (const metric of ['healthLatencyMs', 'completionLatencyMs']) {
        const c = q.columns[metric] as { values: (number | null)[]; p50: (number | null)[]; p95: (number | null)[] };
        const held = c.values.flatMap((v, i) => (v === null ? [] : [i]));
        expect(held.length, `${range} ${metric}`).toBeGreaterThan(0);
        for (const i of held) {
          expect(c.p50[i], `${range} ${metric} p50`).toBeGreaterThan(0);
          expect(c.p95[i]!).toBeGreaterThanOrEqual(c.p50[i]!);
        }
      }
    }
    const server = await call<HistorySeries>('history.series', { kind: 'lbServer', subject: `${LAB_LB}/${LAB_SERVICE}/${victim}`, metrics: ['status', 'sessions'], range: '24h' });
    expect(server.source).toBe('1m');
    expect(total(categorical(server, 'status').counts, 'UP')).toBeGreaterThan(0);
    expect(server.columns.sessions).toMatchObject({ type: 'numeric', unit: 'sessions' });
  });

  it('shows a replica taken down as refused health probes and a DOWN server', async () => {
    await call('lab.replicaFault', { replica: victim, kind: 'down' });
    await waitFor(() => core.services.loadBalancers.status(LAB_LB)?.servers.find((s) => s.server === victim)?.status === 'DOWN', { what: 'DOWN', timeoutMs: 20_000 });
    const r = await call<HistorySeries>('history.series', { kind: 'replica', subject: victim, metrics: ['healthOutcome', 'health'], range: '1h' });
    expect(total(categorical(r, 'healthOutcome').counts, 'refused')).toBeGreaterThan(0);
    expect(categorical(r, 'health').values.at(-1)).toBe('unreachable');
    const server = await call<HistorySeries>('history.series', { kind: 'lbServer', subject: `${LAB_LB}/${LAB_SERVICE}/${victim}`, metrics: ['status'], range: '1h' });
    expect(categorical(server, 'status').values.at(-1)).toBe('DOWN');
    await call('lab.replicaFault', { replica: victim, kind: null });
  });
});
