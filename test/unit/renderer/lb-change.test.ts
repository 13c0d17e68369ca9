import { describe, expect, it } from 'vitest';
import type { ChangePreview, ChangeRecord } from '../../../shared/change';
import { methods } from '../../../shared/contract';
import type { FleetEvent } from '../../../shared/status';
import { FleetApiError } from '../../../renderer/src/api/errors';
import {
  applyBlock,
  changeCall,
  changeRecordOf,
  confirmationWord,
  describeChange,
  inverseChange,
  previewInput,
  putBackIds,
  settingAfter,
  settingTransition,
  type LbChangeRequest,
} from '../../../renderer/src/model/lb-change';
import { eventSubjectHref } from '../../../renderer/src/model/route';

function record(over: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    id: 'chg-1',
    ts: 1_700_000_000_000,
    action: 'lb.set-state',
    loadBalancer: 'lb-west',
    backend: 'llama',
    server: 'r1',
    subject: 'lb-west/llama/r1',
    command: 'set server llama/r1 state drain',
    before: { state: 'ready', weight: 100 },
    after: { state: 'drain', weight: 100 },
    origin: 'console',
    user: 'ops',
    host: 'console-1',
    revertOf: null,
    ...over,
  };
}

function changeEvent(data: unknown, over: Partial<FleetEvent> = {}): FleetEvent {
  return { id: 7, ts: 1_700_000_000_000, kind: 'lb.change', subject: 'r1', severity: 'info', message: 'lb-west: set server llama/r1 state drain', data, ...over };
}

function preview(over: Partial<ChangePreview> = {}): ChangePreview {
  return {
    subject: 'lb-west/llama/r1',
    replica: 'r1',
    cluster: 'infer-a',
    command: 'set server llama/r1 state drain',
    confirmation: 'r1',
    before: { state: 'ready', weight: 100 },
    refusals: [],
    ...over,
  };
}

const drain: LbChangeRequest = { loadBalancer: 'lb-west', backend: 'llama', server: 'r1', change: { kind: 'state', state: 'drain' }, revertOf: null };

describe('changeRecordOf', () => {
  it('parses the ChangeRecord an lb.change event carries', () => {
    expect(changeRecordOf(changeEvent(record()))).toEqual(record());
  });

  it('trusts nothing: another kind, missing or malformed data, a bad setting all give null', () => {
    expect(changeRecordOf(changeEvent(record(), { kind: 'lb.server.status' }))).toBeNull();
    expect(changeRecordOf(changeEvent(undefined))).toBeNull();
    expect(changeRecordOf(changeEvent('set server llama/r1 state drain'))).toBeNull();
    expect(changeRecordOf(changeEvent({ ...record(), before: { state: 'sideways', weight: 100 } }))).toBeNull();
    expect(changeRecordOf(changeEvent({ ...record(), action: 'lb.set-everything' }))).toBeNull();
    const { id: _id, ...withoutId } = record();
    expect(changeRecordOf(changeEvent(withoutId))).toBeNull();
  });

  it('gives the same answer for the same event object asked twice (parsed once)', () => {
    const e = changeEvent(record());
    expect(changeRecordOf(e)).toBe(changeRecordOf(e));
  });
});

describe('inverseChange', () => {
  it('a state change is put back to the state before, naming the change it reverts', () => {
    expect(inverseChange(record())).toEqual({ loadBalancer: 'lb-west', backend: 'llama', server: 'r1', change: { kind: 'state', state: 'ready' }, revertOf: 'chg-1' });
    expect(inverseChange(record({ before: { state: 'maint', weight: 0 }, after: { state: 'ready', weight: 0 } }))?.change).toEqual({ kind: 'state', state: 'maint' });
  });

  it('a weight change is put back to the weight before, and leaves the state alone', () => {
    const r = record({ id: 'chg-2', action: 'lb.set-weight', command: 'set weight llama/r1 10', before: { state: 'drain', weight: 100 }, after: { state: 'drain', weight: 10 } });
    expect(inverseChange(r)).toEqual({ loadBalancer: 'lb-west', backend: 'llama', server: 'r1', change: { kind: 'weight', weight: 100 }, revertOf: 'chg-2' });
  });

  it('offers nothing when the setting before was not known', () => {
    expect(inverseChange(record({ before: null }))).toBeNull();
  });

  it('a put-back can itself be put back (its own before is the changed setting)', () => {
    const back = record({ id: 'chg-3', before: { state: 'drain', weight: 100 }, after: { state: 'ready', weight: 100 }, revertOf: 'chg-1' });
    expect(inverseChange(back)).toMatchObject({ change: { kind: 'state', state: 'drain' }, revertOf: 'chg-3' });
  });
});

