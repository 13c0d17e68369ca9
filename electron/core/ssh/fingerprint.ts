import { createHash } from 'node:crypto';

/**
 * OpenSSH's key fingerprint, as `ssh-keygen -lf` and the `ssh` prompt print it:
 * "SHA256:" + base64 of the SHA-256 of the public key blob, without '=' padding.
 */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * The key type named inside an SSH wire-format public key blob (its first length-prefixed
 * string, e.g. "ssh-ed25519"). Returns undefined for a blob too short to hold one.
 */
export function keyTypeOf(keyBlob: Buffer): string | undefined {
  if (keyBlob.length < 4) return undefined;
  const len = keyBlob.readUInt32BE(0);
  if (len === 0 || len > 64 || keyBlob.length < 4 + len) return undefined;
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}
