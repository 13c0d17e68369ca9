/**
 * Writes a signed bundle (bundle-format.ts): the parts, their manifest, the in-toto statement
 * over both in a DSSE envelope signed with the console's key, and the key's public half, as one
 * gzip-compressed tar. Deterministic for the same input and time (sorted parts, fixed modes and
 * mtimes), so two exports of the same thing are the same bytes.
 */
import { createHash, sign } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { FleetError } from '../../../shared/errors';
import {
  BUNDLE_FORMAT,
  BUNDLE_PREDICATE_TYPE,
  ENVELOPE_NAME,
  INTOTO_PAYLOAD_TYPE,
  INTOTO_STATEMENT_TYPE,
  isPartName,
  MANIFEST_NAME,
  PARTS_DIR,
  pae,
  SIGNER_NAME,
  type BundleKind,
  type BundleManifest,
  type DsseEnvelope,
  type InTotoStatement,
} from './bundle-format';
import type { SigningKey } from './signing-key';

export interface BundlePartInput {
  /** Under parts/, e.g. "events.jsonl". */
  name: string;
  mediaType: string;
  content: Buffer | string;
}

export interface BundleInput {
  kind: BundleKind;
  subject: string;
  title: string;
  createdBy: string;
  parts: BundlePartInput[];
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export async function writeBundle(input: BundleInput, key: SigningKey, now: Date = new Date()): Promise<Buffer> {
  const parts = input.parts.map((p) => ({ ...p, bytes: typeof p.content === 'string' ? Buffer.from(p.content, 'utf8') : p.content })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const seen = new Set<string>();
  for (const p of parts) {
    if (!isPartName(p.name)) throw new FleetError('BAD_REQUEST', `not a bundle part name: ${JSON.stringify(p.name)}`);
    if (seen.has(p.name)) throw new FleetError('BAD_REQUEST', `two parts named ${p.name}`);
    seen.add(p.name);
  }
  const createdAt = now.toISOString();
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    kind: input.kind,
    subject: input.subject,
    title: input.title,
    createdAt,
    createdBy: input.createdBy,
    signer: key.fingerprint,
    parts: parts.map((p) => ({ name: p.name, mediaType: p.mediaType, size: p.bytes.length, sha256: sha256(p.bytes) })),
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const statement: InTotoStatement = {
    _type: INTOTO_STATEMENT_TYPE,
    subject: [{ name: MANIFEST_NAME, digest: { sha256: sha256(manifestBytes) } }, ...manifest.parts.map((p) => ({ name: `${PARTS_DIR}${p.name}`, digest: { sha256: p.sha256 } }))],
    predicateType: BUNDLE_PREDICATE_TYPE,
    predicate: { kind: input.kind, subject: input.subject, createdAt },
  };
  const payload = Buffer.from(JSON.stringify(statement), 'utf8');
  const envelope: DsseEnvelope = {
    payloadType: INTOTO_PAYLOAD_TYPE,
    payload: payload.toString('base64'),
    signatures: [{ keyid: key.fingerprint, sig: sign(null, pae(INTOTO_PAYLOAD_TYPE, payload), key.privateKey).toString('base64') }],
  };
  const entries: Array<[string, Buffer]> = [
    [MANIFEST_NAME, manifestBytes],
    [ENVELOPE_NAME, Buffer.from(`${JSON.stringify(envelope, null, 2)}\n`, 'utf8')],
    [SIGNER_NAME, Buffer.from(key.publicPem, 'utf8')],
    ...parts.map((p): [string, Buffer] => [`${PARTS_DIR}${p.name}`, p.bytes]),
  ];
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    tar.on('data', (c: unknown) => chunks.push(c as Buffer));
    tar.on('end', () => resolve());
    tar.on('error', reject);
  });
  for (const [name, bytes] of entries) {
    await new Promise<void>((resolve, reject) => tar.entry({ name, size: bytes.length, mode: 0o644, mtime: now, type: 'file' }, bytes, (err) => (err ? reject(err) : resolve())));
  }
  tar.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks), { level: 9 });
}
