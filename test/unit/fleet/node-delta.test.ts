/**
 * What `nodes.updated` sends for a node the client has (shared/node-delta.ts): only the fields
 * that changed, GPUs by position with their own changed fields, a GPU list of another length
 * whole; and applying it to the status it was made against gives back the new status exactly,
 * with every GPU that did not change kept as the same object (the tiles memoize by it).
 */
import { describe, expect, it } from 'vitest';
import { NodeStatusChange } from '../../../shared/contract';
import { applyNodeStatusChange, applyNodeSummaryChange, diffNodeStatus, sameJson } from '../../../shared/node-delta';
import { GPU_FACE_KEYS, nodeSummary } from '../../../shared/node-summary';
import { GpuFace, NodeSummary, type NodeStatus } from '../../../shared/status';
import { gpu, node } from '../renderer/builders';

const base = node('n1', { gpus: [gpu(0), gpu(1), gpu(2)], reasons: ['fine'] });

function roundTrip(prev: NodeStatus, next: NodeStatus): NodeStatus {
  const change = diffNodeStatus(prev, next);
  expect(change).not.toBeNull();
  // What crosses the wire: JSON, checked against the contract.
  const wire = NodeStatusChange.parse(JSON.parse(JSON.stringify(change)));
  const applied = applyNodeStatusChange(prev, wire);
  expect(applied).toEqual(next);
  return applied as NodeStatus;
}

