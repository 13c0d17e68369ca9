/**
 * Past this many rows a list lets off-screen rows skip rendering (CSS content-visibility, class
 * `grid-long`). Below it the cost is nothing worth saving, and every row stays fully rendered.
 */
export const LONG_LIST_ROWS = 60;

export function listClass(base: string, rows: number): string {
  return rows > LONG_LIST_ROWS ? `${base} grid-long` : base;
}
