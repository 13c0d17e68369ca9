import { memo } from 'react';
import type { FleetSnapshot } from '../../../shared/contract';
import { useSetReadOnly } from '../api/mutations/settings';
import { ErrorNote } from './ErrorNote';

type ReadOnly = FleetSnapshot['readOnly'];

/**
 * The header's read-only switch: while on, the engine's change gate refuses every change to the fleet.
 * Memoized: the header renders again with every push, and React writes an input's type and name
 * back to the DOM each time it renders it (a style invalidation for nothing).
 */
export const ReadOnlyToggle = memo(function ReadOnlyToggle({ readOnly }: { readOnly: ReadOnly }) {
  const set = useSetReadOnly();
  return (
    <span className="read-only-switch">
      <label>
        <input
          type="checkbox"
          data-testid="read-only-toggle"
          checked={readOnly.global}
          disabled={set.isPending}
          onChange={(e) => set.mutate({ global: e.target.checked, clusters: readOnly.clusters })}
        />
        read-only
      </label>
      {set.error ? <ErrorNote error={set.error} context="settings.setReadOnly" /> : null}
    </span>
  );
});

/** Says plainly that nothing will be changed, and which clusters are held read-only on their own. */
export function ReadOnlyBanner({ readOnly }: { readOnly: ReadOnly }) {
  if (!readOnly.global && readOnly.clusters.length === 0) return null;
  return (
    <div className="banner banner-read-only" role="status" data-testid="read-only-banner" data-global={String(readOnly.global)}>
      {readOnly.global
        ? 'Read-only mode is on: runbooks and load balancer changes can be previewed, but every change to the fleet is refused.'
        : `Read-only clusters: ${readOnly.clusters.join(', ')}. Neither runbooks nor load balancer buttons can change them.`}
    </div>
  );
}
