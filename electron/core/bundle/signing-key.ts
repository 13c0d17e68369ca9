/**
 * The console's own Ed25519 signing key: what signs its bundles (incidents, drill reports).
 * Created once per data directory and kept there (DATA_DIR/signing-key.pem, 0600, like the SSH
 * keys the lab writes), unless a secret named SIGNING_KEY_SECRET is set (the environment as
 * FLEETOPS_SECRET_…, the desktop's keychain), which wins: an operator can give several consoles
 * one identity. Two processes creating it at once agree on one (exclusive create; the loser reads
 * the winner's).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FleetError } from '../../../shared/errors';

export const SIGNING_KEY_FILE = 'signing-key.pem';
/** The secret ref an operator may set to give the console its signing key (PKCS#8 PEM). */
export const SIGNING_KEY_SECRET = 'fleetops-signing-key';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM: what a bundle carries as signer.pub.pem. */
  publicPem: string;
  /** "SHA256:" + base64 of the SHA-256 of the public key's SPKI DER (unpadded, like OpenSSH's). */
  fingerprint: string;
}

export function fingerprintOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
}

/** A public key from PEM, only Ed25519; BUNDLE_INVALID otherwise (it comes from a bundle). */
export function ed25519PublicKey(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new FleetError('BUNDLE_INVALID', `${where}: not a public key (${(err as Error).message})`, { subject: where });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new FleetError('BUNDLE_INVALID', `${where}: an ${key.asymmetricKeyType} key, expected Ed25519`, { subject: where });
  return key;
}

function fromPrivatePem(pem: string, where: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new FleetError('BAD_REQUEST', `the signing key in ${where} is not a private key: ${(err as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new FleetError('BAD_REQUEST', `the signing key in ${where} is ${privateKey.asymmetricKeyType}, expected Ed25519`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: fingerprintOf(publicKey) };
}

/** The key of `dataDir` (created on first use), or the one the secret gives. */
export async function loadSigningKey(dataDir: string, secret?: (ref: string) => Promise<string | undefined>): Promise<SigningKey> {
  const given = await secret?.(SIGNING_KEY_SECRET);
  if (given) return fromPrivatePem(given, `secret ${SIGNING_KEY_SECRET}`);
  const file = join(dataDir, SIGNING_KEY_FILE);
  try {
    return fromPrivatePem(await readFile(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  try {
    await writeFile(file, pem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process made it first: theirs is the key.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return fromPrivatePem(await readFile(file, 'utf8'), file);
    throw err;
  }
  return fromPrivatePem(pem, file);
}
