import type { ReplicaStatus } from '../../../shared/services';
import { replicaHealthLabel, spareTag } from '../model/replica-health';

/**
 * A replica's health as every list shows it: the health pill — muted for a spare standing by,
 * which reads "spare (cold)" or "warm (unverified)" with why in its tooltip — and, for a warm
 * spare its probes prove ready, a "spare (warm)" tag beside it.
 */
export function ReplicaHealthPill({ replica, testid }: { replica: Pick<ReplicaStatus, 'health' | 'spare' | 'reasons'>; testid?: string }) {
  const label = replicaHealthLabel(replica);
  const tag = spareTag(replica);
  return (
    <>
      <span className={`pill h-${replica.health}`} title={label.title} data-testid={testid} data-health={replica.health}>
        {label.text}
      </span>
      {tag ? (
        <>
          {' '}
          <span className="badge spare-tag" title={tag.title} data-testid="spare-tag">
            {tag.text}
          </span>
        </>
      ) : null}
    </>
  );
}
