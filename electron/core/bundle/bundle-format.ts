/**
 * A fleetops bundle: one gzip-compressed POSIX tar file that carries an incident or a drill
 * report off the machine, provably unaltered. Standard formats throughout, so other tools can
 * check it without fleetops:
 *
 *   manifest.json        what the bundle is, and every part with its SHA-256 and size
 *   manifest.dsse.json   a DSSE envelope (https://github.com/secure-systems-lab/dsse) whose
 *                        payload is an in-toto Statement v1 listing manifest.json and every part
 *                        by digest, signed with the console's Ed25519 key
 *   signer.pub.pem       that key's public half (SPKI PEM); the envelope's keyid is its fingerprint
 *   parts/…              the content (JSON Lines, JSON, Markdown, HTML, CSV)
 *
 * Whether the signer is trusted is the reader's business (trusted-signers.ts): a valid bundle
 * signed by an unknown key is shown as such, never silently accepted or refused.
 */
import { z } from 'zod';

export const BUNDLE_FORMAT = 'fleetops-bundle/1';
export const MANIFEST_NAME = 'manifest.json';
export const ENVELOPE_NAME = 'manifest.dsse.json';
export const SIGNER_NAME = 'signer.pub.pem';
export const PARTS_DIR = 'parts/';
export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const INTOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const BUNDLE_PREDICATE_TYPE = 'https://fleetops.dev/bundle/v1';

/** What a reader accepts at most: a hostile bundle is refused before it costs more than this. */
export interface BundleLimits {
  /** The file as given (compressed). */
  maxFileBytes: number;
  /** Everything the gzip stream unpacks to (a decompression bomb stops here). */
  maxUnpackedBytes: number;
  /** One part, as its tar header declares it (checked before a byte of it is read). */
  maxPartBytes: number;
  maxEntries: number;
  /** Nesting of a JSON part (a deeply nested one is refused before it is parsed). */
  maxJsonDepth: number;
}

/**
 * What a reader holds at most is maxUnpackedBytes (parts are kept in memory, never written out):
 * an incident of 100,000 events is tens of MB, far below.
 */
export const DEFAULT_BUNDLE_LIMITS: BundleLimits = {
  maxFileBytes: 256 * 1024 * 1024,
  maxUnpackedBytes: 512 * 1024 * 1024,
  maxPartBytes: 256 * 1024 * 1024,
  maxEntries: 10_000,
  maxJsonDepth: 64,
};

/** A part's name under parts/: path segments of letters, digits, ".", "_" and "-", never "." or "..". */
const SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;
export function isPartName(name: string): boolean {
  const segments = name.split('/');
  return name.length <= 400 && segments.length <= 8 && segments.every((s) => SEGMENT.test(s));
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 in hex');

export const ManifestPart = z.strictObject({
  name: z.string().refine(isPartName, 'expected a part name of letters, digits, ".", "_", "-" and "/"'),
  mediaType: z.string().min(1).max(100),
  size: z.number().int().min(0),
  sha256: sha256Hex,
});
export type ManifestPart = z.infer<typeof ManifestPart>;

export const BundleKind = z.enum(['incident', 'drill-report']);
export type BundleKind = z.infer<typeof BundleKind>;

export const BundleManifest = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  kind: BundleKind,
  /** What it is about: the incident's or the drill run's id. */
  subject: z.string().min(1).max(200),
  title: z.string().max(500),
  createdAt: z.string().datetime(),
  /** Who made it (user@host) and the signer's fingerprint. */
  createdBy: z.string().max(200),
  signer: z.string().max(100),
  parts: z.array(ManifestPart).max(10_000),
});
export type BundleManifest = z.infer<typeof BundleManifest>;

export const DsseEnvelope = z.strictObject({
  payloadType: z.string(),
  payload: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64'),
  signatures: z.array(z.strictObject({ keyid: z.string(), sig: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64') })).min(1).max(8),
});
export type DsseEnvelope = z.infer<typeof DsseEnvelope>;

export const InTotoStatement = z.strictObject({
  _type: z.literal(INTOTO_STATEMENT_TYPE),
  subject: z.array(z.strictObject({ name: z.string(), digest: z.strictObject({ sha256: sha256Hex }) })).min(1).max(10_001),
  predicateType: z.literal(BUNDLE_PREDICATE_TYPE),
  predicate: z.strictObject({ kind: BundleKind, subject: z.string(), createdAt: z.string() }),
});
export type InTotoStatement = z.infer<typeof InTotoStatement>;

/** DSSE's pre-authentication encoding: what is signed ("DSSEv1" SP len(type) SP type SP len(body) SP body). */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}
