/**
 * Importing an incident bundle refuses, naming the part, and writes nothing (every table an
 * import touches counted before and after): a byte changed in each part, a part dropped, the
 * file cut short, the signature swapped or another key's, a validly signed part that breaks its
 * schema or the audit window's chain, a part an incident bundle does not have; and hostile files
 * — a name that climbs out (nothing lands outside), a decompression bomb, a part that declares
 * 2 GB, text that is not UTF-8, JSON nested too deep inside an event. The bundle reader's own
 * checks are tested in test/unit/bundle/; here, what the import does with them.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUNDLE_LIMITS, type BundleLimits } from '../../../../electron/core/bundle/bundle-format';
import { readBundle } from '../../../../electron/core/bundle/read-bundle';
import { loadSigningKey } from '../../../../electron/core/bundle/signing-key';
import { writeBundle } from '../../../../electron/core/bundle/write-bundle';
import { importIncidentBundle } from '../../../../electron/core/incidents/bundle/import-incident';
import { entries, repack } from '../../bundle/archive-helpers';
import { exported, makeIncident, openDataDir, rowCounts, signingKey, type DataDir } from './incident-fixture';

const root = mkdtempSync(join(tmpdir(), 'fleetops-incident-refusals-'));
const KEY = signingKey();
const OTHER = signingKey();
let source: DataDir;
let target: DataDir;
let bundle: Buffer;
let before: Record<string, number>;

beforeAll(async () => {
  source = openDataDir(join(root, 'source'));
  makeIncident(source, 20);
  bundle = (await exported(source, KEY)).bytes;
  target = openDataDir(join(root, 'target'), 'console-b');
  before = rowCounts(target);
});
afterAll(() => {
  source.close();
  target.close();
  rmSync(root, { recursive: true, force: true });
});

/** The refusal's message; fails when the bundle is imported, or anything was written. */
async function refusal(file: Buffer, limits?: BundleLimits): Promise<string> {
  const own = await loadSigningKey(target.dir);
  try {
    await importIncidentBundle(file, { db: target.db, dataDir: target.dir, ownFingerprint: own.fingerprint, trust: true, importedBy: 'bob@review', now: Date.now(), limits });
  } catch (err) {
    expect(rowCounts(target)).toEqual(before);
    expect((err as { code?: string }).code).toBe('BUNDLE_INVALID');
    return (err as Error).message;
  }
  throw new Error('the bundle was imported');
}

/** The bundle with its parts changed by `edit`, signed again (a valid signature over bad content). */
async function resigned(edit: (parts: Map<string, Buffer>) => void, key = KEY, types: Record<string, string> = {}): Promise<Buffer> {
  const read = await readBundle(bundle);
  const parts = new Map(read.parts);
  edit(parts);
  const m = read.manifest;
  const mediaType = (name: string) => types[name] ?? m.parts.find((p) => p.name === name)?.mediaType ?? 'text/plain; charset=utf-8';
  return writeBundle({ kind: m.kind, subject: m.subject, title: m.title, createdBy: m.createdBy, parts: [...parts].map(([name, content]) => ({ name, mediaType: mediaType(name), content })) }, key);
}

const flip = (b: Buffer) => {
  const c = Buffer.from(b);
  const at = Math.floor(c.length / 2);
  c[at] = c[at]! ^ 0x01;
  return c;
};

