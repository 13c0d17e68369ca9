import type { Shape, ShapeCheck, ShapeTable } from '../../../shared/contract-shapes/shape';

/**
 * A quick yes to "would the contract's zod schema accept this value, and give back a value equal
 * to it?", so a pushed event or a reply that is fine can be used as it came, and zod parses only
 * what is not — and is loaded only then (parse.ts).
 *
 * Why: the page's CSP forbids eval, so zod runs jitless (zod-jitless.ts), interpreting every
 * schema node and copying every object and array of the value as it goes. A `nodes.updated`
 * push of a 1,000-node fleet carries some 60 node statuses with 8 GPUs each — over ten thousand
 * fields, several times a second — and the 1,000-node snapshot ten times that: on a busy
 * machine that validation alone took a frame's budget. And building the contract's schemas is
 * itself a good part of the page's start. So the checks are closures built once per shape from
 * the contract's shape table (shared/contract-shapes/: plain data written from the zod schemas at
 * build time), with no allocation per value and no zod.
 *
 * The rule is one-sided: a checker says `true` only when zod would succeed with an output deeply
 * equal to the input; `false` means "ask zod" (parse.ts then runs zod, which gives the value or
 * the error it always gave). So a shape only zod can judge (`t: 'zod'`: a transform, a default,
 * a format, a refinement…) answers `false`, and an object whose schema strips unknown keys
 * answers `false` when there are any, since zod's output would lack them.
 */

type Check = (value: unknown) => boolean;

interface Compiled {
  check: Check;
  /**
   * True when every value zod accepts comes out equal to itself (nothing stripped anywhere
   * below). A plain union is checked option by option only when all its options are exact: zod
   * takes the first option that succeeds, which must then give the input back too.
   */
  exact: boolean;
}

const NO: Compiled = { check: () => false, exact: false };

/** The checkers of a shape table's shapes, each built on first use and kept. */
export function shapeCheckers(table: ShapeTable): (id: number) => Check {
  const compiled: Array<Compiled | undefined> = [];
  const compiling = new Set<number>();

  function compile(id: number): Compiled {
    const done = compiled[id];
    if (done) return done;
    if (compiling.has(id)) {
      // A shape that contains itself: look it up when it is used.
      return { check: (v) => (compiled[id] ?? NO).check(v), exact: false };
    }
    const shape = table.shapes[id];
    if (!shape) return NO;
    compiling.add(id);
    let result: Compiled;
    try {
      result = build(shape, compile, table.shapes);
    } finally {
      compiling.delete(id);
    }
    compiled[id] = result;
    return result;
  }

  return (id) => compile(id).check;
}

const all = (checks: Check[]): Check => (checks.length === 0 ? () => true : checks.length === 1 ? checks[0] : (v) => checks.every((c) => c(v)));

function checkOf(c: ShapeCheck): Check {
  switch (c[0]) {
    case 'min_length': {
      const min = c[1];
      return (v) => (v as { length: number }).length >= min;
    }
    case 'max_length': {
      const max = c[1];
      return (v) => (v as { length: number }).length <= max;
    }
    case 'length': {
      const len = c[1];
      return (v) => (v as { length: number }).length === len;
    }
    case 'regex': {
      const pattern = new RegExp(c[1], c[2]);
      return (v) => {
        pattern.lastIndex = 0;
        return pattern.test(v as string);
      };
    }
    case 'safeint':
      return (v) => Number.isSafeInteger(v);
    case '>': {
      const bound = c[1];
      return (v) => (v as number) > bound;
    }
    case '>=': {
      const bound = c[1];
      return (v) => (v as number) >= bound;
    }
    case '<': {
      const bound = c[1];
      return (v) => (v as number) < bound;
    }
    case '<=': {
      const bound = c[1];
      return (v) => (v as number) <= bound;
    }
    default:
      // A check this page does not know (a newer table): never a yes.
      return () => false;
  }
}

