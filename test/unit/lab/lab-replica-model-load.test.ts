/**
 * The lab replica's `model-load-failed` fault against its real HTTP server on loopback: the
 * server is up (the port accepts, the unit stays active) but says its model did not load — 503
 * with an OpenAI-style JSON error on /health and on completions, and no model in /v1/models — and
 * clearing it serves again. This is what breaks a warm spare while HAProxy holds it in maintenance.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LabReplicaFaultKind } from '../../../shared/services';
import { LAB_REPLICA_FAULTS, startLabReplica, type LabReplica } from '../../../electron/core/lab/lab-replica';

const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
let started: LabReplica[] = [];
afterEach(async () => {
  const all = started;
  started = [];
  await Promise.allSettled(all.map((r) => r.stop()));
});

async function replica(apiKey?: string): Promise<LabReplica> {
  const r = await startLabReplica({ name: 'lab-replica-0', model: MODEL, apiKey });
  started.push(r);
  return r;
}

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; type: string | null; body: unknown }> {
  const res = await fetch(url, { ...init, headers: { connection: 'close', ...init.headers } });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), body: text === '' ? null : (JSON.parse(text) as unknown) };
}

const completion = (url: string, headers: Record<string, string> = {}) =>
  call(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Respond with OK' }], max_tokens: 2 }),
  });

describe('lab replica fault model-load-failed', () => {
  it('is a fault kind of the contract and of the replica', () => {
    expect(LabReplicaFaultKind.options).toContain('model-load-failed');
    expect([...LAB_REPLICA_FAULTS].sort()).toEqual([...LabReplicaFaultKind.options].sort());
  });

  it('answers /health and completions 503 with a JSON error saying the model failed to load, and lists no model', async () => {
    const r = await replica();
    expect((await call(`${r.url}/health`)).status).toBe(200);
    await r.setFault('model-load-failed');
    expect(r.fault()).toBe('model-load-failed');
    expect(r.serviceActive()).toBe(true);

    const health = await call(`${r.url}/health`);
    expect(health).toMatchObject({ status: 503, type: 'application/json' });
    expect(health.body).toEqual({
      error: {
        message: `model ${MODEL} failed to load: CUDA out of memory while loading the weights (lab fault model-load-failed)`,
        type: 'service_unavailable',
        param: null,
        code: 'model_load_failed',
      },
    });
    const chat = await completion(r.url);
    expect(chat).toMatchObject({ status: 503, body: { error: { code: 'model_load_failed', message: expect.stringMatching(/failed to load/) } } });
    // The Azure form too.
    const azure = await call(`${r.url}/openai/deployments/${encodeURIComponent(MODEL)}/chat/completions?api-version=2024-02-01`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Respond with OK' }] }),
    });
    expect(azure.status).toBe(503);
    expect(await call(`${r.url}/v1/models`)).toMatchObject({ status: 200, body: { object: 'list', data: [] } });
    // The metrics still answer (as with every fault but down), and count the 503s.
    expect((await fetch(`${r.url}/metrics`)).status).toBe(200);
    expect(r.metrics.count('/health', 503)).toBe(1);
    expect(r.metrics.count('/v1/chat/completions', 503)).toBe(1);
  });

  it('still asks for the API key first on /v1 routes; /health needs none', async () => {
    const r = await replica('sk-lab');
    await r.setFault('model-load-failed');
    expect((await completion(r.url)).status).toBe(401);
    expect((await completion(r.url, { authorization: 'Bearer sk-lab' })).status).toBe(503);
    expect((await call(`${r.url}/health`)).status).toBe(503);
  });

  it('clearing it serves again: health 200, the model listed, completions answer OK', async () => {
    const r = await replica();
    await r.setFault('model-load-failed');
    await r.setFault(null);
    expect(await call(`${r.url}/health`)).toMatchObject({ status: 200, body: null });
    expect(await call(`${r.url}/v1/models`)).toMatchObject({ status: 200, body: { data: [{ id: MODEL }] } });
    expect(await completion(r.url)).toMatchObject({ status: 200, body: { choices: [{ message: { content: 'OK' } }] } });
  });

  it('an unknown fault is refused naming every kind, this one included', async () => {
    const r = await replica();
    await expect(r.setFault('melted' as never)).rejects.toThrow(/expected one of down, slow, rate-limit, http-500, wrong-answer, model-load-failed/);
  });
});
