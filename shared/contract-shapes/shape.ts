/**
 * The contract's schemas as plain data (no zod), for the page's quick check of what the server
 * sends (renderer/src/api/fast-check.ts): what a value must be for zod to accept it and give it
 * back unchanged. Written at build time from the zod schemas (describe.ts, by
 * scripts/gen-contract-shapes.ts) into renderer/src/api/contract-shapes.json, so the page checks
 * the snapshot and the pushes of its first render without loading zod and building the
 * contract's ~2,300 schemas first (renderer/src/api/parse.ts).
 *
 * Nodes refer to each other by index in `ShapeTable.shapes`: a schema used in many places is
 * described once, and one that contains itself (an object shape getter) can be.
 */

/** A check on a string's or an array's length, a string's pattern, or a number. */
export type ShapeCheck =
  | ['min_length' | 'max_length' | 'length', number]
  | ['regex', string, string]
  | ['safeint']
  | ['>' | '>=' | '<' | '<=', number];

export type Shape =
  /** Anything (z.unknown, z.any). */
  | { t: 'any' }
  /** Something only zod can judge (a transform, a default, a refinement, a format…): the quick check says "ask zod". */
  | { t: 'zod'; why: string }
  | { t: 'string' | 'number' | 'array'; checks: ShapeCheck[]; of?: number }
  | { t: 'boolean' }
  | { t: 'null' }
  /** One of these values (z.enum, z.literal). */
  | { t: 'values'; values: Array<string | number | boolean | null> }
  | { t: 'nullable' | 'optional'; of: number }
  /**
   * An object: its fields (key, shape, whether the field is optional), and what zod does with
   * other keys: 'strip' (leaves them out of its output), 'strict' (fails), or a shape each one
   * must have (kept).
   */
  | { t: 'object'; fields: Array<[string, number, boolean]>; rest: 'strip' | 'strict' | number }
  /** A record with plain string keys. */
  | { t: 'record'; of: number }
  /**
   * A union. With `key`: zod picks the option by that field's value (`byValue`: value → option
   * index; a value two options claim maps to -1). Without: the first option that accepts.
   */
  | { t: 'union'; options: number[]; key?: string; byValue?: Array<[string | number | boolean | null, number]> };

export interface ShapeTable {
  shapes: Shape[];
  /** Each method's output. */
  methods: Record<string, number>;
  /** Each pushed event's payload. */
  pushes: Record<string, number>;
  /** The error carried by a failed call or an unattributed reply. */
  error: number;
}
