import { describe, expect, it } from 'vitest';
import type { NodeStatus } from '../../../shared/status';
import { passphraseRequests } from '../../../renderer/src/model/passphrase-requests';
import { node } from './builders';

const waiting = (name: string, identityFile: string, lastProbeAt = 1_000): NodeStatus =>
  node(name, {
    health: 'unreachable',
    lastProbeAt,
    lastError: { code: 'SSH_PASSPHRASE_REQUIRED', message: `needs the passphrase of ${identityFile}`, subject: name, detail: { identityFile } },
  });

describe('passphraseRequests', () => {
  it('groups the nodes waiting on each identity file, files and nodes sorted', () => {
    const requests = passphraseRequests([
      waiting('gpu-b', '/keys/train'),
      node('healthy-1'),
      waiting('gpu-a', '/keys/train'),
      waiting('gpu-c', '/keys/infer'),
    ]);
    expect(requests.map((r) => [r.identityFile, r.nodes, r.wrongPassphrase])).toEqual([
      ['/keys/infer', ['gpu-c'], false],
      ['/keys/train', ['gpu-a', 'gpu-b'], false],
    ]);
  });

  it('asks again for a key whose known passphrase is wrong, but not for other authentication failures', () => {
    const wrong = node('gpu-w', {
      health: 'unreachable',
      lastError: { code: 'SSH_AUTH_FAILED', message: 'the passphrase is wrong', detail: { identityFile: '/keys/a', wrongPassphrase: true } },
    });
    const refused = node('gpu-r', {
      health: 'unreachable',
      lastError: { code: 'SSH_AUTH_FAILED', message: 'cannot read identity file', detail: { identityFile: '/keys/b' } },
    });
    const noDetail = node('gpu-n', { health: 'unreachable', lastError: { code: 'SSH_PASSPHRASE_REQUIRED', message: 'needs a passphrase' } });
    const requests = passphraseRequests([wrong, refused, noDetail]);
    expect(requests.map((r) => [r.identityFile, r.nodes, r.wrongPassphrase])).toEqual([['/keys/a', ['gpu-w'], true]]);
  });

  it('gives a request a new probe key when any of its nodes is probed again', () => {
    const before = passphraseRequests([waiting('a', '/k', 1_000), waiting('b', '/k', 1_000)])[0].probeKey;
    expect(passphraseRequests([waiting('b', '/k', 1_000), waiting('a', '/k', 1_000)])[0].probeKey).toBe(before);
    expect(passphraseRequests([waiting('a', '/k', 1_000), waiting('b', '/k', 2_000)])[0].probeKey).not.toBe(before);
  });

  it('is empty when no node waits for a passphrase', () => {
    expect(passphraseRequests([node('a'), node('b', { health: 'unreachable', lastError: { code: 'HOST_UNREACHABLE', message: 'refused' } })])).toEqual([]);
  });
});
