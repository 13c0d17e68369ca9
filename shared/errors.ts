import { z } from 'zod';

/**
 * Stable error codes. They cross every boundary (IPC, WebSocket, CLI --json) as data, so a
 * code is never renamed: add new ones instead. Modeled on undici's `UND_ERR_*` codes.
 */
export const ErrorCode = z.enum([
  'SSH_AUTH_FAILED',
  'SSH_HOST_KEY_MISMATCH',
  'SSH_HOST_KEY_UNKNOWN',
  'SSH_PASSPHRASE_REQUIRED',
  'HOST_UNREACHABLE',
  'CONNECT_TIMEOUT',
  'PROBE_TIMEOUT',
  'COMMAND_FAILED',
  'DRIVER_ERROR',
  'PARSE_FAILED',
  'INVENTORY_INVALID',
  'INVENTORY_NOT_LOADED',
  'LB_COMMAND_REJECTED',
  'RUNBOOK_LOCKED',
  'RUNBOOK_INVALID',
  /** A drill file (drills/*.yaml) that does not parse or check: file:line:column, like RUNBOOK_INVALID. */
  'DRILL_INVALID',
  'CONFIRMATION_REQUIRED',
  /** The read-only switch (global or the subject's cluster) refuses changes. */
  'READ_ONLY',
  'NOT_FOUND',
  'BAD_REQUEST',
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'FORBIDDEN_ORIGIN',
  'FORBIDDEN_SENDER',
  'LAB_NOT_RUNNING',
  /** A signed bundle (an incident's or a drill report's) that is malformed, altered or hostile: the message names the part. */
  'BUNDLE_INVALID',
  /** An intact bundle signed by a key this console does not trust: the message names it and the command that trusts it. */
  'BUNDLE_UNTRUSTED',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const FleetErrorData = z.object({
  code: ErrorCode,
  message: z.string(),
  subject: z.string().optional(),
  detail: z.unknown().optional(),
});
export type FleetErrorData = z.infer<typeof FleetErrorData>;

/** The one error class of the project: everything thrown on purpose is one of these. */
export class FleetError extends Error {
  readonly code: ErrorCode;
  readonly subject?: string;
  readonly detail?: unknown;

  constructor(code: ErrorCode, message: string, opts: { subject?: string; detail?: unknown; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'FleetError';
    this.code = code;
    this.subject = opts.subject;
    this.detail = opts.detail;
  }

  toData(): FleetErrorData {
    const data: FleetErrorData = { code: this.code, message: this.message };
    if (this.subject !== undefined) data.subject = this.subject;
    if (this.detail !== undefined) data.detail = this.detail;
    return data;
  }
}

/** Anything caught becomes error data; unexpected errors keep their message under INTERNAL. */
export function toErrorData(err: unknown): FleetErrorData {
  if (err instanceof FleetError) return err.toData();
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    const parsed = FleetErrorData.safeParse({ code: (err as { code: unknown }).code, message: (err as { message: unknown }).message });
    if (parsed.success) return parsed.data;
  }
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
