import { LabJobFaultKind, type LabTraining } from '../../../shared/status';
import { useConnectionState } from '../api/connection-hooks';
import { useJobFault } from '../api/mutations/lab';
import { ErrorNote } from './ErrorNote';

/**
 * The lab's training side in the lab panel: its Slurm (or why it has none) and, per lab job, its
 * checkpoint writer's faults as toggles (stall, a save without .metadata, a truncated shard, disk
 * full, mount gone).
 */
export function LabTrainingFaults({ training }: { training: LabTraining }) {
  const jobFault = useJobFault();
  const connected = useConnectionState().status === 'open';
  return (
    <div data-testid="lab-training">
      <h3>Training</h3>
      {training.schedulers.length === 0 ? (
        <p className="muted" data-testid="lab-no-scheduler">
          No scheduler: {training.reason ?? 'none started'}
        </p>
      ) : (
        <p className="muted">
          Slurm: {training.schedulers.map((s) => `${s.cluster} (${s.nodes.length} nodes)`).join(', ')}
        </p>
      )}
      {training.jobs.map((job) => (
        <div key={job.name} className="lab-form" data-testid={`lab-job-${job.name}`}>
          <span className="mono">{job.name}</span>
          <span className="muted">
            every {job.everySeconds}s · last {job.lastComplete ?? 'none'}
            {job.lastError ? ` · ${job.lastError}` : ''}
          </span>
          {LabJobFaultKind.options.map((kind) => {
            const active = job.faults.includes(kind);
            return (
              <label key={kind}>
                <input
                  type="checkbox"
                  data-testid={`lab-job-fault-${job.name}-${kind}`}
                  checked={active}
                  disabled={!connected || jobFault.isPending}
                  onChange={() => jobFault.mutate({ job: job.name, kind, active: !active })}
                />
                {kind}
              </label>
            );
          })}
        </div>
      ))}
      {jobFault.error ? <ErrorNote error={jobFault.error} context="lab.jobFault" /> : null}
    </div>
  );
}
