import { useState } from 'react';
import { kindOf, LAB_REPLICA_FAULT_KINDS } from '../../../shared/lab-fault-kinds';
import type { LabReplicaFaultKind, LabServicesInfo } from '../../../shared/services';
import { useReplicaFault } from '../api/mutations/lab-services';
import { parseNumberField } from '../model/number-input';
import { ErrorNote } from './ErrorNote';

/** Fault injection against the lab's fake inference replicas: down, slow, 429 with Retry-After, 500, wrong answer, model load failed (health and completions 503). */
export function LabReplicaFaults({ replicas, connected }: { replicas: LabServicesInfo['replicas']; connected: boolean }) {
  const [picked, setPicked] = useState('');
  const [kind, setKind] = useState<LabReplicaFaultKind>(LAB_REPLICA_FAULT_KINDS[0]);
  const [retryText, setRetryText] = useState('');
  const [slowText, setSlowText] = useState('');
  const fault = useReplicaFault();

  const replica = picked || replicas[0]?.name || '';
  // Only the field the chosen kind uses is read (and checked): a stale value in the other is ignored.
  const retryAfter = kind === 'rate-limit' ? parseNumberField(retryText, { label: 'Retry-After', min: 1, max: 3600, integer: true, optional: true }) : null;
  const slow = kind === 'slow' ? parseNumberField(slowText, { label: 'delay', min: 1, max: 120_000, integer: true, optional: true }) : null;
  const invalid = (retryAfter !== null && !retryAfter.ok) || (slow !== null && !slow.ok);
  const faulty = replicas.filter((r) => r.fault !== null);
  // Stopped by a runbook (`systemctl stop vllm` over SSH) or started stopped as a spare.
  const stopped = replicas.filter((r) => r.service === 'inactive' || r.spare);

  const inject = () => {
    if (invalid || replica === '') return;
    fault.mutate({
      replica,
      kind,
      ...(retryAfter?.ok && retryAfter.value !== undefined ? { retryAfterSeconds: retryAfter.value } : {}),
      ...(slow?.ok && slow.value !== undefined ? { slowMs: slow.value } : {}),
    });
  };

  return (
    <>
      <h3>Replica faults</h3>
      <div className="lab-form">
        <label>
          replica
          <select data-testid="lab-replica" value={replica} onChange={(e) => setPicked(e.target.value)}>
            {replicas.map((r) => (
              <option key={r.name} value={r.name}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          fault
          <select data-testid="lab-replica-kind" value={kind} onChange={(e) => setKind(kindOf(LAB_REPLICA_FAULT_KINDS, e.target.value))}>
            {LAB_REPLICA_FAULT_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        {kind === 'rate-limit' ? (
          <label>
            Retry-After s
            <input
              data-testid="lab-replica-retry-after"
              inputMode="numeric"
              placeholder="default"
              size={6}
              value={retryText}
              aria-invalid={retryAfter !== null && !retryAfter.ok}
              onChange={(e) => setRetryText(e.target.value)}
            />
          </label>
        ) : null}
        {kind === 'slow' ? (
          <label>
            delay ms
            <input
              data-testid="lab-replica-slow-ms"
              inputMode="numeric"
              placeholder="default"
              size={7}
              value={slowText}
              aria-invalid={slow !== null && !slow.ok}
              onChange={(e) => setSlowText(e.target.value)}
            />
          </label>
        ) : null}
        <button
          type="button"
          className="primary"
          data-testid="lab-replica-inject"
          disabled={!connected || fault.isPending || invalid || replica === ''}
          onClick={inject}
        >
          Inject
        </button>
        <button
          type="button"
          data-testid="lab-replica-clear"
          title="Clear the selected replica's fault"
          disabled={!connected || fault.isPending || replica === ''}
          onClick={() => fault.mutate({ replica, kind: null })}
        >
          Clear
        </button>
      </div>
      {retryAfter !== null && !retryAfter.ok ? <div className="field-error">{retryAfter.message}</div> : null}
      {slow !== null && !slow.ok ? <div className="field-error">{slow.message}</div> : null}
      {fault.error ? <ErrorNote error={fault.error} context="lab.replicaFault" /> : null}
      {faulty.length === 0 ? (
        <p className="empty">No replica fault.</p>
      ) : (
        <ul className="faults" data-testid="lab-replica-faults">
          {faulty.map((r) => (
            <li key={r.name} data-testid={`lab-replica-fault-${r.name}`} data-kind={r.fault ?? ''}>
              <span className="mono">{r.name}</span> {r.fault}
              {r.retryAfterSeconds !== null ? ` (Retry-After ${r.retryAfterSeconds} s)` : ''}
              <button type="button" disabled={!connected || fault.isPending} onClick={() => fault.mutate({ replica: r.name, kind: null })}>
                Clear
              </button>
            </li>
          ))}
        </ul>
      )}
      {stopped.length > 0 ? (
        <ul className="faults" data-testid="lab-replica-services">
          {stopped.map((r) => (
            <li key={r.name} data-testid={`lab-replica-service-${r.name}`} data-service={r.service} data-spare={r.spareMode ?? (r.spare ? 'spare' : '')}>
              <span className="mono">{r.name}</span> {r.spareMode ? `${r.spareMode} spare, ` : r.spare ? 'spare, ' : ''}service {r.service === 'active' ? 'running' : 'stopped'} (unit vllm: runbooks start and stop it over SSH)
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
