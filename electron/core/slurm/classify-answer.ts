import { FleetError, type ErrorCode } from '../../../shared/errors';
import { safeExcerpt } from '../gpu/safe-text';
import { formatClock, formatDuration, redact } from '../replica/replica-text';
import { readJwtClaims } from './jwt-claims';
import type { RestAnswer } from './rest-transport';

/**
 * slurmrestd's answer → its JSON object, or a FleetError an operator can act on. What each
 * failure looks like on the wire was measured against Debian 12's slurmrestd (22.05.8) and read
 * from later releases' source (src/slurmrestd/http.c maps Slurm errors to HTTP statuses there):
 *
 * - no or malformed auth headers: 401 "Authentication failure" (plain text);
 * - a token slurmctld refuses (garbage, expired, another key): 22.05 answers HTTP 500 with
 *   `errors: [{ error: "Unspecified error", errno: -1 }]` and no data, NOT 401; later releases
 *   answer 511 or carry SLURM_PROTOCOL_AUTHENTICATION_ERROR (1007) / ESLURM_AUTH_* (6000s);
 * - slurmctld down behind a running slurmrestd: 22.05 answers the SAME 500, only after ~9 s of
 *   connect retries; later releases answer 502/504 or carry 1001-1004 / 1800-1804.
 * The 22.05 500 is told apart by what can be known: a token that is no JWT or has expired is the
 * token; an answer that took `slowControllerMs` or more is the controller; else the token, said
 * as "most likely".
 */
export const DEFAULT_SLOW_CONTROLLER_MS = 4000;

export interface AnswerContext {
  /** "GET /slurm/v0.0.38/nodes" */
  what: string;
  /** "host:port" of slurmrestd. */
  where: string;
  user: string;
  token: string;
  now: number;
  slowControllerMs?: number;
}

export interface SlurmErrorEntry {
  message: string;
  number: number | null;
  source: string | null;
}

export type AnswerFailure = 'token-refused' | 'controller-unreachable' | 'not-found' | 'method-not-allowed' | 'http-error' | 'not-json' | 'bad-shape';

/** The JSON object of a 2xx answer; throws the classified FleetError for anything else. */
export function checkAnswer(answer: RestAnswer, ctx: AnswerContext): Record<string, unknown> {
  const json = tryJson(answer.body);
  if (answer.status >= 200 && answer.status < 300) {
    if (json === undefined) throw failure('PARSE_FAILED', 'not-json', `slurmrestd's answer to ${ctx.what} is not JSON: "${excerpt(answer.body, ctx)}"`, answer, ctx, []);
    if (!isObject(json)) throw failure('PARSE_FAILED', 'bad-shape', `slurmrestd's answer to ${ctx.what} is not a JSON object`, answer, ctx, []);
    return json;
  }
  throw classifyFailure(answer, ctx, isObject(json) ? slurmErrors(json) : []);
}

/** The `errors` list of an answer, in either plugin's spelling ({error, errno} or {error_number, description, source}). */
export function slurmErrors(json: Record<string, unknown>): SlurmErrorEntry[] {
  const list = Array.isArray(json.errors) ? json.errors : [];
  const out: SlurmErrorEntry[] = [];
  for (const e of list.slice(0, 20)) {
    if (!isObject(e)) continue;
    const number = typeof e.error_number === 'number' ? e.error_number : typeof e.errno === 'number' ? e.errno : null;
    const parts = [e.description, e.error].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
    // "Failed while looking for jobs: Unspecified error", without repeating one in the other.
    const message = parts.filter((p, i) => !parts.some((q, j) => j !== i && q.includes(p) && q !== p)).join(': ');
    out.push({ message: message || 'no message', number, source: typeof e.source === 'string' ? e.source : null });
  }
  return out;
}

