import type { z } from 'zod';
import type { Shape, ShapeCheck, ShapeTable } from './shape';

/**
 * Describes zod schemas as plain shapes (shape.ts) by reading zod 4's definitions
 * (`schema._zod.def`: public to libraries building on zod). Build-time and tests only: the page
 * loads the table it wrote (scripts/gen-contract-shapes.ts), never zod for it.
 *
 * The rule is one-sided, as the quick check's: a shape may only accept what zod accepts with an
 * output equal to the input. Whatever is not plainly one of the kinds below (coercion, a format
 * schema such as z.email(), a transform, a default, a pipe, a lazy, a refinement, a check with a
 * condition…) is `{ t: 'zod' }`: the page then lets zod judge the whole value.
 */

interface Internals {
  def: Record<string, unknown> & { type: string; checks?: Array<{ _zod: { def: Record<string, unknown> & { check: string } } }> };
  values?: Set<unknown>;
  propValues?: Record<string, Set<unknown>>;
}

const internals = (schema: unknown): Internals => (schema as { _zod: Internals })._zod;

type CheckDef = Record<string, unknown> & { check: string };

const LENGTH_CHECKS = new Set<ShapeCheck[0]>(['min_length', 'max_length', 'length']);

function lengthCheck(c: CheckDef): ShapeCheck | null {
  if (c.check === 'min_length' && typeof c.minimum === 'number') return ['min_length', c.minimum];
  if (c.check === 'max_length' && typeof c.maximum === 'number') return ['max_length', c.maximum];
  if (c.check === 'length_equals' && typeof c.length === 'number') return ['length', c.length];
  return null;
}

function stringCheck(c: CheckDef): ShapeCheck | null {
  if (c.check === 'string_format' && c.format === 'regex' && c.pattern instanceof RegExp) return ['regex', c.pattern.source, c.pattern.flags];
  return lengthCheck(c);
}

function numberCheck(c: CheckDef): ShapeCheck | null {
  if (c.check === 'number_format' && c.format === 'safeint') return ['safeint'];
  // JSON has no ±Infinity: such a bound is left to zod.
  if ((c.check === 'greater_than' || c.check === 'less_than') && typeof c.value === 'number' && Number.isFinite(c.value)) {
    if (c.check === 'greater_than') return [c.inclusive ? '>=' : '>', c.value];
    return [c.inclusive ? '<=' : '<', c.value];
  }
  return null;
}

/** The node's checks, or null when one of them is of a kind (or has a condition) not described here. */
function checksOf(def: Internals['def'], handled: (c: CheckDef) => ShapeCheck | null): ShapeCheck[] | null {
  const out: ShapeCheck[] = [];
  for (const c of def.checks ?? []) {
    const cd = c._zod.def;
    const check = handled(cd);
    // A condition decides when zod runs the check. zod's own length checks carry one that holds for
    // any string or array (what the node's type already requires): the check always runs. Any
    // other condition is left to zod.
    if (cd.when !== undefined && !(check && LENGTH_CHECKS.has(check[0]))) return null;
    if (!check) return null;
    out.push(check);
  }
  return out;
}

