/** Steering a running lab from another process: the HTTP control server and its client. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetError, type FleetErrorData } from '../../shared/errors';
import { LabInfo } from '../../shared/status';
import { labControlClient, startLabControl, type LabControl } from '../../electron/core/lab/lab-control';
import { startLab, type LabFleet } from '../../electron/core/lab/lab-fleet';
import { startLabServices } from '../../electron/core/lab/lab-services';

let lab: LabFleet;
let control: LabControl;
let token: string;
const tempDirs: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
};

beforeAll(async () => {
  lab = await startLab({ dir: tempDir('fleetops-lab-ctl-'), nodes: 2 });
  control = await startLabControl(lab);
  token = JSON.parse(readFileSync(join(lab.dir, 'lab.json'), 'utf8')).token;
});

afterAll(async () => {
  await control?.close();
  await lab?.stop();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A parsed control-server answer: LabInfo on success, `{ error }` otherwise. */
type Answer = Partial<LabInfo> & { error: FleetErrorData };

async function call(method: string, path: string, opts: { token?: string | null; body?: string } = {}): Promise<{ status: number; json(): Promise<Answer> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const t = opts.token === undefined ? token : opts.token;
  if (t !== null) headers.authorization = `Bearer ${t}`;
  const res = await fetch(`${control.url}${path}`, { method, headers, body: opts.body });
  return { status: res.status, json: () => res.json() as Promise<Answer> };
}

async function fleetError(p: Promise<unknown>): Promise<FleetError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error('expected a FleetError');
}

