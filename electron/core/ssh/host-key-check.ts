import type { ServerHostKeyAlgorithm } from 'ssh2';
import { FleetError } from '../../../shared/errors';
import { endpoint, type Hop } from './errors';
import { fingerprintOf, keyTypeOf } from './fingerprint';
import { checkHostKey, knownHostName, type KnownHostEntry } from './known-hosts';

/** A key a server presented: what trustHostKey appends once the operator confirms it. */
export interface PresentedHostKey {
  host: string;
  port: number;
  keyType: string;
  key: Buffer;
  fingerprint: string;
  knownHostsFile: string;
}

/** Host key algorithms ssh2 offers by default, in its order (ssh2 1.17 DEFAULT_SERVER_HOST_KEY). */
const DEFAULT_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

const ALGORITHMS_FOR_KEY_TYPE: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Like OpenSSH, ask first for the host key types already in known_hosts for this host. A server
 * with several host keys (ed25519 + ecdsa + rsa) would otherwise negotiate whichever comes first
 * in ssh2's list, and a trusted host would look "changed" because it presented a different key.
 */
export function preferredHostKeyAlgorithms(knownTypes: string[]): ServerHostKeyAlgorithm[] {
  const first = knownTypes.flatMap((t) => ALGORITHMS_FOR_KEY_TYPE[t] ?? []);
  return [...new Set([...first, ...DEFAULT_ALGORITHMS])];
}

/**
 * A synchronous ssh2 `hostVerifier` (ssh2 1.17 passes the raw public key blob when no
 * `hostHash` is set). Returning false makes ssh2 abort the key exchange before NEWKEYS, so
 * no authentication request, and nothing else, is ever sent to a host that failed the check.
 * The reason is kept in `failure` for the connection to report instead of ssh2's generic
 * "Host denied (verification failed)".
 */
export class HostKeyVerifier {
  failure?: FleetError;
  presented?: PresentedHostKey;

  constructor(
    private readonly hop: Hop,
    private readonly entries: KnownHostEntry[],
    private readonly knownHostsFile: string,
    private readonly onUnknown: (key: PresentedHostKey) => void,
  ) {}

  readonly verify = (key: Buffer): boolean => {
    const keyType = keyTypeOf(key) ?? 'unknown';
    const fingerprint = fingerprintOf(key);
    const presented: PresentedHostKey = { host: this.hop.host, port: this.hop.port, keyType, key, fingerprint, knownHostsFile: this.knownHostsFile };
    this.presented = presented;
    const verdict = checkHostKey(this.entries, this.hop.host, this.hop.port, key);
    const where = endpoint(this.hop);
    const name = knownHostName(this.hop.host, this.hop.port);
    const detail = { host: this.hop.host, port: this.hop.port, keyType, fingerprint, knownHostsFile: this.knownHostsFile };
    switch (verdict.kind) {
      case 'trusted':
        return true;
      case 'unknown':
        this.failure = new FleetError(
          'SSH_HOST_KEY_UNKNOWN',
          `the host key of ${where} is not in ${this.knownHostsFile}: it presented ${keyType} ${fingerprint}. Compare that fingerprint with the node's (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the node), then trust it.`,
          { subject: this.hop.subject, detail },
        );
        this.onUnknown(presented);
        return false;
      case 'revoked':
        this.failure = new FleetError(
          'SSH_HOST_KEY_MISMATCH',
          `${where} presented ${keyType} ${fingerprint}, a key marked @revoked in ${this.knownHostsFile} line ${verdict.line}. Nothing was sent. Do not connect until the node has a new host key.`,
          { subject: this.hop.subject, detail: { ...detail, revokedLine: verdict.line } },
        );
        return false;
      case 'changed':
        this.failure = new FleetError(
          'SSH_HOST_KEY_MISMATCH',
          `the host key of ${where} changed: it presented ${keyType} ${fingerprint}, but ${this.knownHostsFile} line ${verdict.lines.join(', ')} holds another key (${verdict.knownKeyTypes.join(', ')}). Nothing was sent. This is what a man-in-the-middle attack looks like, or the node was reinstalled: verify the new key out of band, then remove the old entry (ssh-keygen -R '${name}' -f ${this.knownHostsFile}).`,
          { subject: this.hop.subject, detail: { ...detail, knownHostsLines: verdict.lines, knownKeyTypes: verdict.knownKeyTypes } },
        );
        return false;
    }
  };
}
