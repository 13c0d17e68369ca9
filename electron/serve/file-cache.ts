/**
 * The renderer's files as `serve` answers them: read once and kept in memory, with a gzip copy
 * for the text ones, so a request is answered with one write of a few hundred KB instead of a
 * stream of 64 KB reads.
 *
 * Why: the serving process also runs the engine (and with --lab a whole simulated fleet), whose
 * event loop is busy for tens of milliseconds at a time; every read of a streamed file, and
 * every drain of a large write, waits for the loop once. At 1,000 lab nodes the 600 KB bundle of
 * a first page load took most of a second to arrive that way; a third of the bytes in one write
 * leave at once. Compressed once per file (not per request), in the thread pool.
 *
 * A file rebuilt while serve runs (`npm run build:renderer`) has another size or modification
 * time, and is read again. Bounded, since the directory could hold anything: files over
 * `maxFileBytes` are not kept (the caller streams them), nor anything once `maxBytes` are held.
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

const gzip = promisify(gzipCallback);

export interface FileInfo {
  size: number;
  mtimeMs: number;
}

interface Kept extends FileInfo {
  body: Buffer;
  /** undefined: not made yet; null: not worth it (it did not get smaller). */
  gzip?: Buffer | null;
}

export interface CachedBody {
  body: Buffer;
  /** `gzip` when `body` is the compressed copy. */
  encoding: 'gzip' | null;
}

export class FileCache {
  private readonly files = new Map<string, Kept>();
  private held = 0;

  constructor(
    private readonly maxBytes = 32 * 1024 * 1024,
    private readonly maxFileBytes = 8 * 1024 * 1024,
  ) {}

  /**
   * The file's bytes — its gzip copy when `gzipOk` and it is smaller — if it can be kept (read
   * now, or kept from before and unchanged); null when the caller should stream it.
   */
  async get(file: string, info: FileInfo, gzipOk: boolean): Promise<CachedBody | null> {
    let kept = this.files.get(file);
    if (!kept || kept.size !== info.size || kept.mtimeMs !== info.mtimeMs) {
      if (kept) this.drop(file, kept);
      if (info.size > this.maxFileBytes || info.size > this.maxBytes - this.held) return null;
      const body = await readFile(file);
      // Changed while it was read: answer with what was read, keep nothing.
      if (body.length !== info.size) return { body, encoding: null };
      kept = { size: info.size, mtimeMs: info.mtimeMs, body };
      this.keep(file, kept, body.length);
    }
    if (!gzipOk) return { body: kept.body, encoding: null };
    if (kept.gzip === undefined) {
      const packed = await gzip(kept.body);
      // Another request may have made it meanwhile, or the file changed: keep the first, once.
      if (kept.gzip === undefined && this.files.get(file) === kept) {
        kept.gzip = packed.length < kept.body.length * 0.9 && packed.length <= this.maxBytes - this.held ? packed : null;
        if (kept.gzip) this.held += kept.gzip.length;
      }
      if (kept.gzip === undefined) return { body: packed, encoding: 'gzip' };
    }
    return kept.gzip ? { body: kept.gzip, encoding: 'gzip' } : { body: kept.body, encoding: null };
  }

  /** Bytes held, bodies and gzip copies. */
  get bytes(): number {
    return this.held;
  }

  private keep(file: string, kept: Kept, bytes: number): void {
    this.files.set(file, kept);
    this.held += bytes;
  }

  private drop(file: string, kept: Kept): void {
    this.files.delete(file);
    this.held -= kept.body.length + (kept.gzip ? kept.gzip.length : 0);
  }
}

/** Whether an Accept-Encoding header allows gzip (present, and not `q=0`). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip' && coding.trim() !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}