describe('an altered incident bundle is refused naming the part, nothing imported', () => {
  it('a byte changed in each part, in the manifest, the envelope and the key', async () => {
    const original = await entries(bundle);
    expect(original.map(([n]) => n)).toContain('parts/events.otel.jsonl');
    for (const [name] of original) {
      const altered = original.map(([n, b]): [string, Buffer] => [n, n === name ? flip(b) : b]);
      const message = await refusal(await repack(altered));
      const named = name === 'signer.pub.pem' ? /^(signer\.pub\.pem|manifest\.dsse\.json): / : new RegExp(`^${name.replace(/\./g, '\\.')}: `);
      expect(message, name).toMatch(named);
    }
  });

  it('a part dropped, the file cut short, the signature swapped, another key’s signature', async () => {
    const original = await entries(bundle);
    expect(await refusal(await repack(original.filter(([n]) => n !== 'parts/history.json')))).toBe('parts/history.json: is missing (the manifest lists it)');
    expect(await refusal(bundle.subarray(0, Math.floor(bundle.length / 2)))).toMatch(/^the bundle: not a gzip-compressed tar archive, or cut short/);
    const another = new Map(await entries(await resigned((p) => p.set('report.md', Buffer.from('# another\n')))));
    expect(await refusal(await repack(original.map(([n, b]): [string, Buffer] => [n, n === 'manifest.dsse.json' ? another.get(n)! : b])))).toMatch(/^manifest\.json: does not match the signed statement/);
    const byOther = new Map(await entries(await resigned(() => undefined, OTHER)));
    expect(await refusal(await repack(original.map(([n, b]): [string, Buffer] => [n, n === 'manifest.dsse.json' ? byOther.get(n)! : b])))).toMatch(/^manifest\.dsse\.json: no signature by the bundle's key/);
  });

  it('signed, but a part breaks its schema, the audit chain, or is not an incident bundle’s', async () => {
    const line17 = await resigned((p) => {
      const lines = p.get('events.otel.jsonl')!.toString().split('\n');
      lines[16] = lines[16]!.replace('"severityNumber":9', '"severityNumber":"9"').replace('"severityNumber":13', '"severityNumber":"13"');
      p.set('events.otel.jsonl', Buffer.from(lines.join('\n')));
    });
    expect(await refusal(line17)).toBe('events.otel.jsonl line 17: severityNumber: expected number, received string');
    const noKind = await resigned((p) => p.set('events.otel.jsonl', Buffer.from(p.get('events.otel.jsonl')!.toString().replace('"key":"fleetops.kind"', '"key":"fleetops.kinds"'))));
    expect(await refusal(noKind)).toBe('events.otel.jsonl line 1: attributes: fleetops.kind is missing');
    const milestone = await resigned((p) => p.set('incident.json', Buffer.from(p.get('incident.json')!.toString().replace('"name": "detected"', '"name": "spotted"'))));
    expect(await refusal(milestone)).toMatch(/^incident\.json: incident\.milestones\[1\]\.name: /);
    const chain = await resigned((p) => p.set('audit.jsonl', Buffer.from(p.get('audit.jsonl')!.toString().replace('"kind":"run"', '"kind":"nur"'))));
    expect(await refusal(chain)).toMatch(/^audit\.jsonl line \d+: entry \d+: hash mismatch/);
    const gap = await resigned((p) => {
      const lines = p.get('audit.jsonl')!.toString().trim().split('\n');
      p.set('audit.jsonl', Buffer.from(`${[lines[0], ...lines.slice(2)].join('\n')}\n`));
    });
    expect(await refusal(gap)).toMatch(/^audit\.jsonl line 2: (seq \d+ does not follow|entry \d+: prev_hash)/);
    expect(await refusal(await resigned((p) => p.delete('history.json')))).toBe('history.json: is missing: an incident bundle has it');
    expect(await refusal(await resigned((p) => p.set('notes.txt', Buffer.from('x'))))).toBe('notes.txt: is not a part of an incident bundle');
    // Parsed by other tools as what the manifest says it is: an incident bundle's parts are what they are.
    expect(await refusal(await resigned(() => undefined, KEY, { 'incident.json': 'text/plain' }))).toBe('incident.json: has media type "text/plain", expected application/json');
  });
});

describe('hostile incident bundles are refused at import, writing nothing anywhere', () => {
  it('a name that climbs out', async () => {
    const good = await entries(bundle);
    for (const name of ['../../fleetops-incident-escape', 'parts/../../fleetops-incident-escape']) {
      expect(await refusal(await repack([...good, [name, Buffer.from('pwned')]]))).toMatch(/not a name a bundle may hold/);
    }
    for (const dir of [root, target.dir, tmpdir(), process.cwd()]) expect(existsSync(join(dir, '..', '..', 'fleetops-incident-escape'))).toBe(false);
  });

  it('a decompression bomb, a part that declares 2 GB', async () => {
    const zeros = Buffer.alloc(8 * 1024 * 1024);
    const bomb = await repack([...(await entries(bundle)), ['parts/a', zeros], ['parts/b', zeros]]);
    expect(await refusal(bomb, { ...DEFAULT_BUNDLE_LIMITS, maxUnpackedBytes: 8 * 1024 * 1024 })).toMatch(/^the bundle: unpacks to more than 8 MB/);
    const p = pack();
    const chunks: Buffer[] = [];
    p.on('data', (c: unknown) => chunks.push(c as Buffer));
    p.entry({ name: 'parts/events.otel.jsonl', size: 2 * 1024 * 1024 * 1024 }).write(Buffer.alloc(1024));
    await new Promise((r) => setImmediate(r));
    expect(await refusal(gzipSync(Buffer.concat(chunks)))).toMatch(/declares 2048 MB, more than a part may hold/);
    p.destroy();
  });

  it('text that is not UTF-8, JSON nested too deep inside an event’s data', async () => {
    const latin1 = await resigned((p) => p.set('events.otel.jsonl', Buffer.concat([p.get('events.otel.jsonl')!, Buffer.from([0xff, 0xfe, 0x0a])])));
    expect(await refusal(latin1)).toBe('parts/events.otel.jsonl: is not valid UTF-8');
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const nested = await resigned((p) => {
      const [first, ...rest] = p.get('events.otel.jsonl')!.toString().split('\n');
      const line = JSON.parse(first!) as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<{ attributes: Array<{ key: string; value: { stringValue: string } }> }> }> }> };
      line.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.attributes.push({ key: 'fleetops.data', value: { stringValue: deep } });
      p.set('events.otel.jsonl', Buffer.from([JSON.stringify(line), ...rest].join('\n')));
    });
    expect(await refusal(nested)).toBe('events.otel.jsonl line 1: fleetops.data: JSON nested deeper than 64 levels');
  });
});
