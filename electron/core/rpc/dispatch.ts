/**
 * The single entry point every transport calls. It checks the method name and parses the
 * input against the contract BEFORE any handler runs, so a malformed or malicious message
 * never reaches the engine; every failure comes back as error data with a stable code.
 */
import { z } from 'zod';
import { isMethodName, methods, type CallResult, type MethodName } from '../../../shared/contract';
import { FleetError, toErrorData } from '../../../shared/errors';
import type { Handlers } from './handlers';

export type Dispatch = (method: unknown, params: unknown) => Promise<CallResult>;

export interface DispatchOptions {
  /** Check handler results against the output schema too (on in tests and dev). */
  validateOutput?: boolean;
  /** Told about every call that failed with INTERNAL: a bug, not an operator error. */
  onInternalError?: (method: string, err: unknown) => void;
}

export function createDispatch(handlers: Handlers, opts: DispatchOptions = {}): Dispatch {
  return async (method, params) => {
    if (!isMethodName(method)) {
      return fail(new FleetError('UNKNOWN_METHOD', `unknown method ${JSON.stringify(String(method)).slice(0, 120)}`));
    }
    const spec = methods[method];
    const parsed = spec.input.safeParse(params ?? {});
    if (!parsed.success) {
      return fail(
        new FleetError('BAD_REQUEST', `invalid input for ${method}: ${describeIssues(parsed.error)}`, {
          detail: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
        }),
      );
    }
    try {
      const handler = handlers[method] as (input: unknown) => Promise<unknown>;
      const result = await handler(parsed.data);
      if (opts.validateOutput) {
        const out = spec.output.safeParse(result);
        if (!out.success) throw new Error(`handler for ${method} returned data outside the contract: ${describeIssues(out.error)}`);
      }
      return { ok: true, result };
    } catch (err) {
      const data = toErrorData(err);
      if (data.code === 'INTERNAL') opts.onInternalError?.(method, err);
      return { ok: false, error: data };
    }
  };
}

function fail(err: FleetError): CallResult {
  return { ok: false, error: err.toData() };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

export type { MethodName };
