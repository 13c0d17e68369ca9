import { useEffect, useState } from 'react';
import { LAB_JOB_FAULT_KINDS } from '../../../shared/lab-fault-kinds';
import type { LabJobFaultKind, LabTraining } from '../../../shared/status';
import { useConnectionState } from '../api/connection-hooks';
import { useJobFault } from '../api/mutations/lab';
import { ErrorNote } from './ErrorNote';

type Asked = { job: string; kind: LabJobFaultKind; active: boolean };

/**
 * The lab's training side in the lab panel: its Slurm (or why it has none) and, per lab job, its
 * checkpoint writer's faults as toggles (stall, a save without .metadata, a truncated shard, disk
 * full, mount gone).
 */
export function LabTrainingFaults({ training }: { training: LabTraining }) {
  const jobFault = useJobFault();
  const connected = useConnectionState().status === 'open';
  // Once toggled, the box shows what was asked for (set in the click's own render) until the lab's
  // state shows it too, or the call failed: a controlled box would otherwise spring back until then —
  // the call's answer and the lab's pushes do not arrive in one render — and the click look ignored.
  const [asked, setAsked] = useState<Asked | null>(null);
  useEffect(() => {
    if (!asked) return;
    const job = training.jobs.find((j) => j.name === asked.job);
    if (!job || job.faults.includes(asked.kind) === asked.active) setAsked(null);
  }, [asked, training]);
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
          {LAB_JOB_FAULT_KINDS.map((kind) => {
            const active = job.faults.includes(kind);
            const shown = asked && asked.job === job.name && asked.kind === kind ? asked.active : active;
            return (
              <label key={kind}>
                <input
                  type="checkbox"
                  data-testid={`lab-job-fault-${job.name}-${kind}`}
                  checked={shown}
                  disabled={!connected || jobFault.isPending}
                  onChange={() => {
                    const next = { job: job.name, kind, active: !active };
                    setAsked(next);
                    jobFault.mutate(next, { onError: () => setAsked(null) });
                  }}
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
