import { describe, expect, it } from 'vitest';
import { WRONG_ANSWER_TEXT, chatCompletion, type CompletionContext } from '../../../electron/core/lab/lab-replica-answers';
import { LabReplicaMetrics } from '../../../electron/core/lab/lab-replica-metrics';
import { estimatePromptTokens } from '../../../electron/core/replica/token-estimate';

const ctx: CompletionContext = { replica: 'r0', model: 'm1', requireModelInBody: true, wrongAnswer: false, sequence: 7, createdSec: 1700000000 };
const ask = (content: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'm1', messages: [{ role: 'user', content }], ...extra });

describe('lab replica completions', () => {
  it('answers "Respond with OK" with OK, as a full OpenAI chat.completion with usage', () => {
    const a = chatCompletion(ask('Respond with OK', { max_tokens: 2 }), ctx);
    const prompt = estimatePromptTokens('Respond with OK');
    expect(a.status).toBe(200);
    expect(a.body).toEqual({
      id: 'chatcmpl-lab-7',
      object: 'chat.completion',
      created: 1700000000,
      model: 'm1',
      choices: [{ index: 0, message: { role: 'assistant', content: 'OK' }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: prompt, completion_tokens: 1, total_tokens: prompt + 1 },
    });
    expect(a.usage).toEqual({ prompt, generation: 1 });
  });

  it('answers anything else with a sentence naming the replica, cut at max_tokens', () => {
    const full = chatCompletion(ask([{ type: 'text', text: 'hello' }]), ctx).body as { choices: { message: { content: string }; finish_reason: string }[] };
    expect(full.choices[0].message.content).toBe('This is lab replica r0 serving m1.');
    const cut = chatCompletion(ask('hello', { max_tokens: 2 }), ctx).body as typeof full;
    expect(cut.choices[0]).toMatchObject({ message: { content: 'This is ' }, finish_reason: 'length' });
  });

  it('answers something else under the wrong-answer fault', () => {
    const a = chatCompletion(ask('Respond with OK'), { ...ctx, wrongAnswer: true }).body as { choices: { message: { content: string } }[] };
    expect(a.choices[0].message.content).toBe(WRONG_ANSWER_TEXT);
  });

  it('rejects what a real server rejects', () => {
    expect(chatCompletion('{not json', ctx).status).toBe(400);
    expect(chatCompletion(JSON.stringify({ model: 'm1', messages: [] }), ctx).status).toBe(400);
    expect(chatCompletion('null', ctx).status).toBe(400);
    const other = chatCompletion(JSON.stringify({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] }), ctx);
    expect(other).toMatchObject({ status: 404, body: { error: { code: 'model_not_found' } } });
    // The Azure route names the model in the path: a body without (or with another) model is fine.
    expect(chatCompletion(JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }), { ...ctx, requireModelInBody: false }).status).toBe(200);
  });
});

describe('lab replica metrics', () => {
  it('renders request counts by route and code, a cumulative histogram and token counters', () => {
    const m = new LabReplicaMetrics();
    m.observe('/health', 200, 0.001);
    m.observe('/health', 200, 0.02);
    m.observe('/v1/chat/completions', 429, 3);
    m.countTokens(36, 1);
    const text = m.render();
    expect(text).toContain('# TYPE lab_replica_requests_total counter');
    expect(text).toContain('lab_replica_requests_total{route="/health",code="200"} 2');
    expect(text).toContain('lab_replica_requests_total{route="/v1/chat/completions",code="429"} 1');
    expect(text).toContain('lab_replica_request_duration_seconds_bucket{le="0.005"} 1');
    expect(text).toContain('lab_replica_request_duration_seconds_bucket{le="0.025"} 2');
    expect(text).toContain('lab_replica_request_duration_seconds_bucket{le="2.5"} 2');
    expect(text).toContain('lab_replica_request_duration_seconds_bucket{le="5"} 3');
    expect(text).toContain('lab_replica_request_duration_seconds_bucket{le="+Inf"} 3');
    expect(text).toContain('lab_replica_request_duration_seconds_count 3');
    expect(text).toContain('lab_replica_prompt_tokens_total 36');
    expect(text).toMatch(/\n$/);
    expect(m.count('/health', 200)).toBe(2);
  });
});
