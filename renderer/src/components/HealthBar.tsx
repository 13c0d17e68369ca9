import type { Health } from '../../../shared/health';
import { HEALTH_ORDER } from '../model/summary';

/**
 * A group's nodes by health at a glance: a stacked bar (decoration) and the same counts in words
 * ("11 healthy · 1 unhealthy"), which is what screen readers and the tooltip get.
 */
export function HealthBar({ counts, total, testid }: { counts: Readonly<Record<Health, number>>; total: number; testid?: string }) {
  const parts = HEALTH_ORDER.filter((h) => counts[h] > 0);
  const text = parts.map((h) => `${counts[h]} ${h}`).join(' · ') || 'no nodes';
  return (
    <span className="health-bar" data-testid={testid} title={text}>
      <span className="health-bar-track" aria-hidden="true">
        {parts.map((h) => (
          <span key={h} className={`health-bar-part h-${h}`} style={{ flexGrow: counts[h] / Math.max(1, total) }} />
        ))}
      </span>
      <span className="health-bar-text">{text}</span>
    </span>
  );
}