describe('node status deltas', () => {
  it('a new probe of an unchanged node sends its probe time and latency only', () => {
    const next = { ...base, lastProbeAt: base.lastProbeAt! + 3000, lastProbeLatencyMs: 8.5, gpus: base.gpus.map((g) => ({ ...g })) };
    expect(diffNodeStatus(base, next)).toEqual({ name: 'n1', set: { lastProbeAt: base.lastProbeAt! + 3000, lastProbeLatencyMs: 8.5 } });
    const applied = roundTrip(base, next);
    // GPUs equal in value keep the receiver's objects, and the list too.
    expect(applied.gpus).toBe(base.gpus);
  });

  it('a GPU that changed is sent by position with its changed fields; the others keep their objects', () => {
    const gpus = [base.gpus[0], { ...base.gpus[1], temperatureC: 91, health: 'unhealthy' as const, reasons: ['too hot'] }, base.gpus[2]];
    const next = { ...base, health: 'unhealthy' as const, reasons: ['GPU 1 too hot'], gpus };
    expect(diffNodeStatus(base, next)).toEqual({
      name: 'n1',
      set: { health: 'unhealthy', reasons: ['GPU 1 too hot'] },
      gpus: [{ at: 1, set: { temperatureC: 91, health: 'unhealthy', reasons: ['too hot'] } }],
    });
    const applied = roundTrip(base, next);
    expect(applied.gpus[0]).toBe(base.gpus[0]);
    expect(applied.gpus[2]).toBe(base.gpus[2]);
    expect(applied.gpus[1]).not.toBe(base.gpus[1]);
  });

  it('a GPU list of another length is sent whole', () => {
    const lost = { ...base, gpus: [base.gpus[0], base.gpus[2]] };
    expect(diffNodeStatus(base, lost)?.set.gpus).toEqual(lost.gpus);
    expect(diffNodeStatus(base, lost)?.gpus).toBeUndefined();
    roundTrip(base, lost);
    roundTrip(lost, base);
  });

  it('objects and arrays are compared by value: an error, XIDs, nulls', () => {
    const failing = { ...base, lastError: { code: 'HOST_UNREACHABLE' as const, message: 'connect timeout' }, since: null, driverVersion: null };
    roundTrip(base, failing);
    expect(diffNodeStatus(failing, { ...failing, lastError: { code: 'HOST_UNREACHABLE', message: 'connect timeout' } })).toBeNull();
    const back = roundTrip(failing, base);
    expect(back.lastError).toBeNull();
    const xid = { code: 79, busId: '0000:1b:00', uptimeSeconds: 100, ageSeconds: 5, text: 'Xid 79', meaning: 'fell off the bus', action: 'drain — reboot', severity: 'unhealthy' as const };
    const withXid = roundTrip(base, { ...base, xids: [xid] });
    expect(diffNodeStatus(withXid, { ...withXid, xids: [{ ...xid, ageSeconds: 8 }] })?.set).toEqual({ xids: [{ ...xid, ageSeconds: 8 }] });
  });

  it('nothing changed: no change at all', () => {
    expect(diffNodeStatus(base, base)).toBeNull();
    expect(diffNodeStatus(base, JSON.parse(JSON.stringify(base)) as NodeStatus)).toBeNull();
  });

  it('a change that was not made against this status is refused, not half applied', () => {
    const change = diffNodeStatus(base, { ...base, gpus: [base.gpus[0], base.gpus[1], { ...base.gpus[2], powerW: 500 }] })!;
    expect(applyNodeStatusChange({ ...base, gpus: [base.gpus[0]] }, change)).toBeNull();
    expect(applyNodeStatusChange({ ...base, name: 'n2' }, change)).toBeNull();
  });

  it('keys zod may add as undefined are not applied', () => {
    const applied = applyNodeStatusChange(base, { name: 'n1', set: { health: 'degraded', reasons: undefined }, gpus: [{ at: 0, set: { powerW: undefined, temperatureC: 50 } }] });
    expect(applied).toEqual({ ...base, health: 'degraded', gpus: [{ ...base.gpus[0], temperatureC: 50 }, base.gpus[1], base.gpus[2]] });
  });

  it('sameJson: equal JSON values only', () => {
    expect(sameJson({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson({ a: 1, b: undefined }, { a: 1, c: undefined })).toBe(false);
    expect(sameJson([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameJson(null, {})).toBe(false);
    expect(sameJson('1', 1)).toBe(false);
  });
});

/**
 * The snapshot holds summaries (each GPU's face only, shared/status.ts NodeSummary) while the
 * pushes carry changes made against whole statuses: applying a change to a node's summary must
 * give the summary of the new status, whatever the change touched.
 */
describe('node summaries', () => {
  function summaryRoundTrip(prev: NodeStatus, next: NodeStatus): NodeSummary {
    const wire = NodeStatusChange.parse(JSON.parse(JSON.stringify(diffNodeStatus(prev, next))));
    const before = nodeSummary(prev);
    const applied = applyNodeSummaryChange(before, wire);
    expect(applied).toEqual(nodeSummary(next));
    return applied as NodeSummary;
  }

  it('a summary carries the face fields of each GPU and nothing else, and passes the contract unchanged', () => {
    const summary = nodeSummary(base);
    expect(summary.gpus.map((g) => Object.keys(g).sort())).toEqual(base.gpus.map(() => ['health', 'index', 'reasons', 'temperatureC', 'utilizationPct']));
    expect(NodeSummary.parse(JSON.parse(JSON.stringify(summary)))).toEqual(summary);
    expect(Object.keys(GpuFace.shape).sort()).toEqual(['health', 'index', 'reasons', 'temperatureC', 'utilizationPct']);
    // The plain list the page folds pushes with (no zod) is the schema's.
    expect([...GPU_FACE_KEYS].sort()).toEqual(Object.keys(GpuFace.shape).sort());
    // About a fifth of the bytes of the whole status at this GPU count.
    expect(JSON.stringify(summary).length).toBeLessThan(JSON.stringify(base).length * 0.4);
  });

  it('a change of face fields gives a new face for that GPU only; the others keep their objects', () => {
    const gpus = [base.gpus[0], { ...base.gpus[1], temperatureC: 91, health: 'unhealthy' as const, reasons: ['too hot'], powerW: 690 }, base.gpus[2]];
    const before = nodeSummary(base);
    const wire = diffNodeStatus(base, { ...base, health: 'unhealthy', gpus })!;
    const applied = applyNodeSummaryChange(before, wire)!;
    expect(applied).toEqual(nodeSummary({ ...base, health: 'unhealthy', gpus }));
    expect(applied.gpus[0]).toBe(before.gpus[0]);
    expect(applied.gpus[2]).toBe(before.gpus[2]);
    expect(applied.gpus[1]).not.toHaveProperty('powerW');
  });

  it('a change of GPU fields off the face (power, memory, clocks) leaves the GPUs as they were, list and objects', () => {
    const next = { ...base, lastProbeAt: base.lastProbeAt! + 3000, gpus: base.gpus.map((g) => ({ ...g, powerW: 650, memoryUsedMiB: 1234, smClockMHz: 1755 })) };
    summaryRoundTrip(base, next);
    const before = nodeSummary(base);
    const applied = applyNodeSummaryChange(before, diffNodeStatus(base, next)!);
    expect(applied?.gpus).toBe(before.gpus);
  });

  it('a GPU list of another length arrives whole and is cut to faces', () => {
    summaryRoundTrip(base, { ...base, gpus: [base.gpus[0], base.gpus[2]] });
    summaryRoundTrip({ ...base, gpus: [base.gpus[0]] }, base);
  });

  it('a change that was not made against this summary is refused', () => {
    const change = diffNodeStatus(base, { ...base, gpus: [base.gpus[0], base.gpus[1], { ...base.gpus[2], temperatureC: 80 }] })!;
    expect(applyNodeSummaryChange(nodeSummary({ ...base, gpus: [base.gpus[0]] }), change)).toBeNull();
    expect(applyNodeSummaryChange(nodeSummary({ ...base, name: 'n2' }), change)).toBeNull();
  });
});

