/** A bundle's archive taken apart and put back together (any names, any types): the tampering and hostile cases of the bundle tests and the incident import tests. */
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';

/** The archive's entries, in order. */
export async function entries(bundle: Buffer): Promise<Array<[string, Buffer]>> {
  const out: Array<[string, Buffer]> = [];
  const x = extract();
  x.on('entry', (h, s, next) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: unknown) => chunks.push(c as Buffer));
    s.on('end', () => (out.push([h.name, Buffer.concat(chunks)]), next()));
  });
  const done = new Promise<void>((r) => x.on('finish', () => r()));
  x.end(gunzipSync(bundle));
  await done;
  return out;
}

/** A tar.gz of these entries (any names, any types: the hostile cases). */
export async function repack(list: Array<[string, Buffer] | { name: string; type: 'symlink'; linkname: string }>): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => p.on('end', () => r()));
  for (const e of list) {
    if (Array.isArray(e)) p.entry({ name: e[0], size: e[1].length }, e[1]);
    else p.entry({ name: e.name, type: e.type, linkname: e.linkname });
  }
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}