const isJsonScalar = (v: unknown): v is string | number | boolean | null =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** Builds a shape table; `add` describes a schema (and everything below it) and gives its index. */
export function shapeTableBuilder(): { shapes: Shape[]; add(schema: z.ZodType): number } {
  const shapes: Shape[] = [];
  const ids = new Map<object, number>();

  function add(schema: z.ZodType): number {
    const known = ids.get(schema);
    if (known !== undefined) return known;
    const id = shapes.length;
    // Reserved before its children are described: a schema that contains itself refers to it.
    ids.set(schema, id);
    shapes.push({ t: 'zod', why: 'being described' });
    let shape: Shape;
    try {
      shape = describe(schema);
    } catch (err) {
      shape = { t: 'zod', why: `not readable: ${(err as Error).message}` };
    }
    shapes[id] = shape;
    return id;
  }

  function describe(schema: z.ZodType): Shape {
    const zi = internals(schema);
    const def = zi.def;
    // Coercion changes the value; a format schema (z.int(), z.email(), z.uuid()…) is its own check.
    if (def.coerce === true) return { t: 'zod', why: 'coercion' };
    if (def.check !== undefined || def.format !== undefined) return { t: 'zod', why: `format ${String(def.format ?? def.check)}` };
    const noChecks = (def.checks ?? []).length === 0;
    switch (def.type) {
      case 'unknown':
      case 'any':
        return noChecks ? { t: 'any' } : { t: 'zod', why: 'refined' };
      case 'string':
      case 'number': {
        const checks = checksOf(def, def.type === 'string' ? stringCheck : numberCheck);
        return checks ? { t: def.type, checks } : { t: 'zod', why: `${def.type} check` };
      }
      case 'boolean':
        return noChecks ? { t: 'boolean' } : { t: 'zod', why: 'refined' };
      case 'null':
        return { t: 'null' };
      case 'enum':
      case 'literal': {
        const values = zi.values;
        if (!(values instanceof Set) || !noChecks || ![...values].every(isJsonScalar)) return { t: 'zod', why: `${def.type} of other values` };
        return { t: 'values', values: [...values] as Array<string | number | boolean | null> };
      }
      case 'nullable':
      case 'optional':
        return { t: def.type, of: add(def.innerType as z.ZodType) };
      case 'array': {
        const checks = checksOf(def, lengthCheck);
        return checks ? { t: 'array', checks, of: add(def.element as z.ZodType) } : { t: 'zod', why: 'array check' };
      }
      case 'object': {
        if (!noChecks) return { t: 'zod', why: 'refined object' };
        const shape = def.shape as Record<string, z.ZodType>;
        const fields = Object.keys(shape).map((key): [string, number, boolean] => [key, add(shape[key]), internals(shape[key]).def.type === 'optional']);
        const catchall = def.catchall as z.ZodType | undefined;
        // No catchall: zod strips unknown keys. `never`: strict, they fail. Anything else: kept, each checked against it.
        const rest = catchall === undefined ? 'strip' : internals(catchall).def.type === 'never' ? 'strict' : add(catchall);
        return { t: 'object', fields, rest };
      }
      case 'record': {
        const key = internals(def.keyType).def;
        if (key.type !== 'string' || (key.checks ?? []).length > 0 || !noChecks) return { t: 'zod', why: 'record of other keys' };
        return { t: 'record', of: add(def.valueType as z.ZodType) };
      }
      case 'union': {
        if (!noChecks) return { t: 'zod', why: 'refined union' };
        const schemas = def.options as z.ZodType[];
        const disc = def.discriminator;
        // An exclusive union (z.xor) fails on two matches: not described.
        if (typeof disc !== 'string' && def.inclusive === false) return { t: 'zod', why: 'exclusive union' };
        const options = schemas.map(add);
        if (typeof disc !== 'string') return { t: 'union', options };
        // As zod picks: the one option whose discriminator values hold the value's (ambiguous: none).
        const byValue = new Map<string | number | boolean | null, number>();
        for (let i = 0; i < schemas.length; i++) {
          const values = internals(schemas[i]).propValues?.[disc];
          if (!values || values.size === 0 || ![...values].every(isJsonScalar)) return { t: 'zod', why: 'discriminator of other values' };
          for (const value of values as Set<string | number | boolean | null>) byValue.set(value, byValue.has(value) ? -1 : i);
        }
        return { t: 'union', options, key: disc, byValue: [...byValue] };
      }
      default:
        return { t: 'zod', why: def.type };
    }
  }

  return { shapes, add };
}

/** The contract's table: every method's output, every pushed event's payload, and the error a failed call carries. */
export function contractShapeTable(contract: {
  methods: Record<string, { output: z.ZodType }>;
  pushEvents: Record<string, z.ZodType>;
  FleetErrorData: z.ZodType;
}): ShapeTable {
  const builder = shapeTableBuilder();
  const methods: Record<string, number> = {};
  for (const name of Object.keys(contract.methods).sort()) methods[name] = builder.add(contract.methods[name].output);
  const pushes: Record<string, number> = {};
  for (const name of Object.keys(contract.pushEvents).sort()) pushes[name] = builder.add(contract.pushEvents[name]);
  const error = builder.add(contract.FleetErrorData);
  return { shapes: builder.shapes, methods, pushes, error };
}
