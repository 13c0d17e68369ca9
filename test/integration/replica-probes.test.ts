/**
 * Replica probes against lab replicas over real HTTP on loopback: every failure class the lab
 * can inject gives its own reason, recovery follows the fault's removal, credentials go where
 * they should and never come back out, and the Azure OpenAI request has its own shape.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLabReplica, startLabReplicas, type LabReplica } from '../../electron/core/lab/lab-replica';
import { probeReplica, type ProbeDeps } from '../../electron/core/replica/replica-prober';
import { ReplicaState } from '../../electron/core/replica/replica-state';
import type { ReplicaProbeOutcome, ReplicaSpec } from '../../electron/core/replica/replica-types';

const SECRET = 'sk-lab-4f9c2a7e1b3d';
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';

let lab: LabReplica;
let spec: ReplicaSpec;
const seen: ReplicaProbeOutcome[] = [];

const deps = (over: Partial<ProbeDeps> = {}): ProbeDeps => ({ getSecret: async (ref) => (ref === 'llama-key' ? SECRET : undefined), now: Date.now, ...over });
async function probe(kind: 'health' | 'completion', over: Partial<ProbeDeps> = {}, s: ReplicaSpec = spec): Promise<ReplicaProbeOutcome> {
  const o = await probeReplica(s, kind, deps(over));
  seen.push(o);
  return o;
}

beforeAll(async () => {
  lab = await startLabReplica({ name: 'llama-a01-0', model: MODEL, apiKey: SECRET });
  spec = {
    name: 'llama-a01-0',
    url: lab.url,
    model: MODEL,
    api: 'openai',
    auth: { header: 'Authorization', secretRef: 'llama-key' },
    health: { path: '/health', intervalSeconds: 5 },
    prompt: { text: 'Respond with OK', expect: 'OK', maxTokens: 2, intervalSeconds: 60 },
  };
});

afterEach(async () => {
  await lab.setFault(null);
});

afterAll(async () => {
  await lab?.stop();
  // Whatever happened above, the secret never made it into an outcome.
  expect(seen.length).toBeGreaterThan(10);
  expect(JSON.stringify(seen)).not.toContain(SECRET);
});

describe('replica probes against a lab replica', () => {
  it('a healthy replica passes both probes; the lab saw the requests an OpenAI server gets', async () => {
    const before = lab.requests().length;
    expect(await probe('health')).toMatchObject({ kind: 'health', ok: true, status: 200, detail: 'HTTP 200' });
    expect(await probe('completion')).toMatchObject({ kind: 'completion', ok: true, status: 200, detail: 'answered "OK"' });
    const [health, completion] = lab.requests().slice(before);
    expect(health).toMatchObject({ method: 'GET', path: '/health' });
    expect(completion).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(completion.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(JSON.parse(completion.body)).toMatchObject({ model: MODEL, max_tokens: 2, messages: [{ role: 'user', content: 'Respond with OK' }] });
  });

  it('wrong answer: the completion says so, the health endpoint still passes, the replica is unhealthy', async () => {
    await lab.setFault('wrong-answer');
    const state = new ReplicaState(spec, { now: Date.now });
    state.record(await probe('health'));
    const c = await probe('completion');
    state.record(c);
    expect(c).toMatchObject({ ok: false, failure: 'wrong-answer', status: 200, detail: 'wrong answer — expected "OK", got "Sure! He"' });
    expect(state.view()).toMatchObject({ health: 'unhealthy', reasons: ['completion probe: wrong answer — expected "OK", got "Sure! He"'] });
  });

  it('HTTP 500 on both probes', async () => {
    await lab.setFault('http-500');
    expect(await probe('health')).toMatchObject({ failure: 'http-5xx', status: 500, detail: 'HTTP 500: "The server had an error while processing your request."' });
    expect(await probe('completion')).toMatchObject({ failure: 'http-5xx', status: 500 });
  });

  it('429 storm: rate-limited with the Retry-After value', async () => {
    await lab.setFault('rate-limit', { retryAfterSeconds: 45 });
    const o = await probe('completion');
    expect(o).toMatchObject({ ok: false, failure: 'rate-limited', status: 429, retryAfterSeconds: 45 });
    expect(o.detail).toMatch(/^429 rate limited, retry after 45 s \(at \d\d:\d\d:\d\d\)$/);
  });

  it('slow: a timeout, reported with the limit', async () => {
    await lab.setFault('slow', { slowMs: 5000 });
    const o = await probe('health', { timeoutMs: 300 });
    expect(o).toMatchObject({ ok: false, failure: 'timeout', detail: `no answer from 127.0.0.1:${lab.port} within 300 ms` });
    expect(o.latencyMs).toBeGreaterThanOrEqual(290);
    expect(o.latencyMs).toBeLessThan(3000);
  });

  it('down: connection refused; cleared, the same port answers again and the replica recovers', async () => {
    const state = new ReplicaState(spec, { now: Date.now });
    await lab.setFault('down');
    const refused = await probe('health');
    state.record(refused);
    expect(refused).toMatchObject({ ok: false, failure: 'refused', detail: `connection refused to 127.0.0.1:${lab.port}` });
    expect(state.view()).toMatchObject({ health: 'unreachable', reasons: [`health: connection refused to 127.0.0.1:${lab.port}`] });

    await lab.setFault(null);
    state.record(await probe('health'));
    state.record(await probe('completion'));
    expect(state.view()).toMatchObject({ health: 'healthy', reasons: [] });
    expect(state.view().latency.completion.samples).toBe(1);
  });

  it('a wrong key: 401, "check the credentials", and the key the server echoed is not repeated', async () => {
    const wrongKey = 'sk-wrong-9d8e7f6a5b4c';
    const o = await probe('completion', { getSecret: async () => wrongKey });
    expect(o).toMatchObject({ ok: false, failure: 'auth', status: 401 });
    expect(o.detail).toContain('check the credentials (secretRef llama-key)');
    expect(o.detail).toContain('[redacted]');
    // The lab did receive and echo the key: the redaction is what keeps it out.
    expect(lab.requests().at(-1)?.headers.authorization).toBe(`Bearer ${wrongKey}`);
    expect(JSON.stringify(o)).not.toContain(wrongKey);
  });

  it('no credentials configured on a guarded replica: 401 says none are configured', async () => {
    const o = await probe('completion', {}, { ...spec, auth: undefined });
    expect(o).toMatchObject({ failure: 'auth', status: 401 });
    expect(o.detail).toMatch(/none are configured/);
  });

  it('a wrong health path: HTTP 404 with a hint', async () => {
    expect(await probe('health', {}, { ...spec, health: { ...spec.health, path: '/healthz' } })).toMatchObject({
      failure: 'http-other',
      status: 404,
      detail: 'HTTP 404: "no route GET /healthz" — check health.path (/healthz)',
    });
  });

  it('serves /v1/models and Prometheus /metrics', async () => {
    const models = (await (await fetch(`${lab.url}/v1/models`, { headers: { authorization: `Bearer ${SECRET}` } })).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual([MODEL]);
    const metrics = await (await fetch(`${lab.url}/metrics`)).text();
    expect(metrics).toMatch(/lab_replica_requests_total\{route="\/v1\/chat\/completions",code="429"\} [1-9]/);
    expect(metrics).toMatch(/lab_replica_request_duration_seconds_count [1-9]/);
  });
});

describe('azure-openai', () => {
  it('posts to the deployment with api-version and an api-key header, and passes', async () => {
    const azureLab = await startLabReplica({ name: 'aoai-0', model: 'gpt-4o-mini', apiKey: SECRET });
    try {
      const azure: ReplicaSpec = { ...spec, name: 'aoai-0', url: azureLab.url, model: 'gpt-4o-mini', api: 'azure-openai', apiVersion: '2024-06-01', auth: { header: 'api-key', secretRef: 'llama-key' } };
      expect(await probe('completion', {}, azure)).toMatchObject({ ok: true, detail: 'answered "OK"' });
      const [req] = azureLab.requests();
      expect(req.method).toBe('POST');
      expect(req.path).toBe('/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-06-01');
      expect(req.headers['api-key']).toBe(SECRET);
      expect(req.headers.authorization).toBeUndefined();
      expect(JSON.parse(req.body).model).toBeUndefined();
      // A deployment the resource does not have is a 404 pointing at the model (deployment) name.
      const missing = await probe('completion', {}, { ...azure, model: 'other-deployment' });
      expect(missing).toMatchObject({ failure: 'http-other', status: 404 });
      expect(missing.detail).toMatch(/check the model name \(other-deployment\)$/);
    } finally {
      await azureLab.stop();
    }
  });
});

describe('lab replicas', () => {
  it('starts n replicas on their own ports, all answering', async () => {
    const replicas = await startLabReplicas(3, { prefix: 'lab-llama' });
    try {
      expect(replicas.map((r) => r.name)).toEqual(['lab-llama-0', 'lab-llama-1', 'lab-llama-2']);
      expect(new Set(replicas.map((r) => r.port)).size).toBe(3);
      for (const r of replicas) {
        const o = await probe('completion', {}, { ...spec, name: r.name, url: r.url, auth: undefined });
        expect(o.ok).toBe(true);
      }
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  });

  it('rejects an unknown fault', async () => {
    await expect(lab.setFault('melt' as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
