/**
 * What `nodes.updated` carries for a node the receiver already has: the fields of its status
 * that changed since the last push, and its GPUs by position with their own changed fields.
 * A node is probed every few seconds and most of its ~6 KB status (eight GPUs of 26 fields)
 * stays as it was — in the lab nothing but the probe's time and latency moves — so sending the
 * whole status resent some 360 KB every 200 ms at 1,000 nodes. The producer
 * (electron/core/fleet/node-updates.ts) diffs, the renderer (renderer/src/api/cache-updates.ts)
 * applies; both sides use these two functions, so `apply(prev, diff(prev, next))` equal to
 * `next` is the whole rule (test/unit/fleet/node-delta.test.ts).
 */
import type { NodeStatusChange } from './contract';
import { GPU_FACE_KEYS, gpuFace } from './node-summary';
import type { GpuFace, GpuStatus, NodeStatus, NodeSummary } from './status';

/** Equal as JSON values (what crosses a transport): numbers, strings, booleans, null, arrays, plain objects. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** The fields of `next` whose values differ from `prev`'s (all but `skip`), or null when none does. */
function changedFields<T extends object>(prev: T, next: T, skip: ReadonlySet<string>): Partial<T> | null {
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(next)) {
    if (skip.has(key)) continue;
    const value = (next as Record<string, unknown>)[key];
    if (!sameJson((prev as Record<string, unknown>)[key], value)) (out ??= {})[key] = value;
  }
  return out as Partial<T> | null;
}

const NODE_SKIP = new Set(['name', 'gpus']);
const GPU_SKIP = new Set<string>();

/**
 * What changed from `prev` to `next` (the same node), or null when nothing did. A GPU list of
 * another length is sent whole (`set.gpus`); otherwise each GPU that changed is sent by its
 * position with its changed fields (`gpus`).
 */
export function diffNodeStatus(prev: NodeStatus, next: NodeStatus): NodeStatusChange | null {
  if (prev === next) return null;
  const set: NodeStatusChange['set'] = changedFields(prev, next, NODE_SKIP) ?? {};
  let gpus: NonNullable<NodeStatusChange['gpus']> | undefined;
  if (prev.gpus !== next.gpus) {
    if (prev.gpus.length !== next.gpus.length) {
      set.gpus = next.gpus;
    } else {
      for (let at = 0; at < next.gpus.length; at++) {
        const fields = prev.gpus[at] === next.gpus[at] ? null : changedFields<GpuStatus>(prev.gpus[at], next.gpus[at], GPU_SKIP);
        if (fields) (gpus ??= []).push({ at, set: fields });
      }
    }
  }
  if (Object.keys(set).length === 0 && gpus === undefined) return null;
  return gpus === undefined ? { name: next.name, set } : { name: next.name, set, gpus };
}

/** Copies `fields` onto a copy of `base`, leaving out keys whose value is undefined (a key zod may add). */
function withFields<T extends object>(base: T, fields: Partial<T>): T {
  const out = { ...base };
  for (const key of Object.keys(fields) as Array<keyof T>) {
    const value = fields[key];
    if (value !== undefined) out[key] = value as T[keyof T];
  }
  return out;
}

/**
 * `prev` with `change` applied: a new status object, and new GPU objects only where a GPU
 * changed (the others keep their identity, so what is memoized by them stays). Null when the
 * change cannot be applied to `prev` (another node, or a GPU position it does not have): the
 * receiver's copy is not the one the change was made against, and must be fetched again.
 */
export function applyNodeStatusChange(prev: NodeStatus, change: NodeStatusChange): NodeStatus | null {
  if (prev.name !== change.name) return null;
  const next = withFields(prev, change.set as Partial<NodeStatus>);
  if (change.gpus && change.gpus.length > 0) {
    const gpus = next.gpus.slice();
    for (const { at, set } of change.gpus) {
      if (at >= gpus.length) return null;
      gpus[at] = withFields(gpus[at], set as Partial<GpuStatus>);
    }
    next.gpus = gpus;
  }
  return next;
}

const FACE_KEYS: ReadonlySet<string> = new Set(GPU_FACE_KEYS);

/** The fields of a GPU's change that are on its face (GpuFace), or null when none is. */
function faceFields(set: Partial<GpuStatus>): Partial<GpuFace> | null {
  let out: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(set)) if (FACE_KEYS.has(key) && value !== undefined) (out ??= {})[key] = value;
  return out as Partial<GpuFace> | null;
}

/**
 * The same for a node's summary (NodeSummary, what the snapshot holds): the change's GPU fields
 * that are not part of a GPU's face are left out, and a GPU whose face did not change keeps its
 * object — a temperature is on the face, a power reading is not. Null as above.
 */
export function applyNodeSummaryChange(prev: NodeSummary, change: NodeStatusChange): NodeSummary | null {
  if (prev.name !== change.name) return null;
  const { gpus: whole, ...fields } = change.set;
  const next = withFields(prev, fields as Partial<NodeSummary>);
  if (whole !== undefined) next.gpus = whole.map(gpuFace);
  let gpus: GpuFace[] | null = null;
  for (const { at, set } of change.gpus ?? []) {
    if (at >= next.gpus.length) return null;
    const face = faceFields(set as Partial<GpuStatus>);
    if (face === null) continue;
    gpus ??= next.gpus.slice();
    gpus[at] = withFields(gpus[at], face);
  }
  if (gpus) next.gpus = gpus;
  return next;
}
