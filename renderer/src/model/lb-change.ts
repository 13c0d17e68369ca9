import { ChangeRecord, type ChangePreview, type LbChange, type LbServerSetting } from '../../../shared/change';
import type { MethodInput } from '../../../shared/contract';
import type { FleetEvent } from '../../../shared/status';
import { confirmationMatches } from './plan-format';

/**
 * One-step load balancer changes as the console asks for them (the LB buttons, "put it back"):
 * what the change dialog previews, when it lets the operator apply, what it sends. Pure, so the
 * rules are tested in Node; the engine's change gate decides again on every call.
 */

export interface LbServerRef {
  loadBalancer: string;
  backend: string;
  server: string;
}

/** What the change dialog is opened with. */
export interface LbChangeRequest extends LbServerRef {
  change: LbChange;
  /** The id of the change this one puts back; null for a button pressed in the LB panel. */
  revertOf: string | null;
}

/** The event kind the engine records a change that went through under (its data is a ChangeRecord). */
export const LB_CHANGE_EVENT = 'lb.change';

// Cached events are never mutated (pushes replace them), so one parse per event object is enough.
const parsedRecords = new WeakMap<object, ChangeRecord | null>();

/** The ChangeRecord an `lb.change` event carries, or null: event data crosses a boundary, so it is parsed, never cast. */
export function changeRecordOf(event: Pick<FleetEvent, 'kind' | 'data'>): ChangeRecord | null {
  if (event.kind !== LB_CHANGE_EVENT) return null;
  const known = parsedRecords.get(event);
  if (known !== undefined) return known;
  const parsed = ChangeRecord.safeParse(event.data);
  const record = parsed.success ? parsed.data : null;
  parsedRecords.set(event, record);
  return record;
}

/**
 * The change that puts `record` back: its server's state or weight as it was before. Null when
 * the setting before was not known (nothing to restore); a state change restores the state only
 * and a weight change the weight only, so an unrelated setting changed since is left alone.
 */
export function inverseChange(record: ChangeRecord): LbChangeRequest | null {
  if (record.before === null) return null;
  const change: LbChange = record.action === 'lb.set-state' ? { kind: 'state', state: record.before.state } : { kind: 'weight', weight: record.before.weight };
  return { loadBalancer: record.loadBalancer, backend: record.backend, server: record.server, change, revertOf: record.id };
}

/** The ids of the changes some listed change already put back (their "put it back" is done). */
export function putBackIds(events: readonly FleetEvent[]): ReadonlySet<string> {
  const ids = new Set<string>();
  for (const e of events) {
    const revertOf = changeRecordOf(e)?.revertOf;
    if (revertOf) ids.add(revertOf);
  }
  return ids;
}

/** "state drain", "weight 50": the change in HAProxy's words. */
export function describeChange(change: LbChange): string {
  return change.kind === 'state' ? `state ${change.state}` : `weight ${change.weight}`;
}

/** The server's setting once the change is made, from the setting before (null if that is unknown). */
export function settingAfter(before: LbServerSetting | null, change: LbChange): LbServerSetting | null {
  if (before === null) return null;
  return change.kind === 'state' ? { ...before, state: change.state } : { ...before, weight: change.weight };
}

/** The one setting the change touches, before → after, as the dialog shows it ("unknown" when HAProxy could not be read). */
export function settingTransition(before: LbServerSetting | null, change: LbChange): { label: 'state' | 'weight'; before: string; after: string; same: boolean } {
  const after = change.kind === 'state' ? change.state : String(change.weight);
  const was = before === null ? 'unknown' : change.kind === 'state' ? before.state : String(before.weight);
  return { label: change.kind, before: was, after, same: was === after };
}

/** The gate's refusal of an apply call, as the renderer's error carries it (FleetApiError has these fields). */
interface ErrorLike {
  code?: unknown;
  detail?: unknown;
}

/**
 * The word the operator must type: the preview's, or — if the engine refused the apply with
 * CONFIRMATION_REQUIRED although the preview asked for none (the inventory changed meanwhile) —
 * the one the refusal names in `detail.expect`.
 */
export function confirmationWord(preview: Pick<ChangePreview, 'confirmation'> | undefined, applyError: unknown): string | null {
  if (preview?.confirmation != null) return preview.confirmation;
  if (typeof applyError === 'object' && applyError !== null) {
    const { code, detail } = applyError as ErrorLike;
    if (code === 'CONFIRMATION_REQUIRED' && typeof detail === 'object' && detail !== null) {
      const expect = (detail as { expect?: unknown }).expect;
      if (typeof expect === 'string' && expect !== '') return expect;
    }
  }
  return null;
}

/** Why Apply is disabled; null: it may be pressed. */
export type ApplyBlock = 'no-preview' | 'refused' | 'confirmation' | 'pending';

/**
 * Apply is enabled only for a preview that came back (the operator must have seen the exact
 * command), with no refusal, the word typed exactly when one is asked for, and no call in flight.
 */
export function applyBlock(state: { preview: Pick<ChangePreview, 'refusals'> | undefined; word: string | null; typed: string; pending: boolean }): ApplyBlock | null {
  if (state.preview === undefined) return 'no-preview';
  if (state.preview.refusals.length > 0) return 'refused';
  if (!confirmationMatches(state.word, state.typed)) return 'confirmation';
  if (state.pending) return 'pending';
  return null;
}

/** The call that makes the change: `confirm` only when a word was asked for, `revertOf` only for a "put it back". */
export type LbChangeCall =
  | { method: 'lb.setServerState'; input: MethodInput<'lb.setServerState'> }
  | { method: 'lb.setWeight'; input: MethodInput<'lb.setWeight'> };

export function changeCall(request: LbChangeRequest, word: string | null, typed: string): LbChangeCall {
  const base = {
    loadBalancer: request.loadBalancer,
    backend: request.backend,
    server: request.server,
    ...(word === null ? {} : { confirm: typed }),
    ...(request.revertOf === null ? {} : { revertOf: request.revertOf }),
  };
  return request.change.kind === 'state'
    ? { method: 'lb.setServerState', input: { ...base, state: request.change.state } }
    : { method: 'lb.setWeight', input: { ...base, weight: request.change.weight } };
}

/** What `lb.previewChange` is asked for the request (the revert id is not part of a preview). */
export function previewInput(request: LbChangeRequest): MethodInput<'lb.previewChange'> {
  return { loadBalancer: request.loadBalancer, backend: request.backend, server: request.server, change: request.change };
}
