import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FleetError } from '../../../shared/errors';
import { fileStamp } from './file-stamp';
import { parseKnownHosts, type KnownHostEntry } from './known-hosts';

/** Reads and parses a known_hosts file; a missing file knows no hosts (like a fresh ~/.ssh). */
export async function readKnownHosts(file: string, subject?: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new FleetError('INTERNAL', `cannot read known_hosts file ${file}: ${(err as Error).message}. Check its permissions.`, {
      subject,
      cause: err,
    });
  }
}

/**
 * Appends one line, creating the file (0600) and its directory (0700) like ssh does, and
 * adding the newline a hand-edited file may lack so the new line is not glued to the last one.
 */
export async function appendKnownHostLine(file: string, line: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const needsNewline = await endsWithoutNewline(file);
  await appendFile(file, `${needsNewline ? '\n' : ''}${line}\n`, { mode: 0o600 });
}

async function endsWithoutNewline(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

/**
 * Parsed known_hosts files shared by every connection of a pool. A fleet usually has one
 * known_hosts for all its nodes: parsing it once per connection made 1,000 connections hold
 * 1,000 copies of a 1,000-line file (~600 KB each). The file is re-read when its size, mtime
 * or inode changes, so an edit (or a trusted key appended) is seen by the next connection.
 */
export class KnownHostsCache {
  private readonly files = new Map<string, { stamp: string; entries: Promise<KnownHostEntry[]> }>();

  async get(file: string, subject?: string): Promise<KnownHostEntry[]> {
    const stamp = await fileStamp(file);
    const cached = this.files.get(file);
    if (cached && cached.stamp === stamp) return cached.entries;
    const entries = readKnownHosts(file, subject);
    this.files.set(file, { stamp, entries });
    // A failed read is not cached: the next connection tries again.
    entries.catch(() => {
      if (this.files.get(file)?.entries === entries) this.files.delete(file);
    });
    return entries;
  }
}
