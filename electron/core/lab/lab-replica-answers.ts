/**
 * What a lab replica says: the OpenAI-compatible JSON bodies (model list, chat completion with
 * usage counts, error objects), as pure functions of the request. The "model" follows one rule:
 * asked to "Respond with OK" it answers "OK"; anything else gets a sentence naming the replica.
 * Output is cut at `max_tokens` (four characters a token) with `finish_reason: "length"`, the
 * way a real server stops mid-word.
 */
import { CHARS_PER_TOKEN, estimatePromptTokens } from '../replica/token-estimate';

export interface LabAnswer {
  status: number;
  body: unknown;
  /** Token counts of a completion, for the metrics. */
  usage?: { prompt: number; generation: number };
}

/** The wrong-answer fault's reply: chatty instead of following the instruction. */
export const WRONG_ANSWER_TEXT = 'Sure! Here is the word you asked for: OK';

export function openAiError(status: number, message: string, type: string, code: string | null = null): LabAnswer {
  return { status, body: { error: { message, type, param: null, code } } };
}

export function modelList(model: string, createdSec: number): LabAnswer {
  return { status: 200, body: { object: 'list', data: [{ id: model, object: 'model', created: createdSec, owned_by: 'fleetops-lab' }] } };
}

function messageText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  // The array form: [{ type: 'text', text: '…' }, …].
  if (Array.isArray(content)) {
    return content.map((p) => ((p as { type?: unknown; text?: unknown })?.type === 'text' ? String((p as { text?: unknown }).text ?? '') : '')).join('');
  }
  return undefined;
}

function replyTo(lastUserText: string, replica: string, model: string): string {
  return /respond with ok/i.test(lastUserText) ? 'OK' : `This is lab replica ${replica} serving ${model}.`;
}

export interface CompletionContext {
  replica: string;
  model: string;
  /** The model named by the route (Azure deployment) or required in the body (OpenAI). */
  requireModelInBody: boolean;
  wrongAnswer: boolean;
  sequence: number;
  createdSec: number;
}

export function chatCompletion(rawBody: string, ctx: CompletionContext): LabAnswer {
  let req: { model?: unknown; messages?: unknown; max_tokens?: unknown; max_completion_tokens?: unknown };
  try {
    req = JSON.parse(rawBody) as typeof req;
  } catch {
    return openAiError(400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
  }
  if (req === null || typeof req !== 'object') return openAiError(400, 'The request body must be a JSON object.', 'invalid_request_error');
  if (ctx.requireModelInBody && req.model !== undefined && req.model !== ctx.model) {
    return openAiError(404, `The model \`${String(req.model)}\` does not exist.`, 'NotFoundError', 'model_not_found');
  }
  if (!Array.isArray(req.messages) || req.messages.length === 0) {
    return openAiError(400, "'messages' must be a non-empty array.", 'invalid_request_error');
  }
  const texts = req.messages.map((m) => messageText((m as { content?: unknown })?.content) ?? '');
  const users = req.messages.filter((m) => (m as { role?: unknown })?.role === 'user');
  const lastUser = messageText((users[users.length - 1] as { content?: unknown } | undefined)?.content) ?? '';
  const full = ctx.wrongAnswer ? WRONG_ANSWER_TEXT : replyTo(lastUser, ctx.replica, ctx.model);

  const limit = Number(req.max_completion_tokens ?? req.max_tokens ?? 256);
  const maxTokens = Number.isInteger(limit) && limit > 0 ? limit : 256;
  const cut = full.length > maxTokens * CHARS_PER_TOKEN;
  const content = cut ? full.slice(0, maxTokens * CHARS_PER_TOKEN) : full;
  const prompt = estimatePromptTokens(texts.join(''));
  const generation = Math.max(1, Math.ceil(content.length / CHARS_PER_TOKEN));
  return {
    status: 200,
    usage: { prompt, generation },
    body: {
      id: `chatcmpl-lab-${ctx.sequence}`,
      object: 'chat.completion',
      created: ctx.createdSec,
      model: ctx.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: cut ? 'length' : 'stop' }],
      usage: { prompt_tokens: prompt, completion_tokens: generation, total_tokens: prompt + generation },
    },
  };
}
