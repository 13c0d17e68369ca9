import { describe, expect, it } from 'vitest';
import { CHAT_TEMPLATE_OVERHEAD_TOKENS, estimatePromptTokens, estimateTokensPerDay } from '../../../electron/core/replica/token-estimate';

describe('tokens per day of the completion probe', () => {
  it('the issue example: "Respond with OK", 2 tokens, every 60 s', () => {
    // 15 characters → 4 tokens, + 32 for the chat template, + 2 generated; 1440 probes a day.
    expect(estimateTokensPerDay({ text: 'Respond with OK', maxTokens: 2, intervalSeconds: 60 })).toEqual({
      promptTokensPerProbe: 36,
      completionTokensPerProbe: 2,
      probesPerDay: 1440,
      tokensPerDay: 54_720,
    });
  });

  it('scales with the interval and the answer budget', () => {
    const base = estimateTokensPerDay({ text: 'Respond with OK', maxTokens: 2, intervalSeconds: 60 }).tokensPerDay;
    expect(estimateTokensPerDay({ text: 'Respond with OK', maxTokens: 2, intervalSeconds: 30 }).tokensPerDay).toBe(base * 2);
    expect(estimateTokensPerDay({ text: 'Respond with OK', maxTokens: 40, intervalSeconds: 60 }).tokensPerDay).toBe(base + 38 * 1440);
  });

  it('counts four characters a token, rounded up, plus the template overhead', () => {
    expect(estimatePromptTokens('')).toBe(CHAT_TEMPLATE_OVERHEAD_TOKENS);
    expect(estimatePromptTokens('abcde')).toBe(2 + CHAT_TEMPLATE_OVERHEAD_TOKENS);
    expect(estimatePromptTokens('x'.repeat(400))).toBe(100 + CHAT_TEMPLATE_OVERHEAD_TOKENS);
  });

  it('rounds a fractional day of probes up to whole tokens', () => {
    expect(estimateTokensPerDay({ text: 'x', maxTokens: 1, intervalSeconds: 7 }).tokensPerDay).toBe(Math.ceil(34 * (86_400 / 7)));
  });

  it('refuses an interval that is not positive', () => {
    expect(() => estimateTokensPerDay({ text: 'x', maxTokens: 1, intervalSeconds: 0 })).toThrow();
  });
});
