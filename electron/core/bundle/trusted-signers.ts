/**
 * Which bundle signers this data directory trusts: its own key, and the keys an operator chose to
 * trust (DATA_DIR/trusted-signers.json, 0600). A bundle signed by anyone else still opens for
 * review, shown as "signed by SHA256:… — not a key you trust", until someone trusts it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FleetError } from '../../../shared/errors';
import { writeFileAtomic } from '../util/atomic-file';
import { ed25519PublicKey, fingerprintOf } from './signing-key';

export const TRUSTED_SIGNERS_FILE = 'trusted-signers.json';

const TrustedSigner = z.strictObject({ fingerprint: z.string(), publicKeyPem: z.string(), label: z.string(), addedAt: z.string() });
export type TrustedSigner = z.infer<typeof TrustedSigner>;

export type SignerTrust = 'own' | 'trusted' | 'unknown';

export async function trustedSigners(dataDir: string): Promise<TrustedSigner[]> {
  const file = join(dataDir, TRUSTED_SIGNERS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const parsed = z.array(TrustedSigner).safeParse(JSON.parse(text));
  if (!parsed.success) throw new FleetError('BAD_REQUEST', `${file} is not a list of trusted signers: fix or remove it`);
  return parsed.data;
}

/** Trusts the key (its fingerprint is computed here, not taken from the caller); trusting it twice changes nothing. */
export async function trustSigner(dataDir: string, publicKeyPem: string, label: string, now = new Date()): Promise<TrustedSigner> {
  const fingerprint = fingerprintOf(ed25519PublicKey(publicKeyPem, 'the key to trust'));
  const list = await trustedSigners(dataDir);
  const known = list.find((s) => s.fingerprint === fingerprint);
  if (known) return known;
  const added: TrustedSigner = { fingerprint, publicKeyPem, label, addedAt: now.toISOString() };
  await writeFileAtomic(join(dataDir, TRUSTED_SIGNERS_FILE), `${JSON.stringify([...list, added], null, 2)}\n`, 0o600);
  return added;
}

export async function signerTrust(dataDir: string, fingerprint: string, ownFingerprint: string): Promise<SignerTrust> {
  if (fingerprint === ownFingerprint) return 'own';
  return (await trustedSigners(dataDir)).some((s) => s.fingerprint === fingerprint) ? 'trusted' : 'unknown';
}
