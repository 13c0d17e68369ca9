import { utils } from 'ssh2';
import { describe, expect, it } from 'vitest';
import type { Hop } from '../../../electron/core/ssh/errors';
import { fingerprintOf } from '../../../electron/core/ssh/fingerprint';
import { HostKeyVerifier, type PresentedHostKey } from '../../../electron/core/ssh/host-key-check';
import { parseKnownHosts } from '../../../electron/core/ssh/known-hosts';
import { generateEd25519 } from '../../../electron/core/lab/lab-keys';

const hop: Hop = { subject: 'gpu-1', host: '10.0.0.5', port: 2222, user: 'ops', role: 'target' };
const key = () => {
  // Drawn again when ssh2's keygen hands out an unparseable key (about 1 in 256).
  const [type, b64] = generateEd25519().public.split(' ');
  return { type, b64, blob: Buffer.from(b64, 'base64') };
};

describe('HostKeyVerifier', () => {
  const A = key();
  const B = key();

  it('accepts a known key without reporting anything', () => {
    const seen: PresentedHostKey[] = [];
    const v = new HostKeyVerifier(hop, parseKnownHosts(`[10.0.0.5]:2222 ${A.type} ${A.b64}`), '/kh', (k) => seen.push(k));
    expect(v.verify(A.blob)).toBe(true);
    expect(v.failure).toBeUndefined();
    expect(seen).toEqual([]);
  });

  it('refuses an unknown key with SSH_HOST_KEY_UNKNOWN and hands it over for trusting', () => {
    const seen: PresentedHostKey[] = [];
    const v = new HostKeyVerifier(hop, [], '/kh', (k) => seen.push(k));
    expect(v.verify(A.blob)).toBe(false);
    expect(v.failure?.code).toBe('SSH_HOST_KEY_UNKNOWN');
    expect(v.failure?.detail).toMatchObject({ fingerprint: fingerprintOf(A.blob), keyType: 'ssh-ed25519', knownHostsFile: '/kh' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ host: '10.0.0.5', port: 2222, keyType: 'ssh-ed25519', fingerprint: fingerprintOf(A.blob) });
    expect(seen[0].key.equals(A.blob)).toBe(true);
  });

  it('refuses a changed key with SSH_HOST_KEY_MISMATCH and the command that removes the old entry', () => {
    const v = new HostKeyVerifier(hop, parseKnownHosts(`[10.0.0.5]:2222 ${B.type} ${B.b64}`), '/kh', () => {
      throw new Error('a changed key is not "unknown"');
    });
    expect(v.verify(A.blob)).toBe(false);
    expect(v.failure?.code).toBe('SSH_HOST_KEY_MISMATCH');
    expect(v.failure?.message).toContain("ssh-keygen -R '[10.0.0.5]:2222' -f /kh");
  });
});
