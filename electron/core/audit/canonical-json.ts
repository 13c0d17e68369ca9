import { FleetError } from '../../../shared/errors';

/**
 * Canonical JSON as the JSON Canonicalization Scheme (RFC 8785) defines it for the values an
 * audit detail can hold: object keys sorted by UTF-16 code units, no whitespace, strings and
 * numbers written the way ECMAScript's JSON.stringify writes them (which is what RFC 8785
 * specifies). One value has exactly one text, so anyone holding an entry's decoded detail
 * (from `audit list --json`, an export, another language) can rebuild the stored text byte for
 * byte and recompute the entry's hash.
 *
 * Accepted: null, booleans, finite numbers, strings, arrays and plain objects of these.
 * Properties whose value is undefined are left out, as JSON.stringify does, so callers can pass
 * optional fields as they are. Everything else (NaN, Infinity, bigint, functions, symbols, Dates,
 * Maps, class instances, cycles, undefined array items) is refused rather than silently
 * converted: an audit record must say exactly what the caller meant.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set(), '$');
}

/** True when `text` is valid JSON written exactly as canonicalJson would write its value. */
export function isCanonicalJson(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  try {
    return canonicalJson(value) === text;
  } catch {
    return false;
  }
}

function write(value: unknown, ancestors: Set<object>, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw refuse(path, `${String(value)} is not a JSON number`);
      // JSON.stringify writes -0 as 0, as RFC 8785 requires.
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw refuse(path, `a ${typeof value} is not JSON`);
  }
  const obj = value as object;
  if (ancestors.has(obj)) throw refuse(path, 'the value contains a cycle');
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) {
      return `[${obj.map((item: unknown, i) => {
        if (item === undefined) throw refuse(`${path}[${i}]`, 'undefined is not JSON');
        return write(item, ancestors, `${path}[${i}]`);
      }).join(',')}]`;
    }
    const proto = Object.getPrototypeOf(obj) as unknown;
    if (proto !== Object.prototype && proto !== null) throw refuse(path, `a ${obj.constructor?.name ?? 'non-plain'} object is not plain JSON`);
    const record = obj as Record<string, unknown>;
    // Default sort compares UTF-16 code units, the order RFC 8785 prescribes.
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${write(record[k], ancestors, `${path}.${k}`)}`).join(',')}}`;
  } finally {
    ancestors.delete(obj);
  }
}

function refuse(path: string, why: string): FleetError {
  return new FleetError('BAD_REQUEST', `audit detail is not canonical JSON at ${path}: ${why}`);
}
