import { z } from 'zod';
import {
  CallResult,
  methods,
  pushEvents,
  type MethodName,
  type MethodOutput,
  type PushEvent,
  type PushEventName,
} from '../../../shared/contract';
import { FleetApiError } from './errors';
import { fastCheck } from './fast-check';

/**
 * Both transports hand raw results to these functions, so what reaches a component has been
 * checked against the contract in the browser too: a server that drifted from the contract
 * shows up as PARSE_FAILED naming the method and field, not as `undefined` deep in a component.
 */

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  return `${path}: ${issue.message}`;
}

/** Turns a transport's CallResult into the method's parsed output, or throws FleetApiError. */
export function resultFromCall<M extends MethodName>(method: M, raw: unknown): MethodOutput<M> {
  const envelope = CallResult.safeParse(raw);
  if (!envelope.success) {
    throw new FleetApiError('PARSE_FAILED', `reply to ${method} is not a call result: ${firstIssue(envelope.error)}`);
  }
  if (!envelope.data.ok) throw FleetApiError.fromData(envelope.data.error);
  const schema = methods[method].output;
  // A reply zod would give back unchanged is used as it came (fast-check.ts); zod parses the rest.
  if (fastCheck(schema)(envelope.data.result)) return envelope.data.result as MethodOutput<M>;
  const output = schema.safeParse(envelope.data.result);
  if (!output.success) {
    throw new FleetApiError('PARSE_FAILED', `reply to ${method} does not match the contract: ${firstIssue(output.error)}`);
  }
  return output.data as MethodOutput<M>;
}

function isPushEventName(name: unknown): name is PushEventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(pushEvents, name);
}

/** Validates a pushed event's name and payload; throws FleetApiError PARSE_FAILED otherwise. */
export function parsePushEvent(event: unknown, payload: unknown): PushEvent {
  if (!isPushEventName(event)) {
    throw new FleetApiError('PARSE_FAILED', `unknown pushed event ${JSON.stringify(event)}`);
  }
  const schema = pushEvents[event];
  if (fastCheck(schema)(payload)) return { event, payload } as PushEvent;
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    throw new FleetApiError('PARSE_FAILED', `payload of ${event} does not match the contract: ${firstIssue(parsed.error)}`);
  }
  return { event, payload: parsed.data } as PushEvent;
}
