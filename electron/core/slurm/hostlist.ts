import { FleetError } from '../../../shared/errors';
import { safeExcerpt } from '../gpu/safe-text';

/**
 * Slurm's hostlist expressions, as in a job's `nodes` ("gpu[01-03,07]") or a partition's:
 * comma-separated names where a bracket holds numbers and ranges, zero padding kept from the
 * range's first number ("[08-10]" → 08, 09, 10), several brackets in one name multiply
 * ("r[1-2]n[1-2]" → r1n1, r1n2, r2n1, r2n2), as Slurm's own hostlist does.
 *
 * Bounded: an expression that would expand past `maxNames` (a hostile "n[0-999999999]") is
 * refused before anything is built.
 */
export const DEFAULT_MAX_HOSTS = 65_536;

export function expandHostlist(expr: string, maxNames: number = DEFAULT_MAX_HOSTS): string[] {
  const out: string[] = [];
  for (const item of splitTopLevel(expr)) {
    const parts = parseItem(item, expr);
    let count = 1;
    for (const p of parts) if (typeof p !== 'string') count *= p.length;
    if (out.length + count > maxNames) refuse(expr, `expands to more than ${maxNames} names`);
    expandInto(parts, 0, '', out);
  }
  return out;
}

/** Splits on commas outside brackets; empty items (",,", a trailing comma) are dropped. */
function splitTopLevel(expr: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '[') {
      if (depth > 0) refuse(expr, 'has a bracket inside a bracket');
      depth = 1;
    } else if (c === ']') {
      if (depth === 0) refuse(expr, 'closes a bracket it never opened');
      depth = 0;
    } else if (c === ',' && depth === 0) {
      items.push(expr.slice(start, i));
      start = i + 1;
    }
  }
  if (depth > 0) refuse(expr, 'leaves a bracket open');
  items.push(expr.slice(start));
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

/** "gpu[01-02]-ib" → ["gpu", ["01", "02"], "-ib"]: literal text and the numbers of each bracket. */
function parseItem(item: string, expr: string): Array<string | string[]> {
  const parts: Array<string | string[]> = [];
  let rest = item;
  for (;;) {
    const open = rest.indexOf('[');
    if (open < 0) {
      if (rest) parts.push(rest);
      return parts;
    }
    if (open > 0) parts.push(rest.slice(0, open));
    const close = rest.indexOf(']', open);
    parts.push(expandRanges(rest.slice(open + 1, close), expr));
    rest = rest.slice(close + 1);
  }
}

function expandRanges(body: string, expr: string): string[] {
  const values: string[] = [];
  for (const range of body.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(range);
    if (!m) refuse(expr, `has "[${body}]": expected numbers and ranges like [1-3,5]`);
    const [, lo, hi] = m;
    if (hi === undefined) {
      values.push(lo);
      continue;
    }
    const a = Number(lo);
    const b = Number(hi);
    if (b < a) refuse(expr, `has the range ${lo}-${hi}, which runs backwards`);
    // Checked here, before the loop: one range alone may be the hostile part.
    if (b - a + 1 > DEFAULT_MAX_HOSTS) refuse(expr, `has the range ${lo}-${hi}, more than ${DEFAULT_MAX_HOSTS} names`);
    // Slurm pads to the width of the range's first number when it has leading zeros.
    const width = lo.length > 1 && lo.startsWith('0') ? lo.length : 0;
    for (let n = a; n <= b; n++) values.push(width ? String(n).padStart(width, '0') : String(n));
  }
  return values;
}

function expandInto(parts: Array<string | string[]>, i: number, prefix: string, out: string[]): void {
  if (i === parts.length) {
    out.push(prefix);
    return;
  }
  const part = parts[i];
  if (typeof part === 'string') {
    expandInto(parts, i + 1, prefix + part, out);
    return;
  }
  for (const v of part) expandInto(parts, i + 1, prefix + v, out);
}

function refuse(expr: string, why: string): never {
  throw new FleetError('PARSE_FAILED', `Slurm hostlist "${safeExcerpt(expr, 80)}" ${why}.`, { detail: { hostlist: safeExcerpt(expr, 200) } });
}
