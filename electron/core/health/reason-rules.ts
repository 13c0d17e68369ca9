/** What every health rule returns, and how reasons spell a GPU and an age (shared by the *-rules files). */
import type { Health } from '../../../shared/health';
import { busKey } from '../gpu/bus-id';

/** One rule's verdict: how bad, and a sentence saying what is wrong, where, and what to do. */
export interface Finding {
  health: Extract<Health, 'degraded' | 'unhealthy'>;
  reason: string;
}

/** "GPU 3 (0000:3b:00)": the index operators use and the bus id the kernel log uses. */
export function gpuLabel(gpu: { index: number; busId: string }): string {
  const bus = busKey(gpu.busId) ?? gpu.busId;
  return bus ? `GPU ${gpu.index} (${bus})` : `GPU ${gpu.index}`;
}

/** "45 s ago", "4 min ago", "3 h ago", "2 d ago": coarse on purpose, it is read at a glance. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** Unhealthy findings first, in rule order otherwise. */
export function byGravity(a: Finding, b: Finding): number {
  return (b.health === 'unhealthy' ? 1 : 0) - (a.health === 'unhealthy' ? 1 : 0);
}
