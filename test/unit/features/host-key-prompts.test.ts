/**
 * Unknown host keys waiting for the operator: each on the record and pushed once per key, a new
 * key for the same node replaces the old one, and an inventory reload forgets nodes it dropped.
 */
import { describe, expect, it } from 'vitest';
import type { PushEvent } from '../../../shared/contract';
import { HostKeyPrompts, type UnknownHostKey } from '../../../electron/core/fleet/host-key-prompts';
import type { Push } from '../../../electron/core/feature';
import type { AppendEventInput } from '../../../electron/core/store/event-log';

const key = (node: string, fingerprint: string): UnknownHostKey => ({ targetKey: node, host: `${node}.lab`, port: 22, keyType: 'ssh-ed25519', fingerprint, knownHostsFile: '/home/ops/.ssh/known_hosts' });

function prompts() {
  const recorded: AppendEventInput[] = [];
  const pushed: PushEvent[] = [];
  const push: Push = (event, payload) => pushed.push({ event, payload } as PushEvent);
  return { recorded, pushed, prompts: new HostKeyPrompts({ record: (e) => recorded.push(e), push, now: () => 42 }) };
}

describe('host key prompts', () => {
  it('records and pushes an unknown key once, however often the pool meets it', () => {
    const { recorded, pushed, prompts: p } = prompts();
    p.unknown(key('gpu-a', 'SHA256:aaa'));
    p.unknown(key('gpu-a', 'SHA256:aaa'));
    expect(recorded).toEqual([
      { ts: 42, kind: 'hostkey.unknown', subject: 'gpu-a', severity: 'warning', message: 'gpu-a: unknown host key ssh-ed25519 SHA256:aaa for gpu-a.lab:22; waiting for the operator to trust it' },
    ]);
    expect(pushed).toEqual([{ event: 'hostKeys.changed', payload: { pending: [expect.objectContaining({ node: 'gpu-a', fingerprint: 'SHA256:aaa' })] } }]);
  });

  it('replaces the prompt when the node presents another key', () => {
    const { recorded, prompts: p } = prompts();
    p.unknown(key('gpu-a', 'SHA256:aaa'));
    p.unknown(key('gpu-a', 'SHA256:bbb'));
    expect(recorded).toHaveLength(2);
    expect(p.list()).toEqual([expect.objectContaining({ node: 'gpu-a', fingerprint: 'SHA256:bbb' })]);
    expect(p.get('gpu-a')?.fingerprint).toBe('SHA256:bbb');
  });

  it('forgets the prompts of nodes an inventory reload dropped, without a push of its own', () => {
    const { pushed, prompts: p } = prompts();
    p.unknown(key('gpu-a', 'SHA256:aaa'));
    p.unknown(key('gpu-b', 'SHA256:bbb'));
    p.retain((node) => node === 'gpu-b');
    expect(p.list().map((k) => k.node)).toEqual(['gpu-b']);
    expect(pushed).toHaveLength(2);
  });

  it('publishes what is left once a prompt is taken away', () => {
    const { pushed, prompts: p } = prompts();
    p.unknown(key('gpu-a', 'SHA256:aaa'));
    p.delete('gpu-a');
    p.publish();
    expect(pushed.at(-1)).toEqual({ event: 'hostKeys.changed', payload: { pending: [] } });
  });
});
