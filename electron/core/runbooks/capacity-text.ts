/**
 * The words of the capacity precondition: numbers as an operator reads them, and the names of
 * what was or was not checked, kept short enough for one line of the plan.
 */

/**
 * A ratio as a percentage with two significant digits of what is missing: 0.97 → "97.0",
 * 0.988 → "98.8", 0.999973 → "99.9973", 0.999 → "99.90". A fixed number of decimals would show
 * every redundant estimate as "100.00".
 */
export function percent(ratio: number): string {
  if (ratio >= 1) return '100';
  if (ratio <= 0) return '0.0';
  // toPrecision drops the float noise of 1 − 0.999 (0.0010000000000000009) before the log.
  const missing = Number((100 * (1 - ratio)).toPrecision(12));
  const decimals = Math.min(12, Math.max(1, Math.ceil(-Math.log10(missing)) + 1));
  return (ratio * 100).toFixed(decimals);
}

/** "97.0-98.8%", or "98.0%" when the ends print alike. */
export function percentRange(ratios: readonly number[]): string {
  const lo = percent(Math.min(...ratios));
  const hi = percent(Math.max(...ratios));
  return lo === hi ? `${lo}%` : `${lo}-${hi}%`;
}

/** Requests per second: HAProxy's rates are whole numbers, declared capacities need not be. */
export function perSecond(n: number): string {
  return `${Number.isInteger(n) ? n : Number(n.toFixed(1))} req/s`;
}

/** A list of server names, cut after five ("a, b, c, d, e and 3 more"). */
export function names(list: readonly string[]): string {
  if (list.length <= 5) return list.join(', ');
  return `${list.slice(0, 5).join(', ')} and ${list.length - 5} more`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
