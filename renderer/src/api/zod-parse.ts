import '../zod-jitless';
import { z } from 'zod';
import { CallResult, methods, pushEvents, type MethodName, type MethodOutput, type PushEvent, type PushEventName } from '../../../shared/contract';
import { FleetErrorData } from '../../../shared/errors';
import { FleetApiError } from './errors';

/**
 * The contract's zod schemas at work on what the quick check (fast-check.ts) did not take:
 * a chunk of its own, loaded on first need or once the console has drawn itself (parse.ts), so
 * the page's first render does not wait for zod and the contract's schemas to be built. zod
 * gives the value (a default filled in, an unknown key stripped) or the error naming the field.
 */

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  return `${path}: ${issue.message}`;
}

/** A transport's CallResult as the method's parsed output, or throws FleetApiError. */
export function resultFromCall<M extends MethodName>(method: M, raw: unknown): MethodOutput<M> {
  const envelope = CallResult.safeParse(raw);
  if (!envelope.success) {
    throw new FleetApiError('PARSE_FAILED', `reply to ${method} is not a call result: ${firstIssue(envelope.error)}`);
  }
  if (!envelope.data.ok) throw FleetApiError.fromData(envelope.data.error);
  const output = methods[method].output.safeParse(envelope.data.result);
  if (!output.success) {
    throw new FleetApiError('PARSE_FAILED', `reply to ${method} does not match the contract: ${firstIssue(output.error)}`);
  }
  return output.data as MethodOutput<M>;
}

/** A pushed event's payload, parsed; throws FleetApiError PARSE_FAILED otherwise. */
export function parsePushPayload(event: PushEventName, payload: unknown): PushEvent {
  const parsed = pushEvents[event].safeParse(payload);
  if (!parsed.success) {
    throw new FleetApiError('PARSE_FAILED', `payload of ${event} does not match the contract: ${firstIssue(parsed.error)}`);
  }
  return { event, payload: parsed.data } as PushEvent;
}

/** The error an unattributed reply carries, or null when it is not one. */
export function errorData(value: unknown): FleetErrorData | null {
  const parsed = FleetErrorData.safeParse(value);
  return parsed.success ? parsed.data : null;
}
