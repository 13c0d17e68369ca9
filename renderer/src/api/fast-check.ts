import type { z } from 'zod';

/**
 * A quick yes to "would the contract's zod schema accept this value, and give back a value equal
 * to it?", so a pushed event or a reply that is fine can be used as it came, and zod parses only
 * what is not.
 *
 * Why: the page's CSP forbids eval, so zod runs jitless (zod-jitless.ts), interpreting every
 * schema node and copying every object and array of the value as it goes. A `nodes.updated`
 * push of a 1,000-node fleet carries some 60 node statuses with 8 GPUs each — over ten thousand
 * fields, several times a second — and the 1,000-node snapshot ten times that: on a busy
 * machine that validation alone took a frame's budget. These checkers are closures built once
 * per schema from zod's own definitions (`schema._zod.def`), with no allocation per value.
 *
 * The rule is one-sided: a checker says `true` only when zod would succeed with an output deeply
 * equal to the input; `false` means "ask zod" (parse.ts then runs zod, which gives the value or
 * the error it always gave). So a schema node it does not know (a transform, a default, a pipe,
 * a lazy, a string format other than a plain regex, a refinement…) is checked by running zod on
 * that node alone and comparing its output with the input; and an object schema that strips
 * unknown keys answers `false` when there are any, since zod's output would lack them.
 */

type Check = (value: unknown) => boolean;

interface Compiled {
  check: Check;
  /**
   * True when every value zod accepts comes out equal to itself (nothing stripped, transformed or
   * defaulted anywhere below). A plain union is checked option by option only when all its options
   * are exact: zod takes the first option that succeeds, which must then give the input back too.
   */
  exact: boolean;
}

/** The slice of zod 4's internals read here (`schema._zod`): public to libraries building on zod. */
interface Internals {
  def: Record<string, unknown> & { type: string; checks?: Array<{ _zod: { def: Record<string, unknown> & { check: string } } }> };
  values?: Set<unknown>;
  propValues?: Record<string, Set<unknown>>;
}

const internals = (schema: unknown): Internals => (schema as { _zod: Internals })._zod;

const compiled = new WeakMap<object, Compiled>();
const compiling = new WeakSet<object>();

/** The checker of `schema`, built on first use and kept. */
export function fastCheck(schema: z.ZodType): Check {
  return compile(schema).check;
}

function compile(schema: z.ZodType): Compiled {
  const done = compiled.get(schema);
  if (done) return done;
  if (compiling.has(schema)) {
    // A schema that contains itself (an object shape getter): look it up when it is used.
    return { check: (v) => (compiled.get(schema) as Compiled).check(v), exact: false };
  }
  compiling.add(schema);
  let result: Compiled;
  try {
    result = build(schema) ?? zodLeaf(schema);
  } catch {
    result = zodLeaf(schema);
  } finally {
    compiling.delete(schema);
  }
  compiled.set(schema, result);
  return result;
}

/** Any schema node: zod itself on this node, its output compared with the input. */
function zodLeaf(schema: z.ZodType): Compiled {
  return {
    check: (v) => {
      const r = schema.safeParse(v);
      return r.success && deepEqual(r.data, v);
    },
    exact: false,
  };
}

/** Own enumerable keys and values, equal all the way down (what JSON or structured clone can hold). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b || Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

type CheckDef = Record<string, unknown> & { check: string };

/** The node's checks, or null when one of them is of a kind (or has a condition) not handled here. */
function checksOf(def: Internals['def'], handled: (c: CheckDef) => Check | null): Check[] | null {
  const out: Check[] = [];
  for (const c of def.checks ?? []) {
    const cd = c._zod.def;
    if (cd.when !== undefined) return null;
    const fn = handled(cd);
    if (!fn) return null;
    out.push(fn);
  }
  return out;
}

const all = (checks: Check[]): Check => (checks.length === 0 ? () => true : checks.length === 1 ? checks[0] : (v) => checks.every((c) => c(v)));

function lengthCheck(c: CheckDef): Check | null {
  if (c.check === 'min_length' && typeof c.minimum === 'number') {
    const min = c.minimum;
    return (v) => (v as { length: number }).length >= min;
  }
  if (c.check === 'max_length' && typeof c.maximum === 'number') {
    const max = c.maximum;
    return (v) => (v as { length: number }).length <= max;
  }
  if (c.check === 'length_equals' && typeof c.length === 'number') {
    const len = c.length;
    return (v) => (v as { length: number }).length === len;
  }
  return null;
}

function stringCheck(c: CheckDef): Check | null {
  if (c.check === 'string_format' && c.format === 'regex' && c.pattern instanceof RegExp) {
    const pattern = c.pattern;
    return (v) => {
      pattern.lastIndex = 0;
      return pattern.test(v as string);
    };
  }
  return lengthCheck(c);
}

function numberCheck(c: CheckDef): Check | null {
  if (c.check === 'number_format' && c.format === 'safeint') return (v) => Number.isSafeInteger(v);
  if ((c.check === 'greater_than' || c.check === 'less_than') && typeof c.value === 'number') {
    const bound = c.value;
    if (c.check === 'greater_than') return c.inclusive ? (v) => (v as number) >= bound : (v) => (v as number) > bound;
    return c.inclusive ? (v) => (v as number) <= bound : (v) => (v as number) < bound;
  }
  return null;
}

