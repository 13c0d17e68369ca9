import type { FleetErrorData } from '../../../shared/errors';
import type { ShapeTable } from '../../../shared/contract-shapes/shape';
import type { MethodName, MethodOutput, PushEvent, PushEventName } from '../../../shared/contract';
import table from './contract-shapes.json';
import { FleetApiError } from './errors';
import { shapeCheckers } from './fast-check';

/**
 * Both transports hand raw results to these functions, so what reaches a component has been
 * checked against the contract in the browser too: a server that drifted from the contract
 * shows up as PARSE_FAILED naming the method and field, not as `undefined` deep in a component.
 *
 * Two steps. The quick check (fast-check.ts, against the contract's shapes written at build
 * time) takes a value zod would give back unchanged, at once. Anything else — a value zod would
 * change, or refuse — goes to zod itself (zod-parse.ts), in a chunk of its own loaded on first
 * need: building zod and the contract's ~2,300 schemas was a good part of the page's start, and
 * the first render's snapshot and pushes do not need them. Such a result is a promise; the
 * transports keep what they deliver in order meanwhile (in-order.ts).
 */

const SHAPES = table as ShapeTable;
const checker = shapeCheckers(SHAPES);
const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

type ZodParse = typeof import('./zod-parse');
let zodParse: Promise<ZodParse> | null = null;

/** zod and the contract's schemas (zod-parse.ts), loaded once. The console asks for them once it has drawn itself. */
export function loadZodParse(): Promise<ZodParse> {
  zodParse ??= import('./zod-parse').catch((err: unknown) => {
    // A chunk that did not load (the server went away meanwhile): the next need tries again.
    zodParse = null;
    throw new FleetApiError('INTERNAL', `the contract's parser could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
  });
  return zodParse;
}

const errorOk = checker(SHAPES.error);

/**
 * The call envelope (shared/contract.ts CallResult), as zod reads it: an object with `ok: true`
 * and any `result`, or `ok: false` and an error. Null: let zod say what is wrong with it.
 */
function envelopeOf(raw: unknown): { ok: true; result: unknown } | { ok: false; error: FleetErrorData } | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  if (r.ok === true) return { ok: true, result: r.result };
  if (r.ok === false && errorOk(r.error)) return { ok: false, error: r.error as FleetErrorData };
  return null;
}

/** Turns a transport's CallResult into the method's output, or throws (or rejects with) FleetApiError. */
export function resultFromCall<M extends MethodName>(method: M, raw: unknown): MethodOutput<M> | Promise<MethodOutput<M>> {
  const id = hasOwn(SHAPES.methods, method) ? SHAPES.methods[method] : undefined;
  const envelope = id === undefined ? null : envelopeOf(raw);
  if (id !== undefined && envelope) {
    if (!envelope.ok) throw FleetApiError.fromData(envelope.error);
    if (checker(id)(envelope.result)) return envelope.result as MethodOutput<M>;
  }
  return loadZodParse().then((z) => z.resultFromCall(method, raw));
}

function isPushEventName(name: unknown): name is PushEventName {
  return typeof name === 'string' && hasOwn(SHAPES.pushes, name);
}

/** Validates a pushed event's name and payload; throws (or rejects with) FleetApiError PARSE_FAILED otherwise. */
export function parsePushEvent(event: unknown, payload: unknown): PushEvent | Promise<PushEvent> {
  if (!isPushEventName(event)) {
    throw new FleetApiError('PARSE_FAILED', `unknown pushed event ${JSON.stringify(event)}`);
  }
  if (checker(SHAPES.pushes[event])(payload)) return { event, payload } as PushEvent;
  return loadZodParse().then((z) => z.parsePushPayload(event, payload));
}

/** The error an unattributed reply carries (null: it carries none that reads as one). */
export function errorFromData(value: unknown): FleetApiError | null | Promise<FleetApiError | null> {
  if (errorOk(value)) return FleetApiError.fromData(value as FleetErrorData);
  return loadZodParse().then((z) => {
    const data = z.errorData(value);
    return data ? FleetApiError.fromData(data) : null;
  });
}
