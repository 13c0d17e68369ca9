/**
 * Signed bundles (electron/core/bundle/): written and read back whole; every kind of alteration
 * refused naming the part — a byte changed in each part, a part dropped or added, the file cut
 * short, the signature swapped, another key; hostile archives refused without writing anything
 * or holding more than the limits — path traversal, links, a decompression bomb, a part that
 * declares 2 GB, invalid UTF-8, deeply nested JSON; the signing key made once per data
 * directory; trust: own, trusted, unknown.
 */
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUNDLE_LIMITS } from '../../../electron/core/bundle/bundle-format';
import { readBundle } from '../../../electron/core/bundle/read-bundle';
import { fingerprintOf, loadSigningKey, SIGNING_KEY_FILE, type SigningKey } from '../../../electron/core/bundle/signing-key';
import { signerTrust, trustSigner } from '../../../electron/core/bundle/trusted-signers';
import { writeBundle, type BundleInput } from '../../../electron/core/bundle/write-bundle';
import { entries, repack } from './archive-helpers';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'fleetops-bundle-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function keyOf(): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: fingerprintOf(publicKey) };
}
const KEY = keyOf();
const OTHER = keyOf();
const NOW = new Date('2026-12-04T12:00:00Z');

const INPUT: BundleInput = {
  kind: 'drill-report',
  subject: 'run-1',
  title: 'Drill replica-stop run run-1 (passed)',
  createdBy: 'ops@console',
  parts: [
    { name: 'report.json', mediaType: 'application/json', content: JSON.stringify({ run: 'run-1', ok: true }) },
    { name: 'report.md', mediaType: 'text/markdown; charset=utf-8', content: '# Drill replica-stop\n\npassed\n' },
    { name: 'events.jsonl', mediaType: 'application/x-ndjson', content: '{"body":"a"}\n{"body":"b"}\n' },
  ],
};

async function refusal(bundle: Buffer, limits = DEFAULT_BUNDLE_LIMITS): Promise<string> {
  try {
    await readBundle(bundle, limits);
  } catch (err) {
    expect((err as { code?: string }).code).toBe('BUNDLE_INVALID');
    return (err as Error).message;
  }
  throw new Error('the bundle was accepted');
}

