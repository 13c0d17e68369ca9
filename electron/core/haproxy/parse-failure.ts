import { FleetError } from '../../../shared/errors';

/**
 * PARSE_FAILED for a reply that is not what `command` prints: says what was wrong and quotes the
 * start of the reply (an error text such as "Unknown command" or "Permission denied" shows there).
 */
export function parseFailed(command: string, why: string, reply: string): FleetError {
  const head = reply.length > 200 ? `${reply.slice(0, 197)}...` : reply;
  return new FleetError('PARSE_FAILED', `the reply to "${command}" is not HAProxy's format: ${why}. It starts with ${JSON.stringify(head)}.`, {
    detail: { command, why, replyHead: head },
  });
}

/** An integer column: empty is null (HAProxy leaves columns that do not apply empty). */
export function intOrNull(value: string | undefined, invalid: () => FleetError): number | null {
  if (value === undefined || value === '') return null;
  if (!/^-?\d{1,15}$/.test(value)) throw invalid();
  return Number(value);
}
