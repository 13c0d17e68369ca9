import { memo, useState } from 'react';
import { kindOf, LAB_FAULT_KINDS } from '../../../shared/lab-fault-kinds';
import type { LabFaultKind, LabInfo } from '../../../shared/status';
import { useConnectionState } from '../api/connection-hooks';
import { useClearFault, useInjectFault } from '../api/mutations/lab';
import { parseGpuIndex } from '../model/gpu-index';
import { ErrorNote } from './ErrorNote';
import { LabTrainingFaults } from './LabTrainingFaults';

/**
 * Fault injection against the lab's fake nodes (shown only when the server runs with --lab).
 * Memoized: its props change with the lab and the inventory, not with every status push (its
 * node list is 1,000 options in a large lab).
 */
export const LabPanel = memo(function LabPanel({ lab, nodeNames }: { lab: LabInfo; nodeNames: readonly string[] }) {
  const [node, setNode] = useState('');
  const [kind, setKind] = useState<LabFaultKind>(LAB_FAULT_KINDS[0]);
  const [gpuText, setGpuText] = useState('');
  const inject = useInjectFault();
  const clear = useClearFault();
  const connected = useConnectionState().status === 'open';

  const selectedNode = node || nodeNames[0] || '';
  const gpu = parseGpuIndex(gpuText);
  const busy = inject.isPending || clear.isPending;

  return (
    <section className="panel lab" aria-labelledby="lab-title" data-testid="lab-panel">
      <h2 id="lab-title">Lab</h2>
      <p className="muted">
        {lab.nodes} fake nodes · inventory <span className="mono">{lab.inventoryPath}</span>
      </p>
      <div className="lab-form">
        <label>
          node
          <select data-testid="lab-node" value={selectedNode} onChange={(e) => setNode(e.target.value)}>
            {nodeNames.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          fault
          <select data-testid="lab-kind" value={kind} onChange={(e) => setKind(kindOf(LAB_FAULT_KINDS, e.target.value))}>
            {LAB_FAULT_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          GPU
          <input
            data-testid="lab-gpu"
            inputMode="numeric"
            placeholder="any"
            size={4}
            value={gpuText}
            aria-invalid={!gpu.ok}
            onChange={(e) => setGpuText(e.target.value)}
          />
        </label>
        <button
          type="button"
          className="primary"
          data-testid="lab-inject"
          disabled={!connected || busy || !gpu.ok || selectedNode === ''}
          onClick={() => gpu.ok && inject.mutate({ node: selectedNode, kind, ...(gpu.value === undefined ? {} : { gpuIndex: gpu.value }) })}
        >
          Inject
        </button>
        <button
          type="button"
          data-testid="lab-clear"
          title="Clear every fault on the selected node"
          disabled={!connected || busy || selectedNode === ''}
          onClick={() => clear.mutate({ node: selectedNode })}
        >
          Clear node
        </button>
      </div>
      {!gpu.ok ? <div className="field-error">{gpu.message}</div> : null}
      {inject.error ? <ErrorNote error={inject.error} context="lab.injectFault" /> : null}
      {clear.error ? <ErrorNote error={clear.error} context="lab.clearFault" /> : null}
      <h3>Active faults</h3>
      {lab.faults.length === 0 ? (
        <p className="empty">None.</p>
      ) : (
        <ul className="faults" data-testid="lab-faults">
          {lab.faults.map((f) => (
            <li key={`${f.node}/${f.kind}/${f.gpuIndex ?? ''}`} data-testid={`lab-fault-${f.node}-${f.kind}`}>
              <span className="mono">{f.node}</span> {f.kind}
              {f.gpuIndex !== undefined ? ` (GPU ${f.gpuIndex})` : ''}
              <button type="button" disabled={!connected || busy} onClick={() => clear.mutate({ node: f.node, kind: f.kind })}>
                Clear
              </button>
            </li>
          ))}
        </ul>
      )}
      {lab.training ? <LabTrainingFaults training={lab.training} /> : null}
    </section>
  );
});