describe('a bundle written and read back', () => {
  it('holds every part as given, the manifest with each SHA-256 and size, and the signer', async () => {
    const bundle = await writeBundle(INPUT, KEY, NOW);
    const read = await readBundle(bundle);
    expect([...read.parts.keys()].sort()).toEqual(['events.jsonl', 'report.json', 'report.md']);
    expect(read.parts.get('report.md')!.toString()).toBe('# Drill replica-stop\n\npassed\n');
    expect(read.manifest).toMatchObject({ format: 'fleetops-bundle/1', kind: 'drill-report', subject: 'run-1', signer: KEY.fingerprint, createdAt: NOW.toISOString() });
    expect(read.manifest.parts.find((p) => p.name === 'report.md')).toMatchObject({ size: 29, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(read.signer.fingerprint).toBe(KEY.fingerprint);
    expect((await entries(bundle)).map(([n]) => n)).toEqual(['manifest.json', 'manifest.dsse.json', 'signer.pub.pem', 'parts/events.jsonl', 'parts/report.json', 'parts/report.md']);
    // The same input at the same time: the same bytes.
    expect((await writeBundle(INPUT, KEY, NOW)).equals(bundle)).toBe(true);
  });

  it('is a standard DSSE envelope over an in-toto statement naming every part by digest', async () => {
    const files = new Map(await entries(await writeBundle(INPUT, KEY, NOW)));
    const envelope = JSON.parse(files.get('manifest.dsse.json')!.toString());
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
    expect(envelope.signatures).toEqual([{ keyid: KEY.fingerprint, sig: expect.any(String) }]);
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString());
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    expect(statement.subject.map((s: { name: string }) => s.name)).toEqual(['manifest.json', 'parts/events.jsonl', 'parts/report.json', 'parts/report.md']);
  });
});

describe('an altered bundle is refused, naming the part', () => {
  const flip = (b: Buffer, at: number) => {
    const c = Buffer.from(b);
    c[at] = c[at]! ^ 0x01;
    return c;
  };

  it('a byte changed in each part', async () => {
    const original = await entries(await writeBundle(INPUT, KEY, NOW));
    const expected: Record<string, RegExp> = {
      'manifest.json': /^manifest\.json: (does not match the signed statement|is not JSON)/,
      'manifest.dsse.json': /^manifest\.dsse\.json: /,
      'signer.pub.pem': /^(signer\.pub\.pem|manifest\.dsse\.json): /,
      'parts/events.jsonl': /^parts\/events\.jsonl: does not match the manifest: SHA-256/,
      'parts/report.json': /^parts\/report\.json: does not match the manifest: SHA-256/,
      'parts/report.md': /^parts\/report\.md: does not match the manifest: SHA-256/,
    };
    for (const [name] of original) {
      // A byte inside the content (a letter of a string for the JSON files), not the framing.
      const altered = original.map(([n, b]): [string, Buffer] => [n, n === name ? flip(b, Math.floor(b.length / 2)) : b]);
      expect(await refusal(await repack(altered)), name).toMatch(expected[name]!);
    }
  });

  it('a part dropped, a part added, the file cut short', async () => {
    const bundle = await writeBundle(INPUT, KEY, NOW);
    const original = await entries(bundle);
    expect(await refusal(await repack(original.filter(([n]) => n !== 'parts/report.md')))).toBe('parts/report.md: is missing (the manifest lists it)');
    expect(await refusal(await repack(original.filter(([n]) => n !== 'manifest.dsse.json')))).toBe('manifest.dsse.json: is missing');
    expect(await refusal(await repack([...original, ['parts/extra.txt', Buffer.from('x')]]))).toBe('parts/extra.txt: is not in the manifest');
    for (const cut of [bundle.length - 10, Math.floor(bundle.length / 2), 10]) expect(await refusal(bundle.subarray(0, cut))).toMatch(/^the bundle: not a gzip-compressed tar archive, or cut short/);
  });

  it('the signature swapped for another statement’s, or the whole bundle signed with another key', async () => {
    const mine = await entries(await writeBundle(INPUT, KEY, NOW));
    const other = new Map(await entries(await writeBundle({ ...INPUT, subject: 'run-2' }, KEY, NOW)));
    const swapped = mine.map(([n, b]): [string, Buffer] => [n, n === 'manifest.dsse.json' ? other.get(n)! : b]);
    expect(await refusal(await repack(swapped))).toMatch(/^manifest\.json: (does not match the signed statement|names another subject)/);
    // Another key's signature with this key's public half.
    const byOther = new Map(await entries(await writeBundle(INPUT, OTHER, NOW)));
    const forged = mine.map(([n, b]): [string, Buffer] => [n, n === 'manifest.dsse.json' ? byOther.get(n)! : b]);
    expect(await refusal(await repack(forged))).toMatch(/^manifest\.dsse\.json: no signature by the bundle's key/);
    // Another key throughout is a valid bundle — by someone else (trust decides: below).
    expect((await readBundle(await writeBundle(INPUT, OTHER, NOW))).signer.fingerprint).toBe(OTHER.fingerprint);
  });
});

describe('hostile bundles', () => {
  it('path traversal, absolute names and links are refused, and nothing is written', async () => {
    const good = await entries(await writeBundle(INPUT, KEY, NOW));
    for (const name of ['../../fleetops-escape', '/tmp/fleetops-escape', 'parts/../../fleetops-escape', 'parts/./x']) {
      expect(await refusal(await repack([...good, [name, Buffer.from('pwned')]]))).toMatch(/not a name a bundle may hold/);
    }
    expect(await refusal(await repack([...good, { name: 'parts/link', type: 'symlink', linkname: '/etc/passwd' }]))).toMatch(/a symlink entry; a bundle holds regular files only/);
    expect(existsSync(join(tmpdir(), 'fleetops-escape'))).toBe(false);
    expect(existsSync(join(process.cwd(), '..', '..', 'fleetops-escape'))).toBe(false);
  });

  it('a decompression bomb stops at the unpacked limit, holding no more than it', async () => {
    // Three 15 MB parts of zeros: ~45 KB compressed, 45 MB unpacked, against a 32 MB limit.
    const zeros = Buffer.alloc(15 * 1024 * 1024);
    const bomb = await repack([['parts/a', zeros], ['parts/b', zeros], ['parts/c', zeros]]);
    expect(bomb.length).toBeLessThan(200 * 1024);
    const rss = process.memoryUsage().rss;
    expect(await refusal(bomb, { ...DEFAULT_BUNDLE_LIMITS, maxUnpackedBytes: 32 * 1024 * 1024, maxPartBytes: 16 * 1024 * 1024 })).toMatch(/^the bundle: unpacks to more than 32 MB \(a decompression bomb\?\)/);
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 * 1024);
  });

  it('a part that declares 2 GB is refused from its header, before a byte of it is read', async () => {
    const p = pack();
    const chunks: Buffer[] = [];
    p.on('data', (c: unknown) => chunks.push(c as Buffer));
    const sink = p.entry({ name: 'parts/huge', size: 2 * 1024 * 1024 * 1024 });
    sink.write(Buffer.alloc(1024));
    await new Promise((r) => setImmediate(r));
    expect(await refusal(gzipSync(Buffer.concat(chunks)))).toBe('"parts/huge": declares 2048 MB, more than a part may hold (256 MB)');
    p.destroy();
  });

  it('a signed part that is not UTF-8, or JSON nested too deep, is refused', async () => {
    const bad = (content: Buffer | string, mediaType: string) => writeBundle({ ...INPUT, parts: [{ name: 'x.json', mediaType, content }] }, KEY, NOW);
    expect(await refusal(await bad(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/json'))).toBe('parts/x.json: is not valid UTF-8');
    expect(await refusal(await bad(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'application/json'))).toBe('parts/x.json: JSON nested deeper than 64 levels');
    expect(await refusal(await bad('{"ok":1}\n{not json}\n', 'application/x-ndjson'))).toMatch(/^parts\/x\.json line 2: is not JSON/);
  });
});

describe('the signing key and trust', () => {
  it('is made once per data directory (0600), the same for two processes making it at once', async () => {
    const dir = tempDir();
    const [a, b] = await Promise.all([loadSigningKey(dir), loadSigningKey(dir)]);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect((await loadSigningKey(dir)).fingerprint).toBe(a.fingerprint);
    expect(statSync(join(dir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
    // A key given as a secret wins.
    const pem = OTHER.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect((await loadSigningKey(dir, async () => pem)).fingerprint).toBe(OTHER.fingerprint);
  });

  it('own, trusted once trusted, unknown otherwise', async () => {
    const dir = tempDir();
    const own = await loadSigningKey(dir);
    expect(await signerTrust(dir, own.fingerprint, own.fingerprint)).toBe('own');
    expect(await signerTrust(dir, OTHER.fingerprint, own.fingerprint)).toBe('unknown');
    const t = await trustSigner(dir, OTHER.publicPem, 'the other console');
    expect(t.fingerprint).toBe(OTHER.fingerprint);
    expect(await signerTrust(dir, OTHER.fingerprint, own.fingerprint)).toBe('trusted');
    // Twice changes nothing.
    expect((await trustSigner(dir, OTHER.publicPem, 'again')).label).toBe('the other console');
  });
});
