import { stat } from 'node:fs/promises';

/** Identifies a file's current content cheaply (inode, size, mtime): a changed stamp means re-read it. */
export async function fileStamp(file: string): Promise<string> {
  try {
    const s = await stat(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch (err) {
    return `missing:${(err as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}
