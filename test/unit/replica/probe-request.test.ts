import { describe, expect, it } from 'vitest';
import { authHeader, buildProbeRequest } from '../../../electron/core/replica/probe-request';
import { DEFAULT_AZURE_API_VERSION, toReplicaSpec, type ReplicaSpec } from '../../../electron/core/replica/replica-types';

const spec: ReplicaSpec = {
  name: 'llama-a01-0',
  url: 'http://10.0.0.11:8000/',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  api: 'openai',
  auth: { header: 'Authorization', secretRef: 'llama-key' },
  health: { path: '/health', intervalSeconds: 5 },
  prompt: { text: 'Respond with OK', expect: 'OK', maxTokens: 2, intervalSeconds: 60 },
};
const azure: ReplicaSpec = { ...spec, url: 'https://x.openai.azure.com', model: 'gpt-4o-mini', api: 'azure-openai', apiVersion: '2024-06-01', auth: undefined };

describe('probe requests', () => {
  it('health: GET on the health path, with the credentials', () => {
    const r = buildProbeRequest(spec, 'health', 'sk-1');
    expect(r).toMatchObject({ method: 'GET', url: 'http://10.0.0.11:8000/health' });
    expect(r.headers.Authorization).toBe('Bearer sk-1');
    expect(r.body).toBeUndefined();
  });

  it('openai completion: POST /v1/chat/completions with model, prompt, max_tokens, greedy', () => {
    const r = buildProbeRequest(spec, 'completion', 'sk-1');
    expect(r.method).toBe('POST');
    expect(r.url).toBe('http://10.0.0.11:8000/v1/chat/completions');
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body!)).toEqual({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      messages: [{ role: 'user', content: 'Respond with OK' }],
      max_tokens: 2,
      temperature: 0,
      stream: false,
    });
  });

  it('azure-openai completion: deployment path, api-version, api-key header, no model in the body', () => {
    const r = buildProbeRequest(azure, 'completion', 'az-key');
    expect(r.url).toBe('https://x.openai.azure.com/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-06-01');
    expect(r.headers['api-key']).toBe('az-key');
    expect(r.headers.Authorization).toBeUndefined();
    expect(JSON.parse(r.body!).model).toBeUndefined();
    expect(buildProbeRequest({ ...azure, apiVersion: undefined }, 'completion', undefined).url).toContain(`api-version=${DEFAULT_AZURE_API_VERSION}`);
  });

  it('sends no credential header when there is no secret', () => {
    const r = buildProbeRequest({ ...spec, auth: undefined }, 'completion', undefined);
    expect(Object.keys(r.headers).map((h) => h.toLowerCase())).not.toContain('authorization');
  });

  it('asks for a fresh connection per probe', () => {
    expect(buildProbeRequest(spec, 'health', undefined).headers.connection).toBe('close');
  });

  it('prefixes Bearer only where a scheme is needed and missing', () => {
    expect(authHeader(spec, 'sk-1')).toEqual(['Authorization', 'Bearer sk-1']);
    expect(authHeader(spec, 'Basic dXNlcjpwdw==')).toEqual(['Authorization', 'Basic dXNlcjpwdw==']);
    expect(authHeader({ ...spec, auth: { header: 'X-Api-Key', secretRef: 'k' } }, 'sk-1')).toEqual(['X-Api-Key', 'sk-1']);
    expect(authHeader({ ...azure, auth: { header: 'api-key', secretRef: 'k' } }, 'k1')).toEqual(['api-key', 'k1']);
  });

  it('refuses to build a completion for a replica without a prompt', () => {
    expect(() => buildProbeRequest({ ...spec, prompt: undefined }, 'completion', undefined)).toThrow(/no prompt/);
  });

  it('maps an inventory entry, defaulting api to openai', () => {
    const s = toReplicaSpec({ name: 'r', url: 'http://h:1', model: 'm', health: { path: '/health', intervalSeconds: 5 } });
    expect(s).toEqual({ name: 'r', url: 'http://h:1', model: 'm', api: 'openai', health: { path: '/health', intervalSeconds: 5 } });
  });
});
