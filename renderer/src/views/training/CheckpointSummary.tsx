import type { CheckpointStatus } from '../../../../shared/training';
import { formatDuration } from '../../model/format';
import { CHECKPOINT_TONE, intervalAdvice } from './training-model';

/**
 * A job's checkpoint freshness at a glance: the verdict and its reasons, the newest complete
 * checkpoint and its age (live), a save in progress, and the policy beside Young's suggestion.
 */
export function CheckpointSummary({ checkpoint: c, now }: { checkpoint: CheckpointStatus | null; now: number }) {
  if (c === null) return <span className="muted">not watched</span>;
  return (
    <div className="training-checkpoint" data-testid="job-checkpoint" data-level={c.level} data-saving={String(c.saving !== null)}>
      <span className={`pill h-${CHECKPOINT_TONE[c.level]}`}>{c.level}</span>{' '}
      {c.newestComplete ? (
        <span>
          {/* Aged on the console's clock, as work at risk is: the two always agree. */}
          <span className="mono">{c.newestComplete.name}</span> <span data-testid="job-checkpoint-age">{formatDuration(now - c.newestComplete.at)} ago</span>
        </span>
      ) : (
        <span className="muted">no complete checkpoint</span>
      )}
      {c.saving !== null ? (
        <span className="training-saving" data-testid="job-checkpoint-saving">
          {' '}
          saving… <span className="mono">{c.saving.name}</span>
        </span>
      ) : null}
      {c.reasons.length > 0 ? (
        <ul className="training-list" data-testid="job-checkpoint-reasons">
          {c.reasons.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      ) : null}
      <div className="muted">{intervalAdvice(c)}</div>
    </div>
  );
}
