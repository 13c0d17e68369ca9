import { z } from 'zod';

/**
 * `INVENTORY_INVALID` carries `detail.errors[]`, one entry per problem, each naming where it is.
 * The path may come as "regions.0.name" or as the zod path array; line/column may be absent
 * for errors not tied to a spot in the file (e.g. the file is unreadable).
 */
const Entry = z.object({
  file: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  path: z.union([z.string(), z.array(z.union([z.string(), z.number()]))]).optional(),
  message: z.string(),
});
const Detail = z.object({ errors: z.array(Entry) });

/** One line per entry, `file:line:column: path: message`; [] when detail has no such list. */
export function formatInventoryErrors(detail: unknown): string[] {
  const parsed = Detail.safeParse(detail);
  if (!parsed.success) return [];
  return parsed.data.errors.map((e) => {
    const where = [e.file, e.line, e.column].filter((part) => part !== undefined).join(':');
    const path = Array.isArray(e.path) ? e.path.join('.') : e.path;
    return [where, path, e.message].filter((part) => part !== undefined && part !== '').join(': ');
  });
}