/** What JSON.parse and structured clone make; zod's output objects are the same kind. */
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** The checker of one schema node, or null to use zod on it (zodLeaf). */
function build(schema: z.ZodType): Compiled | null {
  const z = internals(schema);
  const def = z.def;
  // Coercion changes the value; a format schema (z.int(), z.email(), z.uuid()…) is its own check.
  if (def.coerce === true || def.check !== undefined || def.format !== undefined) return null;
  switch (def.type) {
    case 'unknown':
    case 'any':
      return (def.checks ?? []).length === 0 ? { check: () => true, exact: true } : null;
    case 'string': {
      const checks = checksOf(def, stringCheck);
      if (!checks) return null;
      const rest = all(checks);
      return { check: (v) => typeof v === 'string' && rest(v), exact: true };
    }
    case 'number': {
      const checks = checksOf(def, numberCheck);
      if (!checks) return null;
      const rest = all(checks);
      // zod 4 refuses NaN and ±Infinity.
      return { check: (v) => typeof v === 'number' && Number.isFinite(v) && rest(v), exact: true };
    }
    case 'boolean':
      return (def.checks ?? []).length === 0 ? { check: (v) => typeof v === 'boolean', exact: true } : null;
    case 'null':
      return { check: (v) => v === null, exact: true };
    case 'enum':
    case 'literal': {
      const values = z.values;
      if (!(values instanceof Set) || (def.checks ?? []).length > 0) return null;
      return { check: (v) => values.has(v), exact: true };
    }
    case 'nullable': {
      const inner = compile(def.innerType as z.ZodType);
      return { check: (v) => v === null || inner.check(v), exact: inner.exact };
    }
    case 'optional': {
      const inner = compile(def.innerType as z.ZodType);
      return { check: (v) => v === undefined || inner.check(v), exact: inner.exact };
    }
    case 'array': {
      const checks = checksOf(def, lengthCheck);
      if (!checks) return null;
      const rest = all(checks);
      const element = compile(def.element as z.ZodType);
      return {
        check: (v) => {
          if (!Array.isArray(v) || !rest(v)) return false;
          for (let i = 0; i < v.length; i++) if (!element.check(v[i])) return false;
          return true;
        },
        exact: element.exact,
      };
    }
    case 'object':
      return buildObject(def);
    case 'record': {
      const key = internals(def.keyType).def;
      if (key.type !== 'string' || (key.checks ?? []).length > 0 || (def.checks ?? []).length > 0) return null;
      const value = compile(def.valueType as z.ZodType);
      return {
        check: (v) => {
          if (!isPlainObject(v) || hasOwn(v, '__proto__')) return false;
          for (const k of Object.keys(v)) if (!value.check(v[k])) return false;
          return true;
        },
        // zod's output leaves out an own "__proto__" key: not exact.
        exact: false,
      };
    }
    case 'union':
      return buildUnion(def);
    default:
      return null;
  }
}

function buildObject(def: Internals['def']): Compiled | null {
  if ((def.checks ?? []).length > 0) return null;
  const shape = def.shape as Record<string, z.ZodType>;
  const keys = Object.keys(shape);
  const fields = keys.map((key) => ({ key, optional: internals(shape[key]).def.type === 'optional', compiled: compile(shape[key]) }));
  const known = new Set(keys);
  const catchall = def.catchall as z.ZodType | undefined;
  // No catchall: zod strips unknown keys (its output would lack them). `never`: strict, they fail.
  // Anything else: kept, each checked against it.
  const extra = catchall === undefined || internals(catchall).def.type === 'never' ? null : compile(catchall);
  return {
    check: (v) => {
      if (!isPlainObject(v)) return false;
      let present = 0;
      for (const f of fields) {
        if (!hasOwn(v, f.key)) {
          if (!f.optional) return false;
          continue;
        }
        present++;
        const value = v[f.key];
        if (value === undefined && !f.optional) return false;
        if (!f.compiled.check(value)) return false;
      }
      // Counted, not listed: no array per object checked. (`for…in`, as zod walks extra keys.)
      let enumerable = 0;
      for (const k in v) enumerable++;
      if (enumerable === present) return true;
      if (!extra) return false;
      for (const k in v) {
        if (known.has(k)) continue;
        if (k === '__proto__' || !hasOwn(v, k) || !extra.check(v[k])) return false;
      }
      return true;
    },
    exact: catchall !== undefined && fields.every((f) => f.compiled.exact) && (extra === null || extra.exact),
  };
}

function buildUnion(def: Internals['def']): Compiled | null {
  if ((def.checks ?? []).length > 0) return null;
  const options = (def.options as z.ZodType[]).map((o) => ({ schema: o, compiled: compile(o) }));
  const disc = def.discriminator;
  if (typeof disc === 'string') {
    // As zod picks: the one option whose discriminator values hold the value's (ambiguous: none).
    const byValue = new Map<unknown, Compiled | null>();
    for (const o of options) {
      const values = internals(o.schema).propValues?.[disc];
      if (!values || values.size === 0) return null;
      for (const value of values) byValue.set(value, byValue.has(value) ? null : o.compiled);
    }
    return {
      check: (v) => {
        if (!isPlainObject(v) || v[disc] === undefined) return false;
        const option = byValue.get(v[disc]);
        return option ? option.check(v) : false;
      },
      exact: options.every((o) => o.compiled.exact),
    };
  }
  // An exclusive union (z.xor) fails on two matches: not handled here.
  if (def.inclusive === false) return null;
  if (!options.every((o) => o.compiled.exact)) return null;
  return { check: (v) => options.some((o) => o.compiled.check(v)), exact: true };
}
