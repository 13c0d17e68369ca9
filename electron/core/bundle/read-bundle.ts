/**
 * Reads and checks a bundle (bundle-format.ts) from its bytes, in memory: nothing is ever written
 * to disk, so a hostile archive's names ("../../x", absolute paths, links) cannot land anywhere;
 * they are refused anyway. Every refusal is BUNDLE_INVALID naming the part and what is wrong:
 *
 * - the file, unpacked size, entry count and each part's declared size are capped
 *   (BundleLimits), checked as the gzip stream unpacks and before a part's bytes are read, so a
 *   decompression bomb or a "2 GB part" stops early;
 * - only regular files with safe names, each once;
 * - the DSSE envelope's signature over the in-toto statement must verify with the key the bundle
 *   carries, the statement must name manifest.json by its digest and every part by its digest,
 *   and every part in the archive must be in the manifest with its size and SHA-256;
 * - text parts must be UTF-8; JSON parts (and each line of JSON Lines) must parse, within a
 *   nesting depth.
 *
 * Whether the signer is one the reader trusts is not decided here (trusted-signers.ts).
 */
import { createHash, verify } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { FleetError } from '../../../shared/errors';
import {
  BundleManifest,
  DEFAULT_BUNDLE_LIMITS,
  DsseEnvelope,
  ENVELOPE_NAME,
  InTotoStatement,
  INTOTO_PAYLOAD_TYPE,
  isPartName,
  MANIFEST_NAME,
  PARTS_DIR,
  pae,
  SIGNER_NAME,
  type BundleLimits,
} from './bundle-format';
import { ed25519PublicKey, fingerprintOf } from './signing-key';

export interface ReadBundle {
  manifest: BundleManifest;
  /** By part name (without parts/). */
  parts: Map<string, Buffer>;
  signer: { fingerprint: string; publicKeyPem: string };
  /**
   * With `keepJson`: each JSON part as parsed here (a JSON Lines part: its non-blank lines with
   * their numbers), so a reader that goes on to check them does not parse them a second time.
   */
  json?: Map<string, unknown>;
}

export interface ReadBundleOptions {
  keepJson?: boolean;
}

/** A JSON Lines part as `ReadBundle.json` holds it. */
export type JsonLines = Array<{ line: number; value: unknown }>;

const invalid = (where: string, what: string) => new FleetError('BUNDLE_INVALID', `${where}: ${what}`, { subject: where });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

/** The archive's files by name, within the limits. */
function unpack(file: Buffer, limits: BundleLimits): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const files = new Map<string, Buffer>();
    const gunzip = createGunzip();
    const tar = extract();
    let unpacked = 0;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      gunzip.destroy();
      tar.destroy();
      reject(err instanceof FleetError ? err : invalid('the bundle', `not a gzip-compressed tar archive, or cut short (${err.message})`));
    };
    gunzip.on('data', (chunk: Buffer) => {
      unpacked += chunk.length;
      if (unpacked > limits.maxUnpackedBytes) return fail(invalid('the bundle', `unpacks to more than ${mb(limits.maxUnpackedBytes)} (a decompression bomb?)`));
      if (!tar.write(chunk)) gunzip.pause();
    });
    tar.on('drain', () => gunzip.resume());
    // streamx's types want a last chunk; there is none.
    gunzip.on('end', () => (tar as unknown as { end(): void }).end());
    gunzip.on('error', fail);
    tar.on('error', fail);
    tar.on('entry', (header: Header, stream, next) => {
      const name = header.name;
      const problem =
        header.type !== 'file'
          ? `a ${header.type} entry; a bundle holds regular files only`
          : !(name === MANIFEST_NAME || name === ENVELOPE_NAME || name === SIGNER_NAME || (name.startsWith(PARTS_DIR) && isPartName(name.slice(PARTS_DIR.length))))
            ? 'not a name a bundle may hold (only manifest.json, manifest.dsse.json, signer.pub.pem and parts/…, no "..")'
            : files.has(name)
              ? 'appears twice'
              : files.size >= limits.maxEntries
                ? `more than ${limits.maxEntries} entries`
                : header.size > limits.maxPartBytes
                  ? `declares ${mb(header.size)}, more than a part may hold (${mb(limits.maxPartBytes)})`
                  : null;
      if (problem) return fail(invalid(JSON.stringify(name).slice(0, 200), problem));
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        files.set(name, Buffer.concat(chunks));
        next();
      });
      stream.on('error', fail);
    });
    tar.on('finish', () => {
      // The archive ended (two zero blocks): whatever the gzip stream still holds is not read.
      gunzip.destroy();
      if (!failed) resolve(files);
    });
    if (file.length > limits.maxFileBytes) return fail(invalid('the bundle', `is larger than ${mb(limits.maxFileBytes)}`));
    gunzip.end(file);
  });
}

/** Text as UTF-8, refusing invalid sequences. */
function utf8(bytes: Buffer, where: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid(where, 'is not valid UTF-8');
  }
}

/** Refuses JSON nested deeper than `max` before parsing it (JSON.parse recurses). */
function checkDepth(text: string, max: number, where: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) throw invalid(where, `JSON nested deeper than ${max} levels`);
    } else if (c === 93 || c === 125) depth--;
  }
}

