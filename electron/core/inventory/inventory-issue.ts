import { FleetError } from '../../../shared/errors';

/** One problem found in an inventory file, pinned to where the operator has to fix it. */
export interface InventoryIssue {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Where in the document, e.g. `regions[0].clusters[1].nodes[3].port`; '' for the whole file. */
  path: string;
  message: string;
}

/** Enough to fix a broken file in one pass without flooding the console with garbage input. */
export const MAX_REPORTED_ISSUES = 50;

export type PathSegment = string | number;

/** `['regions', 0, 'name']` → `regions[0].name`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** `fleet.yaml:12:5: regions[0].clusters[1].nodes[3].port: expected a number` */
export function formatIssue(issue: InventoryIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.path === '' ? `${where}: ${issue.message}` : `${where}: ${issue.path}: ${issue.message}`;
}

/** Orders issues as they appear in the file, so the first one reported is the first one to fix. */
export function sortIssues(issues: InventoryIssue[]): InventoryIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The single error thrown for a bad inventory: the message is the first issue, detail lists them all (capped). */
export function inventoryInvalid(issues: InventoryIssue[]): FleetError {
  const sorted = sortIssues(issues);
  const reported = sorted.slice(0, MAX_REPORTED_ISSUES);
  const first = formatIssue(reported[0]);
  const more = sorted.length - 1;
  const message = more === 0 ? first : `${first} (and ${more} more ${more === 1 ? 'error' : 'errors'})`;
  return new FleetError('INVENTORY_INVALID', message, {
    detail: { errors: reported, total: sorted.length },
  });
}