describe('lab control server', () => {
  it('advertises itself in a 0600 lab.json with url, token and pid', () => {
    const file = join(lab.dir, 'lab.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url: control.url, token: expect.stringMatching(/^[0-9a-f]{64}$/), pid: process.pid });
  });

  it('answers 401 without the token or with a wrong one, on every route', async () => {
    for (const t of [null, 'nope', `${token}x`]) {
      for (const [method, path] of [['GET', '/status'], ['POST', '/faults'], ['DELETE', '/faults'], ['GET', '/elsewhere']]) {
        const res = await call(method, path, { token: t, body: method === 'GET' ? undefined : '{"node":"usw2-inf-01","kind":"gpu-lost"}' });
        expect(res.status, `${method} ${path} with ${t}`).toBe(401);
        expect((await res.json()).error.code).toBe('UNAUTHORIZED');
      }
    }
    expect(lab.info().faults).toEqual([]);
  });

  it('reports status, injects and clears faults with the token', async () => {
    const status = await call('GET', '/status');
    expect(status.status).toBe(200);
    expect(LabInfo.parse(await status.json())).toEqual(lab.info());
    const injected = await call('POST', '/faults', { body: JSON.stringify({ node: 'usw2-inf-01', kind: 'thermal-slowdown', gpuIndex: 3 }) });
    expect(injected.status).toBe(200);
    expect((await injected.json()).faults).toEqual([{ node: 'usw2-inf-01', kind: 'thermal-slowdown', gpuIndex: 3 }]);
    const cleared = await call('DELETE', '/faults', { body: JSON.stringify({ node: 'usw2-inf-01' }) });
    expect((await cleared.json()).faults).toEqual([]);
  });

  it.each([
    ['not JSON', 'POST', '{node:', 400, /request body is not JSON/],
    ['an unknown kind', 'POST', '{"node":"usw2-inf-01","kind":"gpu-melted"}', 400, /^invalid lab fault: kind: /],
    ['a negative GPU', 'POST', '{"node":"usw2-inf-01","kind":"gpu-lost","gpuIndex":-1}', 400, /^invalid lab fault: gpuIndex: /],
    ['a missing node', 'DELETE', '{"kind":"gpu-lost"}', 400, /^invalid fault clearing request: node: /],
    ['an unknown node', 'POST', '{"node":"nope-01","kind":"gpu-lost"}', 404, /the lab has no node named "nope-01"/],
    ['a GPU past the last', 'POST', '{"node":"usw2-inf-01","kind":"gpu-lost","gpuIndex":8}', 404, /has no GPU 8/],
    ['a GPU on a node fault', 'POST', '{"node":"usw2-inf-01","kind":"slow-ssh","gpuIndex":1}', 400, /applies to the whole node/],
    ['a huge body', 'POST', JSON.stringify({ node: 'x'.repeat(20_000), kind: 'gpu-lost' }), 413, /request body exceeds 16384 bytes/],
  ])('refuses %s with a clear message', async (_what, method, body, status, message) => {
    const res = await call(method, '/faults', { body });
    expect(res.status).toBe(status);
    expect((await res.json()).error.message).toMatch(message);
    expect(lab.info().faults).toEqual([]);
  });

  it('answers 405 for a wrong method and 404 for an unknown route', async () => {
    expect((await call('PUT', '/faults', { body: '{}' })).status).toBe(405);
    expect((await call('POST', '/status', { body: '{}' })).status).toBe(405);
    expect((await call('GET', '/nodes')).status).toBe(404);
  });
});

describe('lab control client', () => {
  it('drives the lab through lab.json', async () => {
    const client = labControlClient(lab.dir);
    expect((await client.inject({ node: 'use1-inf-01', kind: 'gpu-missing', gpuIndex: 5 })).faults).toHaveLength(1);
    expect((await client.status()).faults).toEqual([{ node: 'use1-inf-01', kind: 'gpu-missing', gpuIndex: 5 }]);
    expect((await client.clear('use1-inf-01', 'gpu-missing')).faults).toEqual([]);
    expect((await fleetError(client.clear('nope-01'))).code).toBe('NOT_FOUND');
  });

  it('reports LAB_NOT_RUNNING when there is no lab.json', async () => {
    const err = await fleetError(labControlClient(tempDir('fleetops-nolab-')).status());
    expect(err.code).toBe('LAB_NOT_RUNNING');
  });

  it('reports LAB_NOT_RUNNING when lab.json points at a port nobody listens on', async () => {
    const dir = tempDir('fleetops-stale-');
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    writeFileSync(join(dir, 'lab.json'), JSON.stringify({ url: `http://127.0.0.1:${port}`, token: 'stale', pid: 1 }));
    const err = await fleetError(labControlClient(dir).inject({ node: 'usw2-inf-01', kind: 'gpu-lost' }));
    expect(err.code).toBe('LAB_NOT_RUNNING');
    expect(err.message).toContain(`nothing listens at http://127.0.0.1:${port}`);
  });

  it('removes lab.json on close, after which the client says the lab is not running', async () => {
    const other = await startLab({ dir: tempDir('fleetops-lab-ctl2-'), nodes: 1 });
    const ctl = await startLabControl(other);
    expect((await labControlClient(other.dir).status()).nodes).toBe(1);
    await ctl.close();
    await other.stop();
    expect(() => statSync(join(other.dir, 'lab.json'))).toThrow(/ENOENT/);
    expect((await fleetError(labControlClient(other.dir).status())).code).toBe('LAB_NOT_RUNNING');
  });

  it('steers the replicas of a lab that runs them (drills from another process): a fault set and cleared, for real; bad bodies and unknown replicas refused, nothing changed', async () => {
    // The suite's lab runs no replicas: it says so.
    const none = await call('POST', '/replica-faults', { body: JSON.stringify({ replica: 'x', kind: 'http-500' }) });
    expect(none.status).toBe(404);
    expect((await none.json()).error.message).toMatch(/runs no replicas/);

    const other = await startLab({ dir: tempDir('fleetops-lab-ctl3-'), nodes: 6 });
    const services = await startLabServices({ dir: other.dir, inventoryPath: other.inventoryPath, maxReplicas: 1, haproxyPath: null });
    const ctl = await startLabControl(other, services);
    try {
      const client = labControlClient(other.dir);
      const [replica] = services.info().replicas;
      const health = () => fetch(`${replica!.url}/health`).then((r) => r.status);
      expect(await health()).toBe(200);
      const injected = await client.injectReplica({ replica: replica!.name, kind: 'http-500' });
      expect(injected.replicas[0]!.fault).toBe('http-500');
      expect(await health()).toBe(500);
      expect((await client.clearReplica(replica!.name)).replicas[0]!.fault).toBeNull();
      expect(await health()).toBe(200);

      const err = await fleetError(client.injectReplica({ replica: 'nosuch', kind: 'down' }));
      expect(err.code).toBe('NOT_FOUND');
      expect(err.message).toContain(replica!.name);
      const otherToken = JSON.parse(readFileSync(join(other.dir, 'lab.json'), 'utf8')).token as string;
      for (const body of [{ replica: replica!.name, kind: 'explode' }, { replica: replica!.name, kind: 'slow', slowMs: -1 }, { replica: replica!.name }]) {
        const res = await fetch(`${ctl.url}/replica-faults`, { method: 'POST', headers: { authorization: `Bearer ${otherToken}` }, body: JSON.stringify(body) });
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      const put = await fetch(`${ctl.url}/replica-faults`, { method: 'PUT', headers: { authorization: `Bearer ${otherToken}` } });
      expect(put.status).toBe(405);
      expect(services.info().replicas[0]!.fault).toBeNull();
      expect(await health()).toBe(200);
    } finally {
      await ctl.close();
      await services.stop();
      await other.stop();
    }
  });
});
