/**
 * Delay before reconnect attempt `attempt` (1-based): doubles from `baseMs` up to `maxMs`, then
 * "equal jitter" (half fixed, half random) so that many tabs reconnecting to a restarted
 * server do not all knock at the same instant, while the wait never drops below half the step.
 */
export function reconnectDelayMs(
  attempt: number,
  opts: { baseMs?: number; maxMs?: number; random?: () => number } = {},
): number {
  const baseMs = opts.baseMs ?? 250;
  const maxMs = opts.maxMs ?? 10_000;
  const random = opts.random ?? Math.random;
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}