describe('putBackIds', () => {
  it('collects the changes a listed change reverted, ignoring other events and unparsable data', () => {
    const events = [
      changeEvent(record({ id: 'chg-3', revertOf: 'chg-1' }), { id: 9 }),
      changeEvent({ revertOf: 'chg-2' }, { id: 8 }),
      changeEvent(record({ id: 'chg-1' }), { id: 7 }),
      { ...changeEvent(record({ revertOf: 'chg-0' })), kind: 'lb.server.status', id: 6 },
    ];
    expect([...putBackIds(events)]).toEqual(['chg-1']);
  });
});

describe('the setting shown before → after', () => {
  it('names the change in HAProxy words', () => {
    expect(describeChange({ kind: 'state', state: 'maint' })).toBe('state maint');
    expect(describeChange({ kind: 'weight', weight: 0 })).toBe('weight 0');
  });

  it('changes only the field the change is about', () => {
    expect(settingAfter({ state: 'ready', weight: 100 }, { kind: 'state', state: 'drain' })).toEqual({ state: 'drain', weight: 100 });
    expect(settingAfter({ state: 'drain', weight: 100 }, { kind: 'weight', weight: 5 })).toEqual({ state: 'drain', weight: 5 });
    expect(settingAfter(null, { kind: 'weight', weight: 5 })).toBeNull();
  });

  it('shows the touched field, says "unknown" when HAProxy could not be read, and flags a change to the same value', () => {
    expect(settingTransition({ state: 'ready', weight: 100 }, { kind: 'state', state: 'drain' })).toEqual({ label: 'state', before: 'ready', after: 'drain', same: false });
    expect(settingTransition({ state: 'ready', weight: 100 }, { kind: 'weight', weight: 100 })).toEqual({ label: 'weight', before: '100', after: '100', same: true });
    expect(settingTransition(null, { kind: 'state', state: 'maint' })).toEqual({ label: 'state', before: 'unknown', after: 'maint', same: false });
  });
});

describe('confirmationWord', () => {
  it('is the preview’s word, or none when the preview asks for none', () => {
    expect(confirmationWord(preview(), null)).toBe('r1');
    expect(confirmationWord(preview({ confirmation: null }), null)).toBeNull();
    expect(confirmationWord(undefined, null)).toBeNull();
  });

  it('takes the word a CONFIRMATION_REQUIRED refusal names when the preview asked for none', () => {
    const refusal = new FleetApiError('CONFIRMATION_REQUIRED', 'type "r1" to change lb-west/llama/r1', { detail: { expect: 'r1' } });
    expect(confirmationWord(preview({ confirmation: null }), refusal)).toBe('r1');
    expect(confirmationWord(undefined, refusal)).toBe('r1');
    // The preview's own word wins.
    expect(confirmationWord(preview({ confirmation: 'r1-new' }), refusal)).toBe('r1-new');
  });

  it('ignores other errors and refusals without a usable word', () => {
    expect(confirmationWord(preview({ confirmation: null }), new FleetApiError('READ_ONLY', 'read-only', { detail: { expect: 'r1' } }))).toBeNull();
    expect(confirmationWord(undefined, new FleetApiError('CONFIRMATION_REQUIRED', 'type it'))).toBeNull();
    expect(confirmationWord(undefined, new FleetApiError('CONFIRMATION_REQUIRED', 'type it', { detail: { expect: 42 } }))).toBeNull();
    expect(confirmationWord(undefined, new FleetApiError('CONFIRMATION_REQUIRED', 'type it', { detail: { expect: '' } }))).toBeNull();
    expect(confirmationWord(undefined, new Error('boom'))).toBeNull();
    expect(confirmationWord(undefined, 'CONFIRMATION_REQUIRED')).toBeNull();
  });
});

