/**
 * Audit entries as timeline events (issue 11): the timeline is the events table, so each audit
 * entry is mirrored there — in the same transaction as the append (audit-log.ts), so there is
 * never an entry without its mirror or a mirror without its entry. The chain itself is not
 * touched: the mirror is an ordinary event (kind `audit.<kind>`), pruned with the others unless an
 * incident holds it; the audit table keeps every entry for good.
 */
import type { AppendEventInput } from '../store/event-log';
import type { AuditEntry } from './audit-log';

/** Kinds whose entries record something refused, overridden, aborted or failed: warnings on the timeline (timeline-migration.ts mirrors older entries by the same words). */
const WARNING_KIND = /(^|\.)(refused|override|abort(-requested)?|failed|stop-all)$/;

/** The detail fields that say the most about an entry, in the order a reader wants them. */
const KEY_FIELDS = ['reason', 'text', 'title', 'action', 'runbook', 'name', 'status', 'label'] as const;
const MAX_MESSAGE = 300;

export function auditEventOf(entry: AuditEntry): AppendEventInput {
  const actor = `${entry.osUser}@${entry.host}`;
  const key = keyDetail(entry.detail);
  const message = oneLine(`${actor} ${entry.kind}${entry.subject !== null ? ` ${entry.subject}` : ''}${key ? `: ${key}` : ''}`);
  return {
    ts: entry.ts,
    kind: `audit.${entry.kind}`,
    subject: entry.subject,
    severity: WARNING_KIND.test(entry.kind) ? 'warning' : 'info',
    message,
    data: { auditId: entry.seq, actor, detail: entry.detail },
  };
}

/** The most telling field of the detail ("reason: read-only switch is on"), or '' when none is a short scalar. */
function keyDetail(detail: unknown): string {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return typeof detail === 'string' ? detail : '';
  const d = detail as Record<string, unknown>;
  const parts: string[] = [];
  for (const field of KEY_FIELDS) {
    const v = d[field];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') parts.push(field === 'reason' || field === 'text' || field === 'title' ? String(v) : `${field} ${String(v)}`);
    if (parts.length === 2) break;
  }
  if (typeof d.by === 'string') parts.push(`by ${d.by}`);
  return parts.join(', ');
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE - 1)}…` : flat;
}
