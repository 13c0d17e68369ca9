import { z } from 'zod';
import type { PathSegment } from './inventory-issue';

/**
 * A schema problem in operator words. For an unknown key, `path` is the mapping that holds it and
 * `unknownKey` names it, so the position can point at the key itself.
 */
export interface SchemaProblem {
  path: PathSegment[];
  message: string;
  unknownKey?: string;
}

type Issue = z.core.$ZodIssue;

/**
 * Turns zod issues into the messages an operator reads next to a line number. zod's defaults
 * ("Invalid input: expected number, received string") speak about JavaScript, not the file.
 * `schema` is the root schema, used to suggest the key a typo probably meant.
 */
export function describeSchemaIssues(issues: readonly Issue[], schema: z.ZodType): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = keysOfObjectAt(schema, path);
      for (const key of issue.keys) {
        const guess = closest(key, allowed);
        const hint = guess ? ` (did you mean "${guess}"?)` : '';
        problems.push({ path, message: `unknown key "${key}"${hint}`, unknownKey: key });
      }
    } else {
      problems.push({ path, message: describeIssue(issue) });
    }
  }
  return problems;
}

function describeIssue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      // With reportInput on, a missing key is an issue whose input is undefined.
      if ('input' in issue && issue.input === undefined) return 'required key is missing';
      return `expected ${typeName(issue.expected)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${String(issue.values[0])}`
        : `expected one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return boundMessage('at least', 'more than', issue.origin, issue.minimum, issue.inclusive ?? true);
    case 'too_big':
      return boundMessage('at most', 'less than', issue.origin, issue.maximum, issue.inclusive ?? true);
    case 'invalid_union':
      return `expected ${unionExpectations(issue.errors).join(' or ')}`;
    case 'invalid_format':
      // Our schemas attach an operator-facing message to every format rule (see shared/inventory.ts).
      return issue.message;
    default:
      return issue.message;
  }
}

function typeName(expected: string): string {
  switch (expected) {
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'a mapping (key: value)';
    case 'array':
      return 'a list';
    default:
      return expected;
  }
}

function boundMessage(inclusiveWord: string, exclusiveWord: string, origin: string, bound: unknown, inclusive: boolean): string {
  const n = Number(bound);
  if (origin === 'string') {
    if (inclusiveWord === 'at least' && n === 1) return 'must not be empty';
    return `expected ${inclusive ? inclusiveWord : exclusiveWord} ${n} characters`;
  }
  if (origin === 'array') {
    if (inclusiveWord === 'at least' && n === 1) return 'must have at least one entry';
    return `expected ${inclusive ? inclusiveWord : exclusiveWord} ${n} entries`;
  }
  return `expected ${inclusive ? inclusiveWord : exclusiveWord} ${String(bound)}`;
}

/** For `agent: true` against `string | false`: each branch's first expectation, e.g. ["a string", "false"]. */
function unionExpectations(branches: readonly (readonly Issue[])[]): string[] {
  const out: string[] = [];
  for (const branch of branches) {
    const first = branch[0];
    if (!first) continue;
    const text = first.code === 'invalid_type' ? typeName(first.expected) : describeIssue(first).replace(/^expected /, '');
    if (!out.includes(text)) out.push(text);
  }
  return out.length > 0 ? out : ['a different value'];
}

/** The keys the (strict) object schema at `path` accepts, so a typo can be matched to one of them. */
function keysOfObjectAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let current: unknown = schema;
  for (const seg of [...path, null]) {
    current = unwrapOptional(current);
    if (seg === null) break;
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, unknown>)[String(seg)];
    else if (current instanceof z.ZodArray) current = current.element;
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrapOptional(schema: unknown): unknown {
  let current = schema;
  while (current instanceof z.ZodOptional) current = current.unwrap();
  return current;
}

/** The allowed key within edit distance 2 of `key` (typos, not different words), if any. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