describe('applyBlock (the Apply button)', () => {
  const readOnly = { code: 'READ_ONLY' as const, message: 'read-only mode is on: nothing is changed' };
  const locked = { code: 'RUNBOOK_LOCKED' as const, message: 'r1 is held by run run-7 (drain-replica, pid 4242 on console-1)' };

  it('stays disabled until the preview came back', () => {
    expect(applyBlock({ preview: undefined, word: null, typed: '', pending: false })).toBe('no-preview');
    expect(applyBlock({ preview: undefined, word: 'r1', typed: 'r1', pending: false })).toBe('no-preview');
  });

  it('stays disabled while any refusal stands, whatever is typed', () => {
    expect(applyBlock({ preview: preview({ refusals: [readOnly] }), word: 'r1', typed: 'r1', pending: false })).toBe('refused');
    expect(applyBlock({ preview: preview({ refusals: [locked], confirmation: null }), word: null, typed: '', pending: false })).toBe('refused');
  });

  it('on a protected cluster, needs the word typed exactly (no trimming, no case folding)', () => {
    const p = preview();
    for (const typed of ['', 'r', 'r1 ', ' r1', 'R1', 'r1x']) expect(applyBlock({ preview: p, word: 'r1', typed, pending: false }), JSON.stringify(typed)).toBe('confirmation');
    expect(applyBlock({ preview: p, word: 'r1', typed: 'r1', pending: false })).toBeNull();
  });

  it('needs no word when none is asked for, and is disabled while the call is in flight', () => {
    expect(applyBlock({ preview: preview({ confirmation: null }), word: null, typed: '', pending: false })).toBeNull();
    expect(applyBlock({ preview: preview(), word: 'r1', typed: 'r1', pending: true })).toBe('pending');
  });
});

describe('changeCall', () => {
  it('a state change sends lb.setServerState with what was typed, valid against the contract', () => {
    const c = changeCall(drain, 'r1', 'r1');
    expect(c).toEqual({ method: 'lb.setServerState', input: { loadBalancer: 'lb-west', backend: 'llama', server: 'r1', state: 'drain', confirm: 'r1' } });
    expect(methods['lb.setServerState'].input.parse(c.input)).toEqual(c.input);
  });

  it('sends no confirm when no word was asked for, and the reverted change id for a put-back', () => {
    const back: LbChangeRequest = { ...drain, change: { kind: 'weight', weight: 100 }, revertOf: 'chg-2' };
    const c = changeCall(back, null, 'ignored');
    expect(c).toEqual({ method: 'lb.setWeight', input: { loadBalancer: 'lb-west', backend: 'llama', server: 'r1', weight: 100, revertOf: 'chg-2' } });
    expect(methods['lb.setWeight'].input.parse(c.input)).toEqual(c.input);
  });

  it('previews exactly the change, without the revert id (the contract refuses unknown keys)', () => {
    const input = previewInput({ ...drain, revertOf: 'chg-1' });
    expect(input).toEqual({ loadBalancer: 'lb-west', backend: 'llama', server: 'r1', change: { kind: 'state', state: 'drain' } });
    expect(methods['lb.previewChange'].input.parse(input)).toEqual(input);
  });
});

describe('eventSubjectHref', () => {
  const names = { nodes: new Set(['usw2-inf-01']), replicas: new Set(['usw2-inf-01-llm']) };
  it('links a node to its drawer and a replica (the subject of its server’s changes) to its own', () => {
    expect(eventSubjectHref('usw2-inf-01', names)).toBe('#/node/usw2-inf-01');
    expect(eventSubjectHref('usw2-inf-01-llm', names)).toBe('#/replica/usw2-inf-01-llm');
  });
  it('links a load balancer or a service to its page when it is one of the fleet’s', () => {
    const all = { ...names, loadBalancers: new Set(['lb-west']), services: new Set(['llama']) };
    expect(eventSubjectHref('lb-west', all)).toBe('#/lb/lb-west');
    expect(eventSubjectHref('llama', all)).toBe('#/service/llama');
  });
  it('links nothing else (a server that is no replica, a name gone from the inventory)', () => {
    expect(eventSubjectHref('lb-west', names)).toBeNull();
    expect(eventSubjectHref('lb-west/llama/other', names)).toBeNull();
  });
});