function classifyFailure(answer: RestAnswer, ctx: AnswerContext, errors: SlurmErrorEntry[]): FleetError {
  const { status } = answer;
  const said = errors.length > 0 ? errors.map((e) => e.message).join('; ') : excerpt(answer.body, ctx);
  const quoted = said ? ` "${safeExcerpt(redact(said, [ctx.token]), 160)}"` : '';
  const numbers = errors.map((e) => e.number).filter((n): n is number => n !== null);
  const authNumber = numbers.some((n) => n === 1007 || (n >= 6000 && n < 6100));
  const controllerNumber = numbers.some((n) => (n >= 1001 && n <= 1004) || (n >= 1800 && n <= 1804));

  if (status === 401 || status === 403 || status === 511 || authNumber) {
    return failure('UNAUTHORIZED', 'token-refused', `slurmrestd refused ${ctx.what} (HTTP ${status}${quoted}): ${tokenAdvice(ctx)}`, answer, ctx, errors);
  }
  if (status === 502 || status === 503 || status === 504 || controllerNumber) {
    return failure('HOST_UNREACHABLE', 'controller-unreachable', `slurmrestd at ${ctx.where} answered, but cannot reach slurmctld (HTTP ${status}${quoted}).`, answer, ctx, errors);
  }
  if (status === 404) {
    return failure('NOT_FOUND', 'not-found', `slurmrestd at ${ctx.where} has no ${ctx.what} (HTTP 404): its OpenAPI plugins changed; the plugin is detected again on the next read.`, answer, ctx, errors);
  }
  if (status === 405) {
    return failure('COMMAND_FAILED', 'method-not-allowed', `slurmrestd at ${ctx.where} does not offer ${ctx.what} (HTTP 405).`, answer, ctx, errors);
  }
  if (status === 500 && errors.every((e) => e.number === null || e.number === -1)) return unspecified500(answer, ctx, errors, quoted);
  return failure('COMMAND_FAILED', 'http-error', `slurmrestd answered ${ctx.what} with HTTP ${status}${quoted}.`, answer, ctx, errors);
}

/** 22.05's 500 "Unspecified error": the token or the controller, told apart as well as can be known. */
function unspecified500(answer: RestAnswer, ctx: AnswerContext, errors: SlurmErrorEntry[], quoted: string): FleetError {
  const claims = readJwtClaims(ctx.token);
  const head = `slurmrestd answered ${ctx.what} with HTTP 500${quoted}`;
  if (claims === null) {
    return failure('UNAUTHORIZED', 'token-refused', `${head}: the token is not a JWT, so slurmctld refused it. ${tokenAdvice(ctx)}`, answer, ctx, errors);
  }
  if (claims.expiresAt !== null && claims.expiresAt <= ctx.now) {
    const ago = formatDuration((ctx.now - claims.expiresAt) / 1000);
    return failure('UNAUTHORIZED', 'token-refused', `${head}: the token expired at ${formatClock(claims.expiresAt)} (${ago} ago). ${tokenAdvice(ctx)}`, answer, ctx, errors);
  }
  const slowMs = ctx.slowControllerMs ?? DEFAULT_SLOW_CONTROLLER_MS;
  if (answer.elapsedMs >= slowMs) {
    const took = formatDuration(answer.elapsedMs / 1000);
    return failure(
      'HOST_UNREACHABLE',
      'controller-unreachable',
      `${head} after ${took}: slurmrestd most likely cannot reach slurmctld (it retries a controller that is down for seconds before giving up; a refused token is answered at once).`,
      answer,
      ctx,
      errors,
    );
  }
  const mismatch = claims.user !== null && claims.user !== ctx.user ? ` The token was made for "${claims.user}", not "${ctx.user}".` : '';
  return failure(
    'UNAUTHORIZED',
    'token-refused',
    `${head}: slurmctld most likely refused the token (slurmrestd 22.05 reports a refused token as this 500, not 401).${mismatch} ${tokenAdvice(ctx)}`,
    answer,
    ctx,
    errors,
  );
}

function tokenAdvice(ctx: AnswerContext): string {
  return `check the Slurm user ("${ctx.user}") and the token's secret; a new one comes from \`scontrol token username=${ctx.user} lifespan=…\` on the cluster.`;
}

function failure(code: ErrorCode, reason: AnswerFailure, message: string, answer: RestAnswer, ctx: AnswerContext, errors: SlurmErrorEntry[]): FleetError {
  return new FleetError(code, message, {
    subject: ctx.where,
    detail: {
      reason,
      status: answer.status,
      elapsedMs: answer.elapsedMs,
      slurmErrors: errors.map((e) => ({ ...e, message: safeExcerpt(redact(e.message, [ctx.token]), 200) })),
    },
  });
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function excerpt(text: string, ctx: AnswerContext): string {
  return safeExcerpt(redact(text, [ctx.token]), 120);
}
