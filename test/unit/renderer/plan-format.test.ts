import { describe, expect, it } from 'vitest';
import type { PlannedAction } from '../../../shared/runbook';
import { confirmationMatches, describeAction, failedPreconditions, highlightTargets } from '../../../renderer/src/model/plan-format';
import { plan } from './run-builders';

const joined = (segments: { text: string }[]) => segments.map((s) => s.text).join('');
const marked = (segments: { text: string; target: boolean }[]) => segments.filter((s) => s.target).map((s) => s.text);

describe('describeAction', () => {
  it('shows HAProxy commands and SSH command lines exactly as sent, with where they go', () => {
    expect(
      describeAction({ type: 'lb.set-state', loadBalancer: 'lb1', backend: 'vllm', server: 'r1', state: 'maint', command: 'set server vllm/r1 state maint' }),
    ).toBe('haproxy lb1: set server vllm/r1 state maint');
    expect(
      describeAction({ type: 'ssh.run', node: 'n1', commandName: 'restart', commandLine: "systemctl restart 'vllm'", timeoutSeconds: 60 }),
    ).toBe("ssh n1: systemctl restart 'vllm'  (restart, timeout 60s)");
  });

  it('describes every action type (none falls through to undefined)', () => {
    const actions: PlannedAction[] = [
      { type: 'lb.set-weight', loadBalancer: 'lb1', backend: 'b', server: 's', weight: 0, command: 'set weight b/s 0' },
      { type: 'lb.wait', loadBalancer: 'lb1', backend: 'b', server: 's', until: 'sessions-zero', timeoutSeconds: 30 },
      { type: 'wait.healthy', subject: 'r1', subjectKind: 'replica', timeoutSeconds: 120 },
      { type: 'verify.traffic', url: 'http://lb/v1/models', requests: 20, minSuccessPct: 95 },
      { type: 'verify.checkpoint', node: 'n1', directory: '/ckpt', maxAgeSeconds: 600 },
      { type: 'confirm', expect: 'eu-train' },
      { type: 'note', text: 'page the on-call' },
    ];
    expect(actions.map(describeAction)).toEqual([
      'haproxy lb1: set weight b/s 0',
      'wait until b/s on lb1 is sessions-zero (timeout 30s)',
      'wait until replica r1 is healthy (timeout 120s)',
      'send 20 requests through http://lb/v1/models, need ≥ 95% success',
      'check n1:/ckpt has a checkpoint younger than 600s',
      'operator types "eu-train"',
      'page the on-call',
    ]);
  });
});

describe('highlightTargets', () => {
  it('marks every whole occurrence of a target and joins back to the same text', () => {
    const text = 'haproxy lb1: set server vllm/r1 state drain; r1 again';
    const segments = highlightTargets(text, ['r1']);
    expect(joined(segments)).toBe(text);
    expect(marked(segments)).toEqual(['r1', 'r1']);
  });

  it('does not mark a name inside a longer one, and a dot ends a name only at the end of a word', () => {
    expect(marked(highlightTargets('ssh n10: reboot gpu-n1 n1_x', ['n1']))).toEqual([]);
    expect(marked(highlightTargets('ssh n1.example.com: reboot', ['n1']))).toEqual([]);
    expect(marked(highlightTargets('wait until node n1.', ['n1']))).toEqual(['n1']);
  });

  it('prefers the longer of two overlapping targets', () => {
    expect(marked(highlightTargets('drain web-1-canary then web-1', ['web-1', 'web-1-canary']))).toEqual(['web-1-canary', 'web-1']);
  });

  it('takes regex characters in names literally', () => {
    const segments = highlightTargets('set server be/a.b state maint; set server be/axb state maint', ['a.b']);
    expect(marked(segments)).toEqual(['a.b']);
  });

  it('gives one plain segment without targets, and none for empty text', () => {
    expect(highlightTargets('note', [])).toEqual([{ text: 'note', target: false }]);
    expect(highlightTargets('', ['r1'])).toEqual([]);
  });
});

describe('confirmationMatches', () => {
  it('needs exactly the expected text: no trimming, no case folding, no prefix', () => {
    expect(confirmationMatches('eu-train', 'eu-train')).toBe(true);
    expect(confirmationMatches('eu-train', 'eu-train ')).toBe(false);
    expect(confirmationMatches('eu-train', 'EU-TRAIN')).toBe(false);
    expect(confirmationMatches('eu-train', 'eu-trai')).toBe(false);
    expect(confirmationMatches('eu-train', '')).toBe(false);
  });

  it('accepts anything when the plan needs no typed confirmation', () => {
    expect(confirmationMatches(null, '')).toBe(true);
  });
});

describe('failedPreconditions', () => {
  it('lists only the preconditions that did not pass', () => {
    const p = plan({
      preconditions: [
        { ok: true, text: 'locks free', overridable: false },
        { ok: false, text: 'capacity: 1 of 3 would stay healthy', overridable: true },
      ],
    });
    expect(failedPreconditions(p).map((c) => c.text)).toEqual(['capacity: 1 of 3 would stay healthy']);
  });
});
