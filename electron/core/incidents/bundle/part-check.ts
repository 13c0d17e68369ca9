/**
 * How an incident bundle's parts are checked on import: against a zod schema, every refusal
 * BUNDLE_INVALID naming the part (and line) and the first problem, e.g.
 * "events.otel.jsonl line 17: severityNumber: expected number, received string".
 */
import type { z } from 'zod';
import { FleetError } from '../../../../shared/errors';

export const partInvalid = (where: string, what: string) => new FleetError('BUNDLE_INVALID', `${where}: ${what}`, { subject: where });

/** The path as a reader writes it: `milestones[2].at`. */
function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(top)';
}

/** `value` as the schema's type, or BUNDLE_INVALID at `where` naming the first problem's path. */
export function checkPart<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  if (!issue) throw partInvalid(where, 'does not match its schema');
  throw partInvalid(where, `${pathText(issue.path)}: ${issue.message.replace(/^Invalid input: /, '')}`);
}