/** What JSON.parse and structured clone make; zod's output objects are the same kind. */
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** The checker of one shape; `compile` gives those of the shapes it refers to. */
function build(shape: Shape, compile: (id: number) => Compiled, shapes: readonly Shape[]): Compiled {
  switch (shape.t) {
    case 'any':
      return { check: () => true, exact: true };
    case 'zod':
      return NO;
    case 'string': {
      const rest = all(shape.checks.map(checkOf));
      return { check: (v) => typeof v === 'string' && rest(v), exact: true };
    }
    case 'number': {
      const rest = all(shape.checks.map(checkOf));
      // zod 4 refuses NaN and ±Infinity.
      return { check: (v) => typeof v === 'number' && Number.isFinite(v) && rest(v), exact: true };
    }
    case 'boolean':
      return { check: (v) => typeof v === 'boolean', exact: true };
    case 'null':
      return { check: (v) => v === null, exact: true };
    case 'values': {
      const values = new Set<unknown>(shape.values);
      return { check: (v) => values.has(v), exact: true };
    }
    case 'nullable': {
      const inner = compile(shape.of);
      return { check: (v) => v === null || inner.check(v), exact: inner.exact };
    }
    case 'optional': {
      const inner = compile(shape.of);
      return { check: (v) => v === undefined || inner.check(v), exact: inner.exact };
    }
    case 'array': {
      if (shape.of === undefined) return NO;
      const rest = all(shape.checks.map(checkOf));
      const element = compile(shape.of);
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
      return buildObject(shape, compile, shapes);
    case 'record': {
      const value = compile(shape.of);
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
      return buildUnion(shape, compile);
    default:
      // A kind this page does not know (a newer table): never a yes.
      return NO;
  }
}

/**
 * A field's check, inlined for the commonest shapes (a plain string, a finite number, a boolean,
 * each maybe null): the snapshot's ~65,000 fields are checked once as the page starts, before V8
 * has optimised anything, where a closure call per field was most of the cost.
 */
const enum Plain {
  None,
  String,
  Number,
  Boolean,
  StringOrNull,
  NumberOrNull,
  BooleanOrNull,
}

function plainOf(shapes: readonly Shape[], id: number): Plain {
  let shape = shapes[id];
  if (shape?.t === 'optional') shape = shapes[shape.of];
  let nullable = false;
  if (shape?.t === 'nullable') {
    nullable = true;
    shape = shapes[shape.of];
  }
  if (shape?.t === 'string' && shape.checks.length === 0) return nullable ? Plain.StringOrNull : Plain.String;
  if (shape?.t === 'number' && shape.checks.length === 0) return nullable ? Plain.NumberOrNull : Plain.Number;
  if (shape?.t === 'boolean') return nullable ? Plain.BooleanOrNull : Plain.Boolean;
  return Plain.None;
}

function plainCheck(plain: Plain, v: unknown): boolean {
  switch (plain) {
    case Plain.String:
      return typeof v === 'string';
    case Plain.Number:
      // zod 4 refuses NaN and ±Infinity.
      return typeof v === 'number' && Number.isFinite(v);
    case Plain.Boolean:
      return typeof v === 'boolean';
    case Plain.StringOrNull:
      return v === null || typeof v === 'string';
    case Plain.NumberOrNull:
      return v === null || (typeof v === 'number' && Number.isFinite(v));
    case Plain.BooleanOrNull:
      return v === null || typeof v === 'boolean';
    default:
      return false;
  }
}

function buildObject(shape: Extract<Shape, { t: 'object' }>, compile: (id: number) => Compiled, shapes: readonly Shape[]): Compiled {
  const fields = shape.fields.map(([key, id, optional]) => ({
    key,
    optional,
    compiled: compile(id),
    plain: plainOf(shapes, id),
    // Read through `v[key]`, a key Object.prototype has (toString, constructor…) must be the value's own.
    inherited: key in Object.prototype,
  }));
  const known = new Set(fields.map((f) => f.key));
  // 'strip': zod leaves unknown keys out of its output. 'strict': they fail. A shape: kept, each checked against it.
  const extra = typeof shape.rest === 'number' ? compile(shape.rest) : null;
  return {
    check: (v) => {
      if (!isPlainObject(v)) return false;
      let present = 0;
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i];
        const value = v[f.key];
        if (value === undefined) {
          // Missing, or there as undefined: only an optional field may be either.
          if (!f.optional) return false;
          if (hasOwn(v, f.key)) present++;
          continue;
        }
        if (f.inherited && !hasOwn(v, f.key)) return false;
        present++;
        if (f.plain !== Plain.None ? !plainCheck(f.plain, value) : !f.compiled.check(value)) return false;
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
    exact: shape.rest !== 'strip' && fields.every((f) => f.compiled.exact) && (extra === null || extra.exact),
  };
}

function buildUnion(shape: Extract<Shape, { t: 'union' }>, compile: (id: number) => Compiled): Compiled {
  const options = shape.options.map(compile);
  const key = shape.key;
  if (key !== undefined) {
    // As zod picks: the one option whose discriminator values hold the value's (-1: two claim it).
    const byValue = new Map<unknown, Compiled | null>((shape.byValue ?? []).map(([value, i]) => [value, options[i] ?? null]));
    return {
      check: (v) => {
        if (!isPlainObject(v) || v[key] === undefined) return false;
        const option = byValue.get(v[key]);
        return option ? option.check(v) : false;
      },
      exact: options.every((o) => o.exact),
    };
  }
  if (!options.every((o) => o.exact)) return NO;
  return { check: (v) => options.some((o) => o.check(v)), exact: true };
}
