import type { z } from 'zod';
import { FleetError, toErrorData } from '../../../shared/errors';
import type { SlurmSkipped } from '../../../shared/slurm';
import { safeExcerpt } from '../gpu/safe-text';
import { formatPath } from '../inventory/inventory-issue';
import { describeSchemaIssues } from '../inventory/zod-messages';

/**
 * The list of one answer (`nodes`, `jobs`, `partitions`), item by item: an item that does not
 * have the expected shape is set aside with the reason instead of failing the whole answer (one
 * odd node must not hide 2,047 good ones). The answer fails only when the list itself is missing,
 * or when no item at all could be read (the shapes are wrong, not one item).
 */
export interface ParsedItems<T> {
  items: T[];
  skipped: SlurmSkipped[];
}

export function parseItems<Raw, Out>(
  json: Record<string, unknown>,
  key: string,
  schema: z.ZodType<Raw>,
  map: (raw: Raw) => Out,
  what: string,
): ParsedItems<Out> {
  const list = json[key];
  if (!Array.isArray(list)) {
    throw new FleetError('PARSE_FAILED', `slurmrestd's answer to ${what} has no "${key}" list${key in json ? ` (it is ${typeName(list)})` : ''}.`, {
      detail: { reason: 'bad-shape', key },
    });
  }
  const items: Out[] = [];
  const skipped: SlurmSkipped[] = [];
  for (let i = 0; i < list.length; i++) {
    const raw: unknown = list[i];
    // The label is built only for an item set aside: a poll reads thousands that are fine.
    const label = (): string => `${key}[${i}]${nameOf(raw)}`;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const problems = describeSchemaIssues(parsed.error.issues, schema).slice(0, 3);
      skipped.push({ path: label(), problem: problems.map((p) => `${p.path.length > 0 ? `${formatPath(p.path)}: ` : ''}${p.message}`).join('; ') });
      continue;
    }
    try {
      items.push(map(parsed.data));
    } catch (err) {
      // A hostlist too large to expand, and the like: this item only.
      skipped.push({ path: label(), problem: toErrorData(err).message });
    }
  }
  if (items.length === 0 && skipped.length > 0) {
    const first = skipped.slice(0, 3).map((s) => `${s.path}: ${s.problem}`).join('; ');
    throw new FleetError('PARSE_FAILED', `slurmrestd's answer to ${what}: none of its ${skipped.length} ${key} has the expected shape (${first}).`, {
      detail: { reason: 'bad-shape', key, skipped: skipped.slice(0, 20) },
    });
  }
  return { items, skipped };
}

function nameOf(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return '';
  const r = raw as Record<string, unknown>;
  const name = typeof r.name === 'string' ? r.name : typeof r.job_id === 'number' ? String(r.job_id) : undefined;
  return name ? ` (${safeExcerpt(name, 60)})` : '';
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
