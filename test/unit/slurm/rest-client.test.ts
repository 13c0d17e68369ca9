/**
 * The client against a loopback server answering with the fixtures: detection, one poll, and
 * what happens around it (a token read per request, a plugin that disappears).
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { SlurmSnapshot } from '../../../shared/slurm';
import { SlurmRestClient } from '../../../electron/core/slurm/rest-client';
import { slurmFixtureText } from './fixtures';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

interface Seen {
  path: string;
  user?: string;
  token?: string;
}

/** Serves `routes` (path → fixture name) like slurmrestd: 401 without headers, 404 elsewhere. */
async function fakeRestd(routes: Record<string, string>): Promise<{ url: string; seen: Seen[]; routes: Record<string, string> }> {
  const seen: Seen[] = [];
  const srv = createServer((req, res) => {
    const user = req.headers['x-slurm-user-name'] as string | undefined;
    const token = req.headers['x-slurm-user-token'] as string | undefined;
    seen.push({ path: req.url ?? '', user, token });
    if (!user || !token) {
      res.writeHead(401).end('Authentication failure');
      return;
    }
    const fixture = routes[req.url ?? ''];
    if (!fixture) {
      res.writeHead(404).end('Not Found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(slurmFixtureText(fixture));
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(srv.address() as { port: number }).port}`, seen, routes };
}

const V38 = {
  '/openapi/v3': 'v0.0.38/openapi',
  '/slurm/v0.0.38/nodes': 'v0.0.38/nodes',
  '/slurm/v0.0.38/jobs': 'v0.0.38/jobs',
  '/slurm/v0.0.38/partitions': 'v0.0.38/partitions',
};

describe('SlurmRestClient', () => {
  it('detects v0.0.38 and reads one whole poll', async () => {
    const server = await fakeRestd(V38);
    const client = new SlurmRestClient({ url: server.url, user: 'ops', token: 'jwt', now: () => 1234 });
    const snap = await client.snapshot();
    expect(SlurmSnapshot.parse(snap)).toEqual(snap);
    expect(snap.api).toMatchObject({ version: 'v0.0.38', nodeUpdate: false, release: '22.05.8' });
    expect(snap.nodes.map((n) => `${n.name}:${n.stateText}`)).toEqual(['node1:mixed', 'node2:draining', 'node3:drained']);
    expect(snap.jobs).toHaveLength(3);
    expect(snap.partitions[0].nodes).toEqual(['node1', 'node2', 'node3']);
    expect(snap.polledAt).toBe(1234);
    expect(server.seen.every((s) => s.user === 'ops' && s.token === 'jwt')).toBe(true);
    // Detected once: the second poll asks only for the data.
    server.seen.length = 0;
    await client.snapshot();
    expect(server.seen.map((s) => s.path).sort()).toEqual(['/slurm/v0.0.38/jobs', '/slurm/v0.0.38/nodes', '/slurm/v0.0.38/partitions']);
  });

  it('reads the v0.0.41 shapes from a server offering them', async () => {
    const server = await fakeRestd({
      '/openapi/v3': 'v0.0.41/openapi',
      '/slurm/v0.0.41/nodes': 'v0.0.41/nodes',
      '/slurm/v0.0.41/jobs': 'v0.0.41/jobs',
      '/slurm/v0.0.41/partitions': 'v0.0.41/partitions',
    });
    const snap = await new SlurmRestClient({ url: server.url, user: 'ops', token: 'jwt' }).snapshot();
    expect(snap.api).toMatchObject({ version: 'v0.0.41', nodeUpdate: true, release: '24.05.1' });
    expect(snap.nodes.find((n) => n.name === 'gpu-002')).toMatchObject({ drain: 'draining', reason: 'XID 79 on GPU 3' });
    expect(snap.jobs.find((j) => j.id === '4123')?.nodes).toEqual(['gpu-001', 'gpu-002']);
  });

  it('reads the token anew for each request, and refuses an empty one without sending it', async () => {
    const server = await fakeRestd(V38);
    let n = 0;
    const client = new SlurmRestClient({ url: server.url, user: 'ops', token: () => `t${++n}` });
    await client.nodes();
    expect(server.seen.map((s) => s.token)).toEqual(['t1', 't2']);
    const empty = new SlurmRestClient({ url: server.url, user: 'ops', token: async () => '  ' });
    const err = await empty.nodes().catch((e: unknown) => e as FleetError);
    expect(err).toBeInstanceOf(FleetError);
    expect(err).toMatchObject({ code: 'UNAUTHORIZED', detail: { reason: 'no-token' } });
    const broken = new SlurmRestClient({ url: server.url, user: 'ops', token: () => Promise.reject(new Error('keychain locked')) });
    await expect(broken.nodes()).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/keychain locked/) });
  });

  it('forgets the plugin after a 404 and detects it again on the next read', async () => {
    const server = await fakeRestd(V38);
    const client = new SlurmRestClient({ url: server.url, user: 'ops', token: 'jwt' });
    await client.nodes();
    delete server.routes['/slurm/v0.0.38/nodes'];
    await expect(client.nodes()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    server.routes['/slurm/v0.0.38/nodes'] = 'v0.0.38/nodes';
    server.seen.length = 0;
    await client.nodes();
    expect(server.seen.map((s) => s.path)).toEqual(['/openapi/v3', '/slurm/v0.0.38/nodes']);
  });
});
