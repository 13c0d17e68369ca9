/**
 * What the completion probe costs, in tokens per day, to put next to the provider's quota.
 *
 * Estimate (an upper-side guess, not a tokenizer):
 * - prompt tokens per probe = ceil(characters / 4) + CHAT_TEMPLATE_OVERHEAD_TOKENS. Four
 *   characters per token is OpenAI's rule of thumb for English. The chat template wraps the
 *   message in role markers, and some add a default system prompt: Llama 3.1's template alone
 *   adds about 30 tokens ("Cutting Knowledge Date: …"), ChatML about 8 (Qwen 2.5's default
 *   system prompt about 20 more). 32 covers the common ones.
 * - completion tokens per probe = maxTokens (the most the server may generate; a healthy "OK"
 *   takes one or two).
 * - probes per day = 86400 / intervalSeconds.
 *
 * Example: "Respond with OK", maxTokens 2, every 60 s: (4 + 32 + 2) × 1440 = 54,720 tokens/day.
 */
import type { ReplicaPromptSettings } from './replica-types';

export const CHARS_PER_TOKEN = 4;
export const CHAT_TEMPLATE_OVERHEAD_TOKENS = 32;

export interface TokenEstimate {
  promptTokensPerProbe: number;
  completionTokensPerProbe: number;
  probesPerDay: number;
  tokensPerDay: number;
}

export function estimatePromptTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN) + CHAT_TEMPLATE_OVERHEAD_TOKENS;
}

export function estimateTokensPerDay(prompt: Pick<ReplicaPromptSettings, 'text' | 'maxTokens' | 'intervalSeconds'>): TokenEstimate {
  if (!(prompt.intervalSeconds > 0)) throw new Error('the prompt interval must be positive');
  const promptTokensPerProbe = estimatePromptTokens(prompt.text);
  const completionTokensPerProbe = prompt.maxTokens;
  const probesPerDay = 86_400 / prompt.intervalSeconds;
  return {
    promptTokensPerProbe,
    completionTokensPerProbe,
    probesPerDay,
    tokensPerDay: Math.ceil((promptTokensPerProbe + completionTokensPerProbe) * probesPerDay),
  };
}