/** JSON within a nesting depth, or BUNDLE_INVALID naming `where`: for JSON inside a part (a string holding JSON). */
export function parseJson(text: string, where: string, maxDepth: number = DEFAULT_BUNDLE_LIMITS.maxJsonDepth): unknown {
  checkDepth(text, maxDepth, where);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalid(where, `is not JSON (${(err as Error).message})`);
  }
}

function schema<T>(s: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, value: unknown, where: string): T {
  const r = s.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw invalid(where, `does not match its schema: ${issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'invalid'}`);
}

const TEXT_TYPES = /^(application\/(json|x-ndjson|jsonl)|text\/.+)(;.*)?$/;

export async function readBundle(file: Buffer, limits: BundleLimits = DEFAULT_BUNDLE_LIMITS, opts: ReadBundleOptions = {}): Promise<ReadBundle> {
  const json = opts.keepJson ? new Map<string, unknown>() : undefined;
  const files = await unpack(file, limits);
  const need = (name: string) => {
    const f = files.get(name);
    if (!f) throw invalid(name, 'is missing');
    return f;
  };
  const manifestBytes = need(MANIFEST_NAME);
  const manifest = schema(BundleManifest, parseJson(utf8(manifestBytes, MANIFEST_NAME), MANIFEST_NAME, limits.maxJsonDepth), MANIFEST_NAME);
  const envelope = schema(DsseEnvelope, parseJson(utf8(need(ENVELOPE_NAME), ENVELOPE_NAME), ENVELOPE_NAME, limits.maxJsonDepth), ENVELOPE_NAME);
  const publicKeyPem = utf8(need(SIGNER_NAME), SIGNER_NAME);
  const publicKey = ed25519PublicKey(publicKeyPem, SIGNER_NAME);
  const fingerprint = fingerprintOf(publicKey);

  // The signature first: nothing the bundle says is believed before it verifies.
  if (envelope.payloadType !== INTOTO_PAYLOAD_TYPE) throw invalid(ENVELOPE_NAME, `payloadType ${envelope.payloadType}, expected ${INTOTO_PAYLOAD_TYPE}`);
  const payload = Buffer.from(envelope.payload, 'base64');
  const signature = envelope.signatures.find((s) => s.keyid === fingerprint);
  if (!signature) throw invalid(ENVELOPE_NAME, `no signature by the bundle's key ${fingerprint} (signed by ${envelope.signatures.map((s) => s.keyid).join(', ')})`);
  if (!verify(null, pae(envelope.payloadType, payload), publicKey, Buffer.from(signature.sig, 'base64'))) {
    throw invalid(ENVELOPE_NAME, `the signature by ${fingerprint} does not verify: the statement was altered or signed by another key`);
  }
  const statement = schema(InTotoStatement, parseJson(utf8(payload, `${ENVELOPE_NAME} payload`), `${ENVELOPE_NAME} payload`, limits.maxJsonDepth), `${ENVELOPE_NAME} payload`);
  if (manifest.signer !== fingerprint) throw invalid(MANIFEST_NAME, `names signer ${manifest.signer}, but the bundle is signed by ${fingerprint}`);
  const signed = new Map(statement.subject.map((s) => [s.name, s.digest.sha256]));
  if (signed.get(MANIFEST_NAME) !== sha256(manifestBytes)) throw invalid(MANIFEST_NAME, 'does not match the signed statement: it was altered after signing');
  if (statement.predicate.kind !== manifest.kind || statement.predicate.subject !== manifest.subject) throw invalid(MANIFEST_NAME, 'names another subject than the signed statement');

  const parts = new Map<string, Buffer>();
  const listed = new Set<string>();
  for (const p of manifest.parts) {
    const where = `${PARTS_DIR}${p.name}`;
    if (listed.has(p.name)) throw invalid(where, 'is listed twice in the manifest');
    listed.add(p.name);
    if (signed.get(where) !== p.sha256) throw invalid(where, 'its manifest entry does not match the signed statement');
    const bytes = files.get(where);
    if (!bytes) throw invalid(where, 'is missing (the manifest lists it)');
    if (bytes.length !== p.size) throw invalid(where, `is ${bytes.length} bytes, the manifest says ${p.size}`);
    const digest = sha256(bytes);
    if (digest !== p.sha256) throw invalid(where, `does not match the manifest: SHA-256 ${digest}, expected ${p.sha256}`);
    if (TEXT_TYPES.test(p.mediaType)) {
      const text = utf8(bytes, where);
      const type = p.mediaType.split(';')[0]!.trim();
      if (type === 'application/x-ndjson' || type === 'application/jsonl') {
        const lines: JsonLines = [];
        text.split('\n').forEach((line, i) => {
          if (!line.trim()) return;
          const value = parseJson(line, `${where} line ${i + 1}`, limits.maxJsonDepth);
          if (json) lines.push({ line: i + 1, value });
        });
        json?.set(p.name, lines);
      } else if (type === 'application/json') {
        const value = parseJson(text, where, limits.maxJsonDepth);
        json?.set(p.name, value);
      }
    }
    parts.set(p.name, bytes);
  }
  if (statement.subject.length !== manifest.parts.length + 1) throw invalid(ENVELOPE_NAME, 'the signed statement names parts the manifest does not');
  for (const name of files.keys()) {
    if (name.startsWith(PARTS_DIR) && !listed.has(name.slice(PARTS_DIR.length))) throw invalid(name, 'is not in the manifest');
  }
  return { manifest, parts, signer: { fingerprint, publicKeyPem }, ...(json ? { json } : {}) };
}
