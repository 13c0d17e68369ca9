import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useReleaseStopAll, useStopAllDrills } from '../../api/mutations/drills';
import { drillQueries } from '../../api/queries/drills';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorNote } from '../../components/ErrorNote';
import { useNow } from '../../hooks';
import { formatWhen } from '../../model/format';

/**
 * The stop-all switch, a safety lever: engaged, every running drill (in every process sharing
 * the data directory) aborts and restores, and no drill starts until it is released. Both ways
 * ask once more, so a stray click neither stops a game day nor lets drills loose again.
 */
export function StopAllSwitch() {
  const list = useQuery(drillQueries.list());
  const engage = useStopAllDrills();
  const release = useReleaseStopAll();
  const [asking, setAsking] = useState(false);
  const now = useNow(30_000);
  const state = list.data?.stopAll;
  const engaged = state?.engaged === true;
  const pending = engage.isPending || release.isPending;
  const error = engage.error ?? release.error;
  return (
    <div className={`stop-all${engaged ? ' stop-all-engaged' : ''}`} data-testid="drill-stop-all" data-engaged={String(engaged)}>
      <button
        type="button"
        role="switch"
        aria-checked={engaged}
        className={engaged ? 'stop-all-lever engaged' : 'stop-all-lever'}
        data-testid="drill-stop-all-toggle"
        disabled={state === undefined || pending}
        onClick={() => {
          engage.reset();
          release.reset();
          setAsking(true);
        }}
      >
        Stop all drills: {engaged ? 'ENGAGED' : 'off'}
      </button>
      {engaged ? (
        <span className="muted" data-testid="drill-stop-all-since">
          since {formatWhen(state?.since ?? null, now)}
          {state?.by ? ` by ${state.by}` : ''}; no drill starts until it is released
        </span>
      ) : null}
      {asking ? (
        <ConfirmDialog
          testid="drill-stop-all-dialog"
          title={engaged ? 'Release the stop-all switch?' : 'Stop all drills?'}
          confirmation={null}
          error={error ? <ErrorNote error={error} context={engaged ? 'drills.releaseStopAll' : 'drills.stopAll'} /> : null}
          submit={{ label: pending ? 'Working…' : engaged ? 'Release' : 'Stop all drills', testid: 'drill-stop-all-confirm', enabled: !pending }}
          cancelTestid="drill-stop-all-cancel"
          onSubmit={() => (engaged ? release : engage).mutate(undefined, { onSuccess: () => setAsking(false) })}
          onCancel={() => setAsking(false)}
        >
          <p>
            {engaged
              ? 'Drills may start again: scheduled ones at their next time, and by hand.'
              : 'Every running drill, in every console sharing this data directory, aborts and restores its fault now. No drill starts, scheduled or by hand, until the switch is released.'}
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
