/**
 * Replica secrets end to end in `fleetops serve`: lab replicas that want an API key, an inventory
 * naming the key by `auth.secretRef` only, and the console's WebSocket. A replica whose secret is
 * nowhere is unhealthy with the auth reason and gets no request at all; `secrets.set` over the
 * WebSocket makes it healthy, its requests now carry the key, and no frame carries it back. A
 * second replica's secret comes from FLEETOPS_SECRET_<REF>, the store's fallback in serve.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerFrame } from '../../shared/contract';
import { socketProtocols } from '../../shared/socket-auth';
import type { ReplicaStatus } from '../../shared/services';
import { startServe, type ServeHandle } from '../../electron/cli/serve-command';
import { secretEnvName } from '../../electron/cli/runtime-env';
import { startLabReplica, type LabReplica } from '../../electron/core/lab/lab-replica';
import { waitFor } from './helpers/free-port';

const KEY = 'k-123';
const ENV_KEY = 'k-env-456';
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const envName = secretEnvName('env-key');

let dir: string;
let labA: LabReplica;
let labB: LabReplica;
let serve: ServeHandle;
let ws: WebSocket;
const frames: string[] = [];
const output: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetops-secrets-lab-'));
  labA = await startLabReplica({ name: 'lab-a', model: MODEL, apiKey: KEY });
  labB = await startLabReplica({ name: 'lab-b', model: MODEL, apiKey: ENV_KEY });
  // Probes an hour apart: only the test's own probeNow and the re-probe of secrets.set run.
  const replica = (name: string, url: string, ref: string) => `  - name: ${name}
    url: ${url}
    model: ${MODEL}
    auth: { header: Authorization, secretRef: ${ref} }
    health: { path: /health, intervalSeconds: 3600 }
    prompt: { text: Respond with OK, expect: OK, maxTokens: 2, intervalSeconds: 3600 }
`;
  const inventory = join(dir, 'fleet.yaml');
  await writeFile(
    inventory,
    `version: 1
regions:
  - name: lab
    clusters:
      - { name: c1, role: inference, nodes: [] }
replicas:
${replica('lab-a', labA.url, 'lab-key')}${replica('lab-b', labB.url, 'env-key')}`,
  );
  const rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>fleetops</title>');
  process.env[envName] = ENV_KEY;
  const io = { out: (t: string) => void output.push(t), err: (t: string) => void output.push(t) };
  serve = await startServe(['--inventory', inventory, '--data-dir', join(dir, 'data'), '--renderer-dir', rendererDir, '--port', '0'], io);
  ws = new WebSocket(`ws://127.0.0.1:${serve.server.port}/ws`, socketProtocols(serve.server.token), {
    headers: { Origin: `http://127.0.0.1:${serve.server.port}` },
  });
  ws.on('message', (d) => frames.push(d.toString()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}, 30_000);

afterAll(async () => {
  delete process.env[envName];
  ws?.close();
  await serve?.stop();
  await labA?.stop();
  await labB?.stop();
  await rm(dir, { recursive: true, force: true });
});

let nextId = 1;
async function call(method: string, params: unknown): Promise<ServerFrame & { type: 'reply' }> {
  const id = nextId++;
  const before = frames.length;
  ws.send(JSON.stringify({ id, method, params }));
  const frame = await waitFor(
    () => frames.slice(before).map((f) => JSON.parse(f) as ServerFrame).find((f): f is ServerFrame & { type: 'reply' } => f.type === 'reply' && f.id === id),
    { what: `the reply to ${method}` },
  );
  return frame;
}
const status = (name: string) => serve.core.services.replicas.status(name) as ReplicaStatus;
const completions = (lab: LabReplica) => lab.requests().filter((r) => r.path === '/v1/chat/completions');

describe('replica secrets in serve', () => {
  it('without its secret a replica is unhealthy with the auth reason, and no request reaches it', async () => {
    await serve.core.services.replicas.probeNow('lab-a');
    expect(status('lab-a')).toMatchObject({
      health: 'unhealthy',
      secretRef: 'lab-key',
      lastHealth: { failure: 'auth' },
      lastCompletion: { failure: 'auth' },
    });
    expect(status('lab-a').reasons).toContain('health: secret "lab-key" is not in the secret store: store it there under that name');
    expect(labA.requests()).toEqual([]);
  });

  it('a secret from FLEETOPS_SECRET_<REF> is used as it is', async () => {
    await serve.core.services.replicas.probeNow('lab-b');
    expect(status('lab-b')).toMatchObject({ health: 'healthy', reasons: [] });
    expect(completions(labB).at(-1)?.headers.authorization).toBe(`Bearer ${ENV_KEY}`);
  });

  it('secrets.set over the WebSocket stores it in memory only and re-probes the replica, which turns healthy', async () => {
    const reply = await call('secrets.set', { ref: 'lab-key', value: KEY });
    expect(reply).toEqual({ type: 'reply', id: reply.id, ok: true, result: { stored: true, persisted: false, replicas: ['lab-a'] } });
    await waitFor(() => status('lab-a').health === 'healthy', { what: 'lab-a healthy', timeoutMs: 10_000 });
    expect(status('lab-a')).toMatchObject({ lastHealth: { ok: true }, lastCompletion: { ok: true, detail: 'answered "OK"' } });
    expect(completions(labA).at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
    // The replica's recovery reached the browser as a push.
    await waitFor(() => frames.some((f) => f.includes('"replicas.updated"') && f.includes('"lab-a"') && f.includes('"healthy"')), { what: 'the healthy push' });
  });

  it('the event names the ref only; no frame, event or line of output carries a key', async () => {
    const listed = await call('events.list', {});
    const events = listed.ok ? (listed.result as Array<{ kind: string; message: string }>) : [];
    expect(events.filter((e) => e.kind === 'secret.set').map((e) => e.message)).toEqual([
      'operator set secret "lab-key", kept in memory until fleetops stops; re-probing lab-a',
    ]);
    expect(events.some((e) => e.kind === 'replica.health' && e.message.startsWith('lab-a: unhealthy → healthy'))).toBe(true);
    for (const [what, text] of [
      ['WebSocket frames', frames.join('\n')],
      ['events', JSON.stringify(events)],
      ['serve output', output.join('\n')],
    ]) {
      expect(text.includes(KEY), `${what} contain the key`).toBe(false);
      expect(text.includes(ENV_KEY), `${what} contain the env key`).toBe(false);
    }
  });
});
