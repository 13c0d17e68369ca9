/**
 * Intl objects the console shares, each built on first use. Building the page's first Intl
 * formatter or collator loads the locale's data (~10–20 ms of the main thread, measured while the
 * console loaded), and none of the first views needs one: built at module level, every load paid
 * for it before the first render.
 */
let natural: Intl.Collator | null = null;

/** Compares names the way people read them: "node-2" before "node-10". */
export function compareNatural(a: string, b: string): number {
  natural ??= new Intl.Collator('en', { numeric: true });
  return natural.compare(a, b);
}

let wholeNumbers: Intl.NumberFormat | null = null;

/** "1,234,567": a whole number with thousands separators (en-US, as the rest of the console's numbers). */
export function formatWholeNumber(n: number): string {
  wholeNumbers ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  return wholeNumbers.format(n);
}
