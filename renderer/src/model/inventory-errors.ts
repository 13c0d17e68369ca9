/**
 * `INVENTORY_INVALID` carries `detail.errors[]`, one entry per problem, each naming where it is.
 * The path may come as "regions.0.name" or as the zod path array; line/column may be absent
 * for errors not tied to a spot in the file (e.g. the file is unreadable). Read by hand, not with
 * a zod schema: the banner is part of the first render, which does not load zod (api/parse.ts).
 */
interface Entry {
  file?: string;
  line?: number;
  column?: number;
  path?: string | Array<string | number>;
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optional = (v: unknown, is: (v: unknown) => boolean) => v === undefined || is(v);
const isString = (v: unknown) => typeof v === 'string';
const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isPath = (v: unknown) => isString(v) || (Array.isArray(v) && v.every((p) => isString(p) || isNumber(p)));

function isEntry(v: unknown): v is Entry {
  return (
    isObject(v) &&
    isString(v.message) &&
    optional(v.file, isString) &&
    optional(v.line, isNumber) &&
    optional(v.column, isNumber) &&
    optional(v.path, isPath)
  );
}

/** One line per entry, `file:line:column: path: message`; [] when detail has no such list (or one entry is not such). */
export function formatInventoryErrors(detail: unknown): string[] {
  if (!isObject(detail) || !Array.isArray(detail.errors) || !detail.errors.every(isEntry)) return [];
  return (detail.errors as Entry[]).map((e) => {
    const where = [e.file, e.line, e.column].filter((part) => part !== undefined).join(':');
    const path = Array.isArray(e.path) ? e.path.join('.') : e.path;
    return [where, path, e.message].filter((part) => part !== undefined && part !== '').join(': ');
  });
}
