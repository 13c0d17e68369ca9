import { z } from 'zod';

export const Health = z.enum(['healthy', 'degraded', 'unhealthy', 'unreachable', 'unknown']);
export type Health = z.infer<typeof Health>;

/** Worse first: used to fold many verdicts into one and to sort. */
const RANK: Record<Health, number> = { unreachable: 4, unhealthy: 3, degraded: 2, unknown: 1, healthy: 0 };

export function worstHealth(list: Health[]): Health {
  let worst: Health = 'healthy';
  for (const h of list) if (RANK[h] > RANK[worst]) worst = h;
  return worst;
}

export function healthRank(h: Health): number {
  return RANK[h];
}
