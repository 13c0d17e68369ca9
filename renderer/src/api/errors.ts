import type { ErrorCode, FleetErrorData } from '../../../shared/errors';

/**
 * Codes only the client can produce: the server never sends them, so they live here and not in
 * shared/errors.ts. `CONNECTION_LOST`: the socket dropped before the reply came;
 * `CALL_TIMEOUT`: no reply within the deadline.
 */
export type ClientErrorCode = 'CONNECTION_LOST' | 'CALL_TIMEOUT';
export type ApiErrorCode = ErrorCode | ClientErrorCode;

/** What every failed call becomes in the renderer: components show `code` and `message`, never a bare string. */
export class FleetApiError extends Error {
  readonly code: ApiErrorCode;
  readonly subject?: string;
  readonly detail?: unknown;

  constructor(code: ApiErrorCode, message: string, opts: { subject?: string; detail?: unknown } = {}) {
    super(message);
    this.name = 'FleetApiError';
    this.code = code;
    this.subject = opts.subject;
    this.detail = opts.detail;
  }

  static fromData(data: FleetErrorData): FleetApiError {
    return new FleetApiError(data.code, data.message, { subject: data.subject, detail: data.detail });
  }
}

/** Anything a query or mutation rejected with, as code + message for display. */
export function describeError(err: unknown): { code: string; message: string; subject?: string } {
  if (err instanceof FleetApiError) return { code: err.code, message: err.message, subject: err.subject };
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message };
  return { code: 'INTERNAL', message: String(err) };
}
